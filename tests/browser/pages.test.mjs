// pages.test.mjs — the pages as the demo's accounts meet them (issue 7): only the actions a
// role has, Chinese error pages with a way back, the leaf page's requirements and
// breadcrumb, a batch upload with one refused file, re-ordering, the trash, the PDF preview
// through pdf.js under our CSP, phone width, and the standards' method labels and totals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser, unitId, year;

before(async () => {
  ({ srv, browser } = await openServerAndBrowser());
  // the unit of the demo's unit accounts, and this year's archive (opened by its 创建办)
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  ({ unitId, year } = await openArchive(page));
  await page.close();
});
after(() => closeServerAndBrowser(srv, browser));

const archive = () => `${srv.base}/units/${unitId}/archives/${year}`;
const leaf = (code) => `${archive()}/leaf/${code}`;

// A real one-page PDF: a red square on white (pdf.js must draw it).
function realPdf() {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << >> >>',
  ];
  const content = '1 0 0 rg 50 50 200 200 re f\n';
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  offs.push(out.length);
  out += `4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}endstream\nendobj\n`;
  const xref = out.length;
  out += `xref\n0 5\n0000000000 65535 f \n` + offs.map((o) => String(o).padStart(10, '0') + ' 00000 n \n').join('');
  out += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const names = (page) => page.$$eval('#doclist a', (as) => as.map((a) => a.textContent));

test('the leader and the member see no import; an error page is Chinese and leads back', async () => {
  for (const who of ['leader', 'member']) {
    const page = await browser.newPage();
    await login(page, srv.base, who);
    await page.goto(archive());
    assert.equal(await page.$$eval('a[href$="/import"]', (a) => a.length), 0, `${who}: no import link`);
    // typed by hand: a 403 page in Chinese, a link back to where they came from, the id small
    const resp = await page.goto(archive() + '/import', { referer: archive() });
    assert.equal(resp.status(), 403);
    const main = await page.textContent('main');
    assert.doesNotMatch(main, /forbidden|403/, 'no English code, no bare status');
    assert.match(await page.textContent('h1'), /没有权限/);
    assert.equal(await page.getAttribute('a#back', 'href'), `/units/${unitId}/archives/${year}`);
    assert.match(await page.textContent('.error .rid'), /请求编号/);
    // without a Referer: the parent page
    const r2 = await page.goto(archive() + '/import');
    assert.equal(r2.status(), 403);
    assert.equal(await page.getAttribute('a#back', 'href'), `/units/${unitId}/archives/${year}`);
    await page.close();
  }
});

test('the leaf page says what is asked, who uploads, and where one is', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  await page.goto(leaf('1.1.3'));
  const crumbs = (await page.textContent('nav.crumbs')).replace(/\s+/g, ' ').trim();
  assert.equal(crumbs, `单位 › 市司法局 › ${year} 年度档案 › 1.1.3 创建领导小组`);
  const info = await page.textContent('#leaf-info');
  assert.match(info, /分值\s*2\.5 分/);
  assert.match(info, /按项扣分/);
  assert.match(info, /听取汇报/);
  assert.match(info, /个别座谈/, 'a Traditional label shown from our catalog');
  assert.doesNotMatch(info, /個別座談/);
  assert.match(info, /一次/);
  assert.match(info, /最少件数\s*2 件/);
  await page.goto(leaf('1.1.2'));
  assert.match(await page.textContent('#leaf-info'), /分档评定：A 3分，B 2\.4分，C 1\.8分，D 0分/);
  assert.match(await page.textContent('#leaf-info'), /办公室、人教科/);
  await page.close();

  // the member (办公室): 2.1.1 is 人教科's — it says so, and shows no upload form
  const m = await browser.newPage();
  await login(m, srv.base, 'member');
  await m.goto(leaf('2.1.1'));
  assert.match(await m.textContent('#may-upload'), /本指标由 人教科 负责，您所在的 办公室 不能上传/);
  assert.equal(await m.$$eval('#upload', (f) => f.length), 0);
  await m.goto(leaf('1.1.2'));
  assert.match(await m.textContent('#may-upload'), /您可以在这里上传/);
  assert.equal(await m.$$eval('#upload', (f) => f.length), 1);
  await m.close();
});

