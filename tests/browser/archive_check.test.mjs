// archive_check.test.mjs — issue 13, dat70: a unit's archivist runs the DA/T 70 四性检测 from
// the archive page in a real browser.  The button starts the job; the report page follows it
// (a refresh link, no script needed) and then shows the four properties: a file that only
// looks like a PDF fails 可用性 by name, the untouched blobs pass 真实性, and the report's
// PDF downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

// A file libmagic takes for a PDF (so the upload accepts it) that no PDF reader can open.
const brokenPdf = Buffer.from('%PDF-1.4\n% 只有文件头\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

test('the 四性检测 button, its progress and its report', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  const { unitId, year } = await openArchive(page);
  const archiveUrl = page.url();

  // one document in 1.1.3
  await Promise.all([page.waitForNavigation(), page.click('#fwtree a:has-text("1.1.3")')]);
  await page.setInputFiles('#upload input[type=file]',
    { name: '创建领导小组文件.pdf', mimeType: 'application/pdf', buffer: brokenPdf });
  await page.click('#upload button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#doclist a').length === 1);

  // the button on the archive page starts the run and leads to its report page
  await page.goto(archiveUrl);
  await Promise.all([page.waitForNavigation(), page.click('#check-form button[type=submit]')]);
  assert.ok(page.url().endsWith(`/units/${unitId}/archives/${year}/check`), page.url());
  for (let i = 0; i < 120; i++) {
    const state = await page.getAttribute('#check-state', 'data-state');
    if (state !== 'running') break;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.equal(await page.getAttribute('#check-state', 'data-state'), 'done',
    await page.textContent('#check-state'));
  assert.match(await page.textContent('#check-state'), /四性检测未全部通过/);

  // four sections; the blobs are intact, the broken file is named under 可用性
  for (const key of ['authenticity', 'integrity', 'usability', 'security']) {
    assert.ok(await page.isVisible(`#check-${key}`), `the ${key} section`);
  }
  assert.equal((await page.textContent('#check-authenticity .badge')).trim(), '通过');
  assert.equal((await page.textContent('#check-usability .badge')).trim(), '不通过');
  assert.match(await page.textContent('#check-usability'), /创建领导小组文件/);

  // the report as a PDF and as JSON
  const pdfHref = await page.getAttribute('a[href$="/check.pdf"]', 'href');
  const pdf = await page.request.get(srv.base + pdfHref);
  assert.equal(pdf.status(), 200);
  assert.match(pdf.headers()['content-type'], /application\/pdf/);
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  const json = await page.request.get(`${srv.base}/api/v1/units/${unitId}/archives/${year}/check`);
  assert.equal(json.status(), 200);
  const v = await json.json();
  assert.equal(v.state, 'done');
  assert.equal(v.usability, false);
  assert.equal(v.authenticity, true);
  await page.close();
});
