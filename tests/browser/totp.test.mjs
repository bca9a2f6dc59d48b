// totp.test.mjs — issue 13, totp: a user turns on two-factor sign-in in the browser (the QR
// code and the secret on /account/2fa, a code computed here from the secret shown, the ten
// recovery codes), signs out, and signs in again: the password leads to the second step,
// and only the code opens the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

// RFC 4648 base32 (no padding) to bytes.
function base32(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, buf = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    buf = (buf << 5) | alpha.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((buf >> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

// RFC 6238: HMAC-SHA1 of the 30-second step, 6 digits.
function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(bin).padStart(6, '0');
}

test('enrol with the secret shown, sign out, sign in with a code', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'member');
  assert.match(page.url(), /\/home$/);

  // from the account page to the setting, and start
  await page.goto(srv.base + '/account');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/account/2fa"]')]);
  assert.match(await page.textContent('#totp-state'), /未启用/);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/account/2fa/start"] button')]);
  assert.ok(await page.isVisible('#totp-qr svg'), 'the QR code is drawn');
  const secret = (await page.textContent('#totp-secret')).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);

  // a first code from the secret confirms it; the recovery codes are shown once
  const step = Math.floor(Date.now() / 1000 / 30);
  await page.fill('#totp-code', totp(secret, step));
  await Promise.all([page.waitForNavigation(), page.click('form[action="/account/2fa/confirm"] button')]);
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  assert.match(await page.textContent('#recovery-codes li'), /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
  await page.goto(srv.base + '/account/2fa');
  assert.match(await page.textContent('#totp-state'), /已启用/);

  // sign out
  await Promise.all([page.waitForNavigation(), page.click('header form[action="/logout"] button[type=submit]')]);
  assert.match(page.url(), /\/login/);

  // the password alone: the second step, no session yet
  await login(page, srv.base, 'member');
  assert.match(page.url(), /\/login\/2fa/);
  const home = await page.goto(srv.base + '/home');
  assert.match(page.url(), /\/login/, 'no session before the code');
  assert.ok(home);
  // again, now with a wrong code, then the next code
  await login(page, srv.base, 'member');
  await page.fill('#totp-code', '000000' === totp(secret, step + 1) ? '111111' : '000000');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login/2fa"] button')]);
  assert.match(await page.textContent('.flash.err'), /验证码不正确/);
  await page.fill('#totp-code', totp(secret, Math.max(step + 1, Math.floor(Date.now() / 1000 / 30))));
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login/2fa"] button')]);
  assert.match(page.url(), /\/home$/);
  await page.close();
});
