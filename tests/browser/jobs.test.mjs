// jobs.test.mjs — a unit's archivist imports a package larger than import_job_bytes through
// the import page: the page becomes the job's page with a progress bar, which wenming.js
// polls; when the job is done the page reloads by itself and shows the report, and the
// files are documents of their leaf.
//
// The server runs with WENMING_TEST_FAULT=hold-imports: an import job waits, after its
// first progress, while DATA/hold-imports exists, so the progress bar is seen for certain;
// the test removes the file to let the import finish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser({
  conf: 'import_job_bytes = 65536\n',
  env: { WENMING_TEST_FAULT: 'hold-imports' },
})));
after(() => closeServerAndBrowser(srv, browser));

// A PDF whose body is noise (so the package is as large as its files).
const pdf = (tag, size) => Buffer.concat([
  Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj<</Length ${size}>>stream\n`),
  randomBytes(size),
  Buffer.from('\nendstream endobj\ntrailer<<>>\n%%EOF\n'),
]);

// A ZIP of stored (uncompressed) entries with UTF-8 names: [[name, bytes], ...].
function zip(files) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = Buffer.from(name, 'utf8'), crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x800, 6);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(n.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8); ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(n.length, 28); ch.writeUInt32LE(offset, 42);
    locals.push(lh, n, data);
    centrals.push(ch, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

test('import a large package: the job page shows its progress, then the report', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  const { unitId, year } = await openArchive(page);
  const pkg = zip([['1.1.3/后台导入一.pdf', pdf('one', 50000)],
    ['1.1.3/后台导入二.pdf', pdf('two', 50000)]]);
  assert.ok(pkg.length > 65536, 'larger than import_job_bytes');

  const hold = join(srv.dir, 'hold-imports');
  writeFileSync(hold, '');
  await page.goto(`${srv.base}/units/${unitId}/archives/${year}/import`);
  await page.setInputFiles('input[type=file][name=file]',
    { name: '大档案包.zip', mimeType: 'application/zip', buffer: pkg });
  await Promise.all([page.waitForNavigation(),
    page.click('form[action$="/import"] button[type=submit]')]);

  // the job's page, with a progress bar while the import waits and runs
  assert.match(page.url(), /\/jobs\/\d+$/);
  assert.match(await page.textContent('h1'), /导入档案包 #\d+/);
  const card = page.locator('section[data-job]');
  assert.match(await card.getAttribute('data-state'), /^(queued|running)$/);
  assert.ok(await page.locator('progress.job-progress').isVisible(), 'a progress bar');
  assert.match(await page.textContent('.job-note'), /正在后台处理/);
  // wenming.js polls the job: the running import's first progress (0 of the package's
  // bytes) reaches the bar, which stays below 100 until the end
  await page.waitForFunction(() => {
    const bar = document.querySelector('progress.job-progress');
    return bar && bar.hasAttribute('value') && bar.value < 100;
  });
  assert.equal(await page.locator('table').count(), 0, 'no report yet');

  // let it finish: the page reloads by itself and shows the report
  rmSync(hold);
  await page.waitForSelector('section[data-job][data-state="done"]', { timeout: 60000 });
  assert.equal(await page.locator('progress.job-progress').count(), 0);
  assert.match(await page.textContent('.flash.ok'), /已导入 2 件/);
  const report = await page.textContent('section[data-job] table');
  assert.match(report, /后台导入一\.pdf/);
  assert.match(report, /后台导入二\.pdf/);
  assert.match(report, /已导入/);

  // back to the archive, and into the leaf: the two files are documents 01 and 02
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("返回档案")')]);
  await Promise.all([page.waitForNavigation(), page.click('#fwtree a:has-text("1.1.3")')]);
  const names = await page.$$eval('#doclist a', (as) => as.map((a) => a.textContent));
  assert.deepEqual(names.sort(), ['01：后台导入一', '02：后台导入二'].sort());
  await page.close();
});
