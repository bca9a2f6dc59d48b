// frameworks.test.mjs — an office user uploads a CSV standard, sees the preview, saves
// it as a draft, publishes it and browses the tree (fold, filter); a unit user reads the
// published edition; a file with errors shows them by row and field; a standard published
// as a Word table previews with its parts and the skipped 合计 row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser, dir;

before(async () => {
  ({ srv, browser } = await openServerAndBrowser());
  dir = mkdtempSync(join(tmpdir(), 'wm-fw-'));
});

after(async () => {
  await closeServerAndBrowser(srv, browser);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const csv = [
  '编码,指标,测评内容,佐证材料,分值,计分方式,测评方法,一票否决,责任部门,载体,频次,最少件数',
  '1,思想道德建设,,,10,,,,,,,',
  '1.1,理论学习,,,6,,,,,,,',
  '1.1.1,中心组学习,每季度至少一次专题学习,学习记录、照片,3.5,扣分,材料审核、实地查看,,办公室,文字;图片,每季度,1',
  '1.1.2,学习强国,全员注册并坚持学习,截图,2.5,"分档:A=1,B=0.8,C=0.6,D=0",网上申报,,人教科,图片,每月,',
  '1.2,诚信建设,,,4,,,,,,,',
  '1.2.1,失信行为,无严重失信行为,,4,扣分,查阅资料,是,监察室,文字,每年,',
  '2,加分项,,,,,,,,,,',
  '2.1,市级以上表彰,获得表彰,证书,2,加分:2,听取汇报,,,,,',
].join('\n') + '\n';

test('upload a CSV, preview, save, publish, browse the tree', async () => {
  const file = join(dir, '思想道德测评.csv');
  writeFileSync(file, csv);
  const page = await browser.newPage();
  await login(page, srv.base, 'office');
  await page.goto(srv.base + '/frameworks');
  await page.setInputFiles('#fw-upload input[type=file]', file);
  await page.fill('#fw-upload input[name=name]', '浏览器测试标准');
  await page.fill('#fw-upload input[name=version]', '2026');
  await Promise.all([page.waitForNavigation(), page.click('#fw-upload button[type=submit]')]);

  // the preview: totals and the tree, nothing stored yet
  assert.equal(await page.textContent('h1'), '预览测评体系');
  const main = await page.textContent('main');
  assert.match(main, /浏览器测试标准/);
  assert.match(main, /中心组学习/);
  assert.match(main, /3\.5分/);
  assert.match(main, /一票否决/);
  const api = await page.evaluate(async () => (await fetch('/api/v1/frameworks')).json());
  assert.ok(!api.items.some((e) => e.name === '浏览器测试标准'), 'the preview stores nothing');

  // save as draft, then publish
  await Promise.all([page.waitForNavigation(), page.click('text=确认无误，保存为草稿')]);
  assert.match(page.url(), /\/frameworks\/\d+/);
  assert.match(await page.textContent('main'), /草稿/);
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/publish"] button')]);
  assert.match(await page.textContent('.flash.ok'), /已发布/);
  assert.match(await page.textContent('main'), /已发布/);
  const url = page.url().split('?')[0];

  // the tree: totals per level, fold all, filter as you type
  assert.match(await page.textContent('#fwtree'), /下级合计 6/);
  await page.click('button[data-fold=close]');
  assert.equal(await page.$$eval('#fwtree details[open]', (d) => d.length), 0);
  await page.click('button[data-fold=open]');
  await page.fill('#fwfilter', '学习强国');
  const visible = await page.$$eval('#fwtree .leaf', (ls) => ls.filter((l) => !l.hidden).map((l) => l.querySelector('b').textContent));
  assert.deepEqual(visible, ['学习强国']);

  // without JavaScript the same filter runs on the server
  const resp = await page.goto(url + '?q=' + encodeURIComponent('失信'));
  assert.equal(resp.status(), 200);
  const leaves = await page.$$eval('#fwtree .leaf b', (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(leaves, ['失信行为']);
  await page.close();

  // a unit account reads the published edition
  const unit = await browser.newPage();
  await login(unit, srv.base, 'leader');
  const r2 = await unit.goto(url);
  assert.equal(r2.status(), 200);
  assert.match(await unit.textContent('#fwtree'), /市级以上表彰/);
  await unit.close();
});

test('a CSV with errors shows them by row and field and stores nothing', async () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'code,title,score\n1,甲,x\n1.2.3,乙,1\n');
  const page = await browser.newPage();
  await login(page, srv.base, 'office');
  await page.goto(srv.base + '/frameworks');
  await page.setInputFiles('#fw-upload input[type=file]', file);
  await page.fill('#fw-upload input[name=name]', '错误标准');
  await Promise.all([page.waitForNavigation(), page.click('#fw-upload button[type=submit]')]);
  assert.equal(await page.textContent('h1'), '导入失败');
  const rows = await page.$$eval('section.error tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.some((t) => t.includes('2') && t.includes('score')), 'row 2, field score');
  assert.ok(rows.some((t) => t.includes('1.2.3')), 'the orphan code');
  await page.close();
});

test('a standard published as a Word table previews with its parts', async () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, '..', 'data', 'frameworks', 'word-table.docx');
  const page = await browser.newPage();
  await login(page, srv.base, 'office');
  await page.goto(srv.base + '/frameworks');
  await page.setInputFiles('#fw-upload input[type=file]', file);
  await page.fill('#fw-upload input[name=name]', 'Word 测评细则');
  await Promise.all([page.waitForNavigation(), page.click('#fw-upload button[type=submit]')]);
  assert.equal(await page.textContent('h1'), '预览测评体系');
  const main = await page.textContent('main');
  for (const t of ['组织领导', '创建规划', '计划分解到科室', '环境建设', '合计行不是指标']) {
    assert.match(main, new RegExp(t), t);
  }
  assert.doesNotMatch(main, /本细则由市文明办负责解释/); // text outside the tables
  await page.close();
});
