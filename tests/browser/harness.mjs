// harness.mjs — start a real `wenming serve --demo` on a free loopback port for a browser
// test, and Debian's chromium through playwright-core.  Everything is stopped by stop().
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// conf: more wenming.conf lines (they override the defaults); env: more environment.
export async function startServer({ conf = '', env = {} } = {}) {
  const bin = process.env.WENMING_BIN;
  if (!bin) throw new Error('WENMING_BIN is not set');
  const dir = mkdtempSync(join(tmpdir(), 'wm-browser-'));
  // a low argon2id cost keeps logins fast in tests
  writeFileSync(join(dir, 'wenming.conf'), 'pwhash_mem = 8388608\npwhash_ops = 1\n' + conf);
  const proc = spawn(bin, ['serve', '--demo', '--data', dir, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '', err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  const stop = async () => {
    const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    const code = await exited;
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  return { base, dir, stop, log: () => err };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A test file's server (options as startServer's) and browser: before() opens both, after()
// closes the browser and stops the server, which must exit 0 (graceful) on SIGTERM.
export async function openServerAndBrowser(opts) {
  return { srv: await startServer(opts), browser: await launchBrowser() };
}

export async function closeServerAndBrowser(srv, browser) {
  await browser?.close();
  if (srv) assert.equal(await srv.stop(), 0, 'wenming serve exits 0 on SIGTERM');
}

export async function login(page, base, user, password = 'Demo-2026') {
  await page.goto(base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
}

// The unit's archive of this year, as its 创建办 (logged in on page) opens it: from the unit
// page, creating it first with the sample standard when it does not exist yet (a GET never
// creates an archive).  Returns { unitId, year } and leaves the page on the archive.
export async function openArchive(page) {
  await Promise.all([page.waitForNavigation(), page.click('nav.main >> text=本单位')]);
  const unitId = page.url().match(/units\/(\d+)/)[1];
  const year = String(new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear());
  const link = await page.$(`ul.years a[href$="/archives/${year}"]`);
  if (link) {
    await Promise.all([page.waitForNavigation(), link.click()]);
  } else {
    const form = '#archive-create';
    await page.selectOption(`${form} select[name=year]`, year);
    if (await page.$(`${form} select[name=edition_id]`)) {
      const value = await page.$eval(`${form} select[name=edition_id]`, (s) =>
        [...s.options].find((o) => o.textContent.includes('合成样例')).value);
      await page.selectOption(`${form} select[name=edition_id]`, value);
    }
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
  }
  return { unitId, year: page.url().match(/archives\/(\d+)/)[1] };
}
