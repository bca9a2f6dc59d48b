// search.test.mjs — full-text search (issue 11) as a unit's archivist uses it: files uploaded
// on two leaves (a PDF whose Chinese text is read by the wenming-extract helper), then the
// search box in the header: type, get hits with the words highlighted, click a facet and
// the count changes, remove the filter, find a word that is only inside the PDF (also in
// traditional script), open the hit.  Phone width: the header's box and the results fit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const zhPdf = readFileSync(join(here, '..', 'data', 'search-zh.pdf'));
const tinyPdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

let srv, browser;

// the walk back's first step is 3 documents here (WENMING_SEARCH_SPAN), so that a page of
// matches among the newest, and a partial answer, takes a few uploads, not 100,000
before(async () => ({ srv, browser } = await openServerAndBrowser({ env: { WENMING_SEARCH_SPAN: '3' } })));
after(() => closeServerAndBrowser(srv, browser));

async function upload(page, leafUrl, name, buffer, count) {
  await page.goto(leafUrl);
  await page.setInputFiles('#upload input[type=file]', { name, mimeType: 'application/pdf', buffer });
  await page.click('#upload button[type=submit]');
  await page.waitForFunction((n) => document.querySelectorAll('#doclist a').length === n, count);
}

const total = async (page) => (await page.textContent('#search-total')).trim();

test('type in the header box, see highlighted hits, filter by a facet, open a hit', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (msg) => { if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text()); });
  await login(page, srv.base, 'unitadmin');
  const { unitId, year } = await openArchive(page);
  const leaf = (code) => `${srv.base}/units/${unitId}/archives/${year}/leaf/${code}`;
  await upload(page, leaf('1.1.1'), '琥珀湾制度.pdf', zhPdf, 1);
  await upload(page, leaf('1.1.1'), '琥珀湾照片说明.pdf', tinyPdf('one'), 2);
  await upload(page, leaf('2.1.1'), '琥珀湾会议记录.pdf', tinyPdf('two'), 1);

  // the header's box, from the home page: a GET to /search
  await page.goto(srv.base + '/home');
  const box = page.getByRole('searchbox', { name: '搜索档案、指标、指导' });
  assert.equal(await box.getAttribute('placeholder'), '搜索档案、指标、指导…');
  // "/" puts the cursor in it
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'top-q');
  await box.fill('琥珀湾');
  await Promise.all([page.waitForNavigation(), box.press('Enter')]);
  assert.match(page.url(), /\/search\?q=%E7%90%A5%E7%8F%80%E6%B9%BE$/);
  assert.equal(await total(page), '共 3 条结果，第 1 页');
  assert.equal(await page.locator('#search-hits li.hit').count(), 3);
  // every hit shows the word highlighted
  const marks = await page.$$eval('#search-hits li.hit', (lis) => lis.map((li) =>
    [...li.querySelectorAll('mark')].map((m) => m.textContent).join('|')));
  for (const m of marks) assert.match(m, /琥珀湾/);

  // a facet: the indicators under 2 hold one of the three
  const facet = page.locator('#search-facets [data-facet=indicator] a[data-value="2"]');
  assert.equal(await facet.locator('xpath=../span[@class="count"]').textContent(), '1');
  await Promise.all([page.waitForNavigation(), facet.click()]);
  assert.match(page.url(), /indicator=2$/);
  assert.equal(await total(page), '共 1 条结果，第 1 页');
  assert.equal(await page.locator('#search-hits li.hit').count(), 1);
  assert.match(await page.textContent('#search-filters'), /测评内容：/);
  // the query box keeps the query and the filter
  assert.equal(await page.inputValue('#search-q'), '琥珀湾');
  // remove the filter: all three again
  await Promise.all([page.waitForNavigation(), page.click('#search-filters a.remove')]);
  assert.equal(await total(page), '共 3 条结果，第 1 页');

  // a word only inside the PDF, once the job has read it (in traditional script, too)
  const inFile = async (q) => {
    for (let i = 0; i < 150; i++) {
      await page.goto(`${srv.base}/search?q=${encodeURIComponent(q)}`);
      if (await page.locator('#search-hits li.hit').count() > 0) return true;
      await page.waitForTimeout(200);
    }
    return false;
  };
  assert.ok(await inFile('档案管理制度'), 'the PDF\'s text is searchable');
  assert.equal(await page.locator('#search-hits li.hit').count(), 1);
  const inSnippet = await page.$$eval('#search-hits .snippet mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(inSnippet.some((m) => /档案管理制度/.test(m)), `marked: ${inSnippet.join('|')}`);
  await page.goto(`${srv.base}/search?q=${encodeURIComponent('檔案管理')}`);
  assert.equal(await page.locator('#search-hits li.hit').count(), 1);

  // open the hit: the document's page
  const title = (await page.textContent('#search-hits li.hit h2 a')).trim();
  await Promise.all([page.waitForNavigation(), page.click('#search-hits li.hit h2 a')]);
  assert.match(page.url(), /\/documents\/\d+/);
  assert.match(await page.textContent('h1'), new RegExp(title));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a common word: the newest documents answer, and a link goes on to the older ones', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await login(page, srv.base, 'unitadmin');
  const { unitId, year } = await openArchive(page);
  await page.goto(`${srv.base}/units/${unitId}/archives/${year}/leaf/3.1.1`);
  const files = Array.from({ length: 30 }, (_, i) =>
    ({ name: `海豚湾简报第${i + 1}期.pdf`, mimeType: 'application/pdf', buffer: tinyPdf(`n${i}`) }));
  await page.setInputFiles('#upload input[type=file]', files);
  await page.click('#upload button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#doclist a').length === 30);

  await page.goto(`${srv.base}/search?q=${encodeURIComponent('海豚湾')}`);
  const first = await total(page);
  const m = first.match(/^较新的文档中有 (\d+) 条结果，第 1 页$/);
  assert.ok(m, first);
  const n = Number(m[1]);
  assert.ok(n >= 20 && n < 30, first);
  assert.equal(await page.locator('#search-hits li.hit').count(), 20);
  // the second page holds the rest of them, and the link on is there too
  const more = page.locator('#search-more a');
  assert.match(await more.textContent(), /继续查找更早的文档/);
  await Promise.all([page.waitForNavigation(), more.click()]);
  assert.match(page.url(), /[?&]before=\d+/);
  assert.equal(await total(page), `共 ${30 - n} 条结果，第 1 页`);
  assert.equal(await page.locator('#search-more').count(), 0);
  const chip = page.locator('#search-filters li[data-key=before]');
  assert.match(await chip.textContent(), /更早的文档/);
  // back to the newest
  await Promise.all([page.waitForNavigation(), chip.locator('a.remove').click()]);
  assert.equal(await total(page), first);
  assert.deepEqual(problems, []);
  await page.close();
});

test('phone width: the header box and the results fit without sideways scrolling', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await login(page, srv.base, 'member');
  for (const path of ['/home', `/search?q=${encodeURIComponent('琥珀湾')}`]) {
    await page.goto(srv.base + path);
    const box = page.locator('form.top-search input[name=q]');
    assert.ok(await box.isVisible(), `the search box is visible on ${path}`);
    const bb = await box.boundingBox();
    assert.ok(bb.height >= 36, `the box is big enough to touch (${bb.height}px)`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path} scrolls sideways by ${overflow}px`);
  }
  // the member (same unit) finds the unit's documents
  assert.equal(await page.locator('#search-hits li.hit').count(), 3);
  await page.screenshot({ path: join(srv.dir, 'search-phone.png'), fullPage: true });
  await page.close();
});
