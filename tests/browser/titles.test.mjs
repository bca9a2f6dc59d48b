// titles.test.mjs — the title register (文明称号, issue 10) in the browser, without our
// JavaScript: the city office opens 文明称号 from the navigation, imports a register with a
// bad row (the per-row report is shown and nothing is imported), fixes it and imports, revokes
// a title with a reason, and registers one by hand; the unit sees its titles on its page at
// phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

const dir = mkdtempSync(join(tmpdir(), 'wm-titles-'));
// Open a folded section (a <details>) unless it is open already.
const unfold = async (page, sel) => {
  if (!(await page.$eval(sel, (d) => d.open))) await page.click(`${sel} summary`);
};
const file = (name, text) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('import with a bad row, then a good file; revoke with a reason; register one', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'office');
  await Promise.all([page.waitForNavigation(), page.click('nav.main >> text=文明称号')]);
  assert.match(page.url(), /\/titles$/);

  // a register whose third line has a day that does not exist: nothing is imported
  const bad = file('bad.csv', '单位代码,称号,级别,授予日期,有效期至\n' +
    'DEMO001,第十四届市级文明单位,市级,2021/3/5,2099年3月4日\n' +
    'DEMO002,第十四届市级文明单位,市级,2021-02-30,2099-03-04\n');
  await unfold(page, '#import');
  await page.setInputFiles('#import input[type=file]', bad);
  await Promise.all([page.waitForNavigation(), page.click('#import button[type=submit]')]);
  const report = await page.textContent('#report');
  assert.match(report, /没有导入任何称号/);
  assert.match(report, /3\s*授予日期/);
  assert.equal(await page.locator('table.cards tbody tr td.empty').count(), 1);

  // the fixed file imports both
  const good = file('good.csv', '单位代码,称号,级别,授予日期,有效期至\n' +
    'DEMO001,第十四届市级文明单位,市级,2021/3/5,2099年3月4日\n' +
    'DEMO002,第十四届市级文明单位,市级,2021-03-05,2099-03-04\n');
  await unfold(page, '#import');
  await page.setInputFiles('#import input[type=file]', good);
  await Promise.all([page.waitForNavigation(), page.click('#import button[type=submit]')]);
  assert.match(await page.textContent('body'), /已导入 2 条称号/);
  assert.equal(await page.locator('table.cards tbody tr .badge.kept').count(), 2);

  // revoke one with a reason
  const row = page.locator('table.cards tbody tr', { hasText: '市司法局' });
  await row.locator('details summary').click();
  await row.locator('select[name=state]').selectOption('revoked');
  await row.locator('input[name=reason]').fill('发生重大安全事故');
  await Promise.all([page.waitForNavigation(), row.locator('button[type=submit]').click()]);
  assert.match(await page.textContent('body'), /称号状态已变更/);
  const after = page.locator('table.cards tbody tr', { hasText: '市司法局' });
  assert.match(await after.textContent(), /撤销\s*发生重大安全事故/);

  // register one by hand; a wrong code goes back with why
  await unfold(page, '#add');
  await page.fill('#add input[name=unit_code]', 'NO-SUCH');
  await page.fill('#add input[name=title]', '区级文明单位');
  await page.fill('#add input[name=level]', '区级');
  await page.fill('#add input[name=awarded_on]', '2022-01-10');
  await Promise.all([page.waitForNavigation(), page.click('#add button[type=submit]')]);
  assert.match(await page.textContent('body'), /单位不存在/);
  await unfold(page, '#add');
  await page.fill('#add input[name=unit_code]', 'DEMO001');
  await page.fill('#add input[name=title]', '区级文明单位');
  await page.fill('#add input[name=level]', '区级');
  await page.fill('#add input[name=awarded_on]', '2022-01-10');
  await Promise.all([page.waitForNavigation(), page.click('#add button[type=submit]')]);
  assert.match(await page.textContent('body'), /称号已登记/);
  assert.equal(await page.locator('table.cards tbody tr').count(), 3);
  await page.close();
});

test('the unit sees its own titles on its page, at phone width', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await login(page, srv.base, 'member');
  await Promise.all([page.waitForNavigation(), page.click('nav.main >> text=本单位')]);
  const card = page.locator('#titles');
  assert.match(await card.textContent(), /第十四届市级文明单位/);
  assert.match(await card.textContent(), /撤销/);
  assert.equal(await card.locator('a[href^="/titles?unit="]').count(), 0); /* no management */
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no sideways scrolling (${width}px)`);
  await page.close();
});
