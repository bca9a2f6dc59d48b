// work_tasks.test.mjs — the creation work's tasks (issue 12, wplan) in the browser, without
// our JavaScript: the unit's 创建办 (unit_admin) assigns a task to 办公室 on the tasks page; the
// department head (a unit_member of 办公室) signs in on a phone (390 × 844), sees the task under
// 本科室任务 on the home page and completes it there; the page never scrolls sideways, and
// the tasks list shows it done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

const sideways = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('a department completes its task from its home page on a phone', async () => {
  // the 创建办 assigns the task
  const admin = await browser.newPage();
  await login(admin, srv.base, 'unitadmin');
  await Promise.all([admin.waitForNavigation(), admin.click('nav.main >> text=本单位')]);
  const unitId = admin.url().match(/units\/(\d+)/)[1];
  await admin.goto(`${srv.base}/units/${unitId}/work/tasks`);
  await admin.click('#task-add summary');
  await admin.fill('#task-add input[name=title]', '更新创建宣传栏（第二季度）');
  await admin.selectOption('#task-add select[name=dept_id]', { label: '办公室' });
  await admin.fill('#task-add input[name=due_on]', '2099-06-30');
  await admin.fill('#task-add input[name=leaves]', '1.1.1');
  await Promise.all([admin.waitForNavigation(), admin.click('#task-add button[type=submit]')]);
  assert.match(await admin.textContent('body'), /任务已布置/);
  assert.equal(await admin.locator('#tasks tbody tr', { hasText: '更新创建宣传栏' }).count(), 1);

  // the department head, on a phone
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await ctx.newPage();
  await login(phone, srv.base, 'member');
  assert.match(phone.url(), /\/home$/);
  const item = phone.locator('#home-tasks li', { hasText: '更新创建宣传栏' });
  assert.equal(await item.count(), 1);
  assert.match(await item.textContent(), /2099-06-30/);
  assert.ok((await sideways(phone)) <= 0, 'the home page does not scroll sideways');
  const button = item.locator('button[type=submit]');
  const box = await button.boundingBox();
  assert.ok(box && box.height >= 40, `the 完成 button is ${box?.height} px tall`);
  await item.locator('input[name=note]').fill('已更新，照片已上传');
  await Promise.all([phone.waitForNavigation(), button.click()]);
  assert.match(phone.url(), /\/home/);
  assert.match(await phone.textContent('body'), /任务已完成/);
  assert.equal(await phone.locator('#home-tasks li', { hasText: '更新创建宣传栏' }).count(), 0);
  assert.ok((await sideways(phone)) <= 0, 'nor after completing');

  // its tasks list says done, with the note, and still does not scroll sideways
  await phone.goto(`${srv.base}/units/${unitId}/work/tasks`);
  const row = phone.locator('#tasks tbody tr', { hasText: '更新创建宣传栏' });
  assert.match(await row.textContent(), /已完成/);
  assert.match(await row.textContent(), /已更新，照片已上传/);
  assert.ok((await sideways(phone)) <= 0, 'the tasks page does not scroll sideways');
  await ctx.close();
});

test('the creation work\'s pages fit a phone, forms unfolded, for the 创建办', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await login(page, srv.base, 'unitadmin');
  await Promise.all([page.waitForNavigation(), page.click('nav.main >> text=本单位')]);
  const unitId = page.url().match(/units\/(\d+)/)[1];
  for (const tab of ['group', 'plan', 'tasks', 'settings']) {
    await page.goto(`${srv.base}/units/${unitId}/work/${tab}`);
    assert.equal(await page.locator('#work-tabs [aria-current=page]').count(), 1);
    for (const d of await page.$$('details')) await d.evaluate((e) => { e.open = true; });
    const over = await sideways(page);
    assert.ok(over <= 0, `/work/${tab} scrolls sideways by ${over} px`);
  }
  await ctx.close();
});
