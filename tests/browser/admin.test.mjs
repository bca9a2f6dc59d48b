// admin.test.mjs — an office creates a unit with departments through the forms, creates
// the unit's archivist account and reads its one-time password; the archivist logs in,
// must change that password first, then lands on its unit; the audit page shows it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

test('office creates a unit and its archivist, who must change the first password', async () => {
  const office = await browser.newPage();
  await login(office, srv.base, 'office');

  // a unit, with departments, through the form of the unit list
  await office.goto(srv.base + '/units');
  const form = office.locator('form[method=post][action="/units"]');
  await form.locator('input[name=name]').fill('浏览器测试局<b>');
  await form.locator('input[name=code]').fill('BROWSER-1');
  await form.locator('select[name=type]').selectOption('机关');
  await form.locator('input[name=depts]').fill('办公室、宣传科');
  await Promise.all([office.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.match(await office.textContent('.flash.ok'), /单位已创建/);
  assert.equal(await office.textContent('h1'), '浏览器测试局<b>', 'the name is shown as text');
  const unitUrl = office.url().split('?')[0];
  const depts = await office.$$eval('main table tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.ok(depts.includes('办公室') && depts.includes('宣传科'));

  // the same code again is refused with a message, on the list page
  await office.goto(srv.base + '/units');
  await form.locator('input[name=name]').fill('重复');
  await form.locator('input[name=code]').fill('BROWSER-1');
  await Promise.all([office.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.match(await office.textContent('.flash.err'), /BROWSER-1/);

  // the archivist's account: a one-time password on the next page
  await office.goto(unitUrl);
  await Promise.all([office.waitForNavigation(), office.click('text=新建账号')]);
  const uform = office.locator('form[method=post][action="/users"]');
  await uform.locator('input[name=username]').fill('browser_admin');
  await uform.locator('input[name=display_name]').fill('测试档案员');
  await uform.locator('select[name=role]').selectOption('unit_admin');
  await Promise.all([office.waitForNavigation(), uform.locator('button[type=submit]').click()]);
  const initial = (await office.textContent('code.secret')).trim();
  assert.ok(initial.length >= 8, 'an initial password is shown once');
  await office.close();

  // the archivist logs in with it and is sent to change it first
  const unit = await browser.newPage();
  await login(unit, srv.base, 'browser_admin', initial);
  await unit.goto(srv.base + '/home');
  assert.match(unit.url(), /\/password$/);
  await unit.fill('input[name=old_password]', initial);
  await unit.fill('input[name=password]', 'Strong-Pass-2026');
  await unit.fill('input[name=password2]', 'Strong-Pass-2026');
  await Promise.all([unit.waitForNavigation(), unit.click('form[action="/password"] button')]);
  assert.match(await unit.textContent('.flash.ok'), /密码已修改/);
  await Promise.all([unit.waitForNavigation(), unit.click('nav.main >> text=本单位')]);
  assert.equal(await unit.textContent('h1'), '浏览器测试局<b>');
  await unit.close();

  // and the audit log shows who did it
  const admin = await browser.newPage();
  await login(admin, srv.base, 'admin');
  await admin.goto(srv.base + '/audit?user=office');
  // actions in words (the code stays in the cell's title), the object named and linked
  const actions = await admin.$$eval('table.audit tbody td[title]', (cs) => cs.map((c) => c.textContent));
  assert.ok(actions.includes('新建单位'));
  assert.ok(actions.includes('新建账号'));
  assert.ok(await admin.$('table.audit tbody a[href^="/units/"]'));
  await admin.close();
});
