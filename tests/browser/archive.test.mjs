// archive.test.mjs — a unit's archivist drags a file onto a leaf, watches the progress
// bar, sees "01：…" appear; a second file becomes "02：…"; the export button streams the
// standard package and the ZIP holds the right folder and file names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

// The names in a ZIP's central directory (UTF-8 flagged names as UTF-8).
function zipNames(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a ZIP end record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const flags = buf.readUInt16LE(p + 8);
    const n = buf.readUInt16LE(p + 28), x = buf.readUInt16LE(p + 30), c = buf.readUInt16LE(p + 32);
    const raw = buf.subarray(p + 46, p + 46 + n);
    if (raw.some((b) => b >= 0x80)) assert.ok(flags & 0x800, 'non-ASCII names flagged UTF-8');
    names.push(raw.toString('utf8'));
    p += 46 + n + x + c;
  }
  return names;
}

const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

async function dropFile(page, name, bytes) {
  const dt = await page.evaluateHandle(({ name, b64 }) => {
    const dt = new DataTransfer();
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    dt.items.add(new File([data], name, { type: 'application/pdf' }));
    return dt;
  }, { name, b64: bytes.toString('base64') });
  await page.dispatchEvent('label.drop', 'drop', { dataTransfer: dt });
}

test('drag a file in, watch the progress, see 01：…, export the package', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  // the unit page: create this year's archive (explicitly) and open it
  const { year } = await openArchive(page);
  assert.match(await page.textContent('h1'), /年度创建档案/);
  await Promise.all([page.waitForNavigation(), page.click('#fwtree a:has-text("1.1.3")')]);
  assert.match(await page.textContent('h1'), /1\.1\.3 创建领导小组/);

  // Watch the progress bars: they live until the page reloads, so remember what they did.
  await page.evaluate(() => {
    const list = document.getElementById('upload-progress');
    new MutationObserver(() => {
      list.querySelectorAll('progress').forEach((bar) => {
        const seen = +(sessionStorage.getItem('maxProgress') || -1);
        sessionStorage.setItem('maxProgress', String(Math.max(seen, bar.value)));
      });
      sessionStorage.setItem('bars', String(list.querySelectorAll('progress').length));
    }).observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await dropFile(page, '创建领导小组文件.pdf', pdf('one'));
  await page.waitForFunction(() => /01：创建领导小组文件/.test(document.getElementById('doclist').textContent));
  assert.equal(await page.evaluate(() => sessionStorage.getItem('bars')), '1', 'one progress bar');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('maxProgress')), '100', 'it reached 100%');
  assert.equal(await page.textContent('#upload-progress li .state'), '已上传');

  // a second one, through the file field: 02
  await page.setInputFiles('#upload input[type=file]', { name: '成员调整通知.pdf', mimeType: 'application/pdf', buffer: pdf('two') });
  await page.click('#upload button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#doclist a').length === 2);
  const names = await page.$$eval('#doclist a', (as) => as.map((a) => a.textContent));
  assert.deepEqual(names, ['01：创建领导小组文件', '02：成员调整通知']);

  // a refused type says what it found, in words (no media type codes)
  await page.setInputFiles('#upload input[type=file]', { name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('#!/bin/sh\necho pwned\n') });
  await page.click('#upload button[type=submit]');
  await page.waitForSelector('#upload-progress li.failed');
  assert.match(await page.textContent('#upload-progress li.failed .state'), /^未上传：/);
  assert.match(await page.textContent('#upload-progress li.failed'), /文件内容是 shell 脚本，不是 PDF 文档/);
  assert.doesNotMatch(await page.textContent('#upload-progress'), /text\/x-shellscript/);

  // export from the archive page: the page shows progress and saves the ZIP
  await page.goto(page.url().replace(/\/leaf\/.*$/, ''));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export]')]);
  assert.match(await page.textContent('#export-progress'), /完成|已接收/);
  const zip = readFileSync(await download.path());
  const entries = zipNames(zip);
  const top = `data/市司法局_${year}_创建档案/`;
  const leaf = `${top}1 组织管理/1.1 创建规划/1.1.3 创建领导小组/`;
  assert.ok(entries.includes(`${leaf}01：创建领导小组文件.pdf`), entries.join('\n'));
  assert.ok(entries.includes(`${leaf}02：成员调整通知.pdf`));
  for (const f of ['bagit.txt', 'manifest-sha256.txt', 'index.html', 'manifest.csv', 'manifest.json']) {
    assert.ok(entries.some((e) => e === f || e.endsWith('/' + f)), `${f} in the package`);
  }
  await page.close();
});