test('a batch with one refused file: outcomes in words, the list in step, the chosen order', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  await page.goto(leaf('3.1.1'));
  assert.match(await page.textContent('#doclist'), /还没有文件/);
  await page.setInputFiles('#upload input[type=file]', [
    { name: '乙方案.pdf', mimeType: 'application/pdf', buffer: pdf('b'.repeat(200000)) },
    { name: '脚本.pdf', mimeType: 'application/pdf', buffer: Buffer.from('#!/bin/sh\necho x\n') },
    { name: '甲照片说明.pdf', mimeType: 'application/pdf', buffer: pdf('a') },
  ]);
  await page.click('#upload button[type=submit]');
  await page.waitForSelector('#upload-progress li.summary');
  const rows = await page.$$eval('#upload-progress li:not(.summary)', (ls) => ls.map((l) => [l.className, l.querySelector('.state').textContent]));
  assert.equal(rows[0][0], 'done'); assert.equal(rows[0][1], '已上传');
  assert.equal(rows[1][0], 'failed'); assert.match(rows[1][1], /^未上传：.+/);
  assert.equal(rows[2][0], 'done');
  // the failed bar is red, not a full blue one
  const colour = (sel) => page.$eval(sel, (p) => getComputedStyle(p).accentColor);
  assert.equal(await colour('#upload-progress li.failed progress'), 'rgb(179, 38, 30)');
  assert.equal(await colour('#upload-progress li.done progress'), 'rgb(30, 125, 69)');
  assert.match(await page.textContent('#upload-progress li.summary'), /已上传 2 件，未上传 1 件/);
  await page.waitForFunction(() => document.querySelectorAll('#doclist a').length === 2);
  assert.deepEqual(await names(page), ['01：乙方案', '02：甲照片说明'], 'numbered in the chosen order');
  assert.doesNotMatch(await page.textContent('#doclist'), /还没有文件/);
  await page.close();
});

test('re-order with 下移 and by dragging; the order persists', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  await page.goto(leaf('3.1.1'));
  assert.deepEqual(await names(page), ['01：乙方案', '02：甲照片说明']);
  await Promise.all([page.waitForNavigation(), page.click('#doclist tr:nth-child(1) button.down')]);
  assert.deepEqual(await names(page), ['01：甲照片说明', '02：乙方案']);
  await page.reload();
  assert.deepEqual(await names(page), ['01：甲照片说明', '02：乙方案'], 'after reload');
  // drag the second row above the first
  await Promise.all([page.waitForNavigation(),
    page.dragAndDrop('#doclist tr:nth-child(2)', '#doclist tr:nth-child(1)', { targetPosition: { x: 10, y: 2 } })]);
  assert.deepEqual(await names(page), ['01：乙方案', '02：甲照片说明']);
  // the no-JavaScript form is still there
  assert.equal(await page.$$eval('#order-form input[name=order]', (i) => i.length), 1);
  await page.close();
});

test('the PDF preview draws the first page with pdf.js, without a CSP violation', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (msg) => { if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await login(page, srv.base, 'unitadmin');
  await page.goto(leaf('1.1.1'));
  await page.setInputFiles('#upload input[type=file]', { name: '红色方块.pdf', mimeType: 'application/pdf', buffer: realPdf() });
  await page.click('#upload button[type=submit]');
  await page.waitForSelector('#upload-progress li.summary');
  await page.waitForSelector('#doclist a');
  await Promise.all([page.waitForNavigation(), page.click('#doclist a')]);
  assert.match(await page.textContent('h1'), /01：红色方块/);
  assert.match(await page.textContent('nav.crumbs'), /单位 › 市司法局 › \d+ 年度档案 › 1\.1\.1 › 01：红色方块/);
  assert.match(await page.textContent('main'), /PDF 文档/);
  assert.doesNotMatch(await page.textContent('main'), /application\/pdf/);
  await page.waitForSelector('#pdf-preview.rendered canvas', { timeout: 20000 });
  const red = await page.$eval('#pdf-preview canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 60 && d[i + 2] < 60) n++;
    return n;
  });
  assert.ok(red > 1000, `red pixels drawn: ${red}`);
  assert.deepEqual(problems, []);
  // the scripts come from Debian's pdf.js, cached; nothing outside its directory
  const js = await page.request.get(srv.base + '/static/pdfjs/pdf.worker.js');
  assert.equal(js.status(), 200);
  assert.match(js.headers()['cache-control'], /max-age/);
  for (const bad of ['/static/pdfjs/../build/pdf.js', '/static/pdfjs/cmaps/..%2F..%2Fbuild%2Fpdf.js',
    '/static/pdfjs/viewer.js', '/static/pdfjs/cmaps/../../../../etc/passwd']) {
    assert.ok([400, 404].includes((await page.request.get(srv.base + bad)).status()), bad);
  }
  assert.equal((await page.request.get(srv.base + '/static/pdfjs/cmaps/Add-H.bcmap')).status(), 200);
  await page.close();
});

