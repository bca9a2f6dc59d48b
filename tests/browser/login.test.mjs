// login.test.mjs — a unit user logs in, sees its own unit, gets 404 for another unit's
// URL, and logs out; an office user sees the units of its jurisdiction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

async function unitIdByCode(base, cookieUser, code) {
  // find a unit's id through the API as the city office (bearer-less: cookie login)
  const r = await fetch(base + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: cookieUser, password: 'Demo-2026' }),
  });
  assert.equal(r.status, 201);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const list = await fetch(base + '/api/v1/units?q=' + code, { headers: { cookie } });
  const body = await list.json();
  return body.items.find((u) => u.code === code).id;
}

test('a unit user sees its unit, not another, and logs out', async () => {
  const own = await unitIdByCode(srv.base, 'office', 'DEMO001');
  const other = await unitIdByCode(srv.base, 'office', 'DEMO002');
  const page = await browser.newPage();
  await page.goto(srv.base + '/');
  assert.match(page.url(), /\/login$/);
  await login(page, srv.base, 'unitadmin');
  assert.match(page.url(), /\/home$/);
  assert.match(await page.textContent('main'), /市司法局/);

  // its own unit, through the navigation
  await Promise.all([page.waitForNavigation(), page.click('nav.main >> text=本单位')]);
  assert.equal(new URL(page.url()).pathname, `/units/${own}`);
  assert.equal(await page.textContent('h1'), '市司法局');
  assert.match(await page.textContent('main'), /DEMO001/);
  assert.match(await page.textContent('main'), /办公室/);

  // another unit's page: 404, and nothing of it shows
  const resp = await page.goto(`${srv.base}/units/${other}`);
  assert.equal(resp.status(), 404);
  const text = await page.textContent('main');
  assert.doesNotMatch(text, /市教育局|DEMO002/);
  // said in Chinese (no English code), with a way back and the request id in small print
  assert.doesNotMatch(text, /not_found|forbidden|404/);
  assert.match(await page.textContent('h1'), /未找到/);
  assert.ok(await page.$('a#back'));
  assert.match(await page.textContent('.error .rid'), /请求编号/);

  // the office pages are not for unit accounts
  const units = await page.goto(`${srv.base}/units`);
  assert.equal(units.status(), 403);

  // log out: back at the login page, and the session is gone
  await page.goto(srv.base + '/home');
  await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button[type=submit]')]);
  assert.match(page.url(), /\/login/);
  await page.goto(`${srv.base}/units/${own}`);
  assert.match(page.url(), /\/login\?next=/);
  await page.close();
});

test('an office user lists its units and opens one; a wrong password is refused', async () => {
  const page = await browser.newPage();
  await page.goto(srv.base + '/login');
  await page.fill('input[name=username]', 'district');
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('form button[type=submit]');
  await page.waitForSelector('.flash.err');
  assert.match(await page.textContent('.flash.err'), /用户名或密码错误/);

  await login(page, srv.base, 'district');
  await page.goto(srv.base + '/units');
  const rows = await page.$$eval('main table tbody tr td:first-child a', (as) => as.map((a) => a.textContent));
  assert.ok(rows.length >= 5, 'the district sees its units');
  assert.ok(!rows.includes('市司法局'), 'but not the city office units');
  await Promise.all([page.waitForNavigation(), page.click(`text=${rows[0]}`)]);
  assert.equal(await page.textContent('h1'), rows[0]);
  await page.close();
});

test('the pages work at phone width', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(page, srv.base, 'office');
  await page.goto(srv.base + '/units');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling of the page (overflow ${overflow}px)`);
  await page.close();
});