test('the trash: days left and restore for the 创建办, purge for the admin', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  await page.goto(leaf('3.1.1'));
  await Promise.all([page.waitForNavigation(), page.click('#doclist tr:nth-child(2) a')]);
  const docUrl = page.url();
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation(), page.click('button[value=delete]')]);
  await page.goto(archive() + '/trash');
  assert.match(await page.textContent('#trash'), /还剩 30 天/);
  assert.equal(await page.$$eval('#trash button[value=purge]', (b) => b.length), 0, 'no purge for a unit');
  await Promise.all([page.waitForNavigation(), page.click('#trash button[value=restore]')]);
  assert.match(page.url(), /\/trash\?ok=1/);
  assert.match(await page.textContent('.flash.ok'), /已恢复/);
  assert.match(await page.textContent('#trash'), /回收站是空的/);
  await page.goto(leaf('3.1.1'));
  assert.equal((await names(page)).length, 2);

  // the admin: restore any time, and purge
  await page.goto(docUrl);
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation(), page.click('button[value=delete]')]);
  const admin = await browser.newPage();
  await login(admin, srv.base, 'admin');
  await admin.goto(archive() + '/trash');
  assert.match(await admin.textContent('#trash'), /文明办可随时恢复/);
  assert.equal(await admin.$$eval('#trash button[value=restore]', (b) => b.length), 1);
  admin.once('dialog', (d) => d.accept());
  await Promise.all([admin.waitForNavigation(), admin.click('#trash button[value=purge]')]);
  assert.match(await admin.textContent('.flash.ok'), /已彻底删除/);
  await admin.close();
  // the leader sees the trash but no buttons
  const leader = await browser.newPage();
  await login(leader, srv.base, 'leader');
  await leader.goto(archive() + '/trash');
  assert.equal(await leader.$$eval('#trash button', (b) => b.length), 0);
  await leader.close();
  await page.close();
});

test('phone width: no sideways scrolling on the pages used in the field', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await login(page, srv.base, 'unitadmin');
  await page.goto(leaf('3.1.1'));
  const doc = await page.getAttribute('#doclist a', 'href');
  for (const url of [leaf('3.1.1'), leaf('1.1.3'), archive(), srv.base + doc, `${srv.base}/units/${unitId}`, archive() + '/trash']) {
    await page.goto(url);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `${url}: scrollWidth ${w}`);
    const small = await page.$$eval('main button, main a.button', (bs) => bs.filter((b) => b.offsetParent && b.getBoundingClientRect().height < 40).map((b) => b.textContent));
    assert.deepEqual(small, [], `${url}: buttons at least 40 px tall`);
  }
  // table headers do not wrap one character per line
  await page.goto(`${srv.base}/units/${unitId}`);
  assert.match(await page.textContent('nav.crumbs'), /单位 › 市司法局/);
  // the unit's accounts collapse into cards: no header row, each cell labelled
  assert.equal(await page.$eval('table.cards thead', (t) => getComputedStyle(t).display), 'none');
  assert.match(await page.$eval('table.cards tbody td[data-label]', (td) => getComputedStyle(td, '::before').content), /：/);
  const tall = await page.$$eval('th', (ths) => ths.filter((t) => t.offsetParent && t.getBoundingClientRect().height > 60).length);
  assert.equal(tall, 0);
  await ctx.close();
});

test('standards: method labels from our catalog, 未设分值 for an unscored tree, Chinese 来源', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'office');
  await page.goto(srv.base + '/frameworks');
  const rows = await page.$$eval('tbody tr', (trs) => trs.map((tr) => tr.textContent));
  const seed = rows.find((t) => t.includes('歸檔範圍'));
  assert.match(seed, /未设分值/);
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("合成样例")')]);
  const main = await page.textContent('main');
  assert.match(await page.textContent('nav.crumbs'), /^测评体系 › 某市文明单位测评标准/);
  assert.match(main, /来源合成样例/);
  assert.doesNotMatch(main, /synthetic|fixture/);
  const chips = await page.$$eval('.tag.method', (t) => t.map((x) => x.textContent));
  for (const trad of ['個別座談', '實地查看', '網上申報', '問卷調查']) assert.ok(!chips.includes(trad), trad);
  assert.ok(chips.includes('网上申报') && chips.includes('实地查看'));
  assert.ok(chips.includes('查看台账'), 'an unknown label as written');
  await page.goto(srv.base + '/frameworks');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("歸檔範圍")')]);
  assert.match(await page.textContent('section.card dl'), /总分\s*未设分值/);
  await page.close();
});
