// loop.test.mjs — the 平时 loop of issue 9, end to end in a browser: a member of a district's
// unit uploads a document and submits it; the district office returns it with guidance; the
// member reads the guidance (inbox and history), uploads a new version and submits again;
// the office approves it and features it as good practice; a member of another unit of the
// district finds it in 经验交流; the office builds a 经验交流汇编 and its PDF's text
// (pdftotext) holds the item's title.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

const pdf = (tag) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj<</Type/Catalog>>endobj\n` +
  'trailer<</Root 1 0 R>>\n%%EOF\n');
const PW = 'Loop-Test-2026';

// An API call with the page's session (the CSRF token of the page it is on).
async function api(page, method, path, data) {
  const csrf = await page.$eval('input[name=csrf]', (i) => i.value).catch(() => '');
  const r = await page.request.fetch(srv.base + path, {
    method, headers: { 'X-CSRF-Token': csrf }, data,
  });
  const text = await r.text();
  return { status: r.status(), json: text.startsWith('{') ? JSON.parse(text) : null, text };
}

test('upload, submit, return with guidance, resubmit, approve, feature, 经验交流, 汇编', async () => {
  // ---- the district office (东城区文明办) gives two of its units an account each
  const ctxD = await browser.newContext();
  const district = await ctxD.newPage();
  await login(district, srv.base, 'district');
  await district.goto(srv.base + '/home');
  const units = (await api(district, 'GET', '/api/v1/units?limit=200')).json.items;
  assert.ok(units.length >= 2, 'the district holds units');
  const [unitA, unitB] = units;
  const depts = (await api(district, 'GET', `/api/v1/units/${unitA.id}/depts`)).json;
  const dept = (depts.items || depts).find((d) => d.name === '办公室');
  for (const [username, unit, deptId] of [['loop_a', unitA, dept.id], ['loop_b', unitB, 0]]) {
    const body = { username, display_name: `${unit.name} 成员`, password: PW, role: 'unit_member',
      org_id: unit.id };
    if (deptId) body.dept_id = deptId;
    const r = await api(district, 'POST', '/api/v1/users', body);
    assert.equal(r.status, 201, r.text);
  }

  // ---- the member uploads a document into leaf 1.1.1 and submits the leaf
  const ctxA = await browser.newContext();
  const member = await ctxA.newPage();
  await login(member, srv.base, 'loop_a', PW);
  const { unitId, year } = await openArchive(member);
  assert.equal(Number(unitId), unitA.id);
  const leaf = `${srv.base}/units/${unitId}/archives/${year}/leaf/1.1.1`;
  await member.goto(leaf);
  const title = '道德讲堂活动方案';
  await member.setInputFiles('#upload input[type=file]',
    { name: `${title}.pdf`, mimeType: 'application/pdf', buffer: pdf('one') });
  await member.click('#upload button[type=submit]');
  // the upload is done (not merely started) before the page is left: leaving aborts it
  await member.waitForSelector('#upload-progress li.done');
  await member.goto(leaf);
  assert.match(await member.textContent('main'), new RegExp(title));
  await Promise.all([member.waitForNavigation(), member.click('#leaf-submit button[type=submit]')]);
  assert.match(await member.textContent('.flash.ok'), /已提交审核 1 件/);

  // ---- the district office finds it in its queue and returns it with guidance
  await district.goto(srv.base + '/reviews');
  const row = district.locator('#queue tbody tr', { hasText: title });
  const docId = Number(await row.getAttribute('data-id'));
  assert.ok(docId > 0);
  await Promise.all([district.waitForNavigation(), row.locator(`a[href^="/reviews/${docId}"]`).first().click()]);
  const guidance = '请补充活动照片和签到表';
  await district.fill('#return-comment', guidance);
  await Promise.all([district.waitForNavigation(), district.click('#return-form button[type=submit]')]);
  assert.match(await district.textContent('.flash.ok'), /已退回/);

  // ---- the member is told (inbox), reads the guidance on the document page
  await member.goto(srv.base + '/inbox');
  assert.match(await member.textContent('main'), new RegExp(guidance));
  await member.goto(`${srv.base}/documents/${docId}`);
  assert.match(await member.textContent('#history'), new RegExp(guidance));
  // a new version, then submit again
  await member.setInputFiles('form[action$="/versions"] input[type=file]',
    { name: `${title}（修改稿）.pdf`, mimeType: 'application/pdf', buffer: pdf('two') });
  await Promise.all([member.waitForNavigation(), member.click('form[action$="/versions"] button[type=submit]')]);
  await member.goto(`${srv.base}/documents/${docId}`);
  await Promise.all([member.waitForNavigation(), member.click('#submit-form button[type=submit]')]);
  assert.match(await member.textContent('.flash.ok'), /已提交审核/);

  // ---- the office approves it and features it as good practice
  await district.goto(`${srv.base}/reviews/${docId}`);
  await Promise.all([district.waitForNavigation(), district.click('#approve')]);
  assert.match(await district.textContent('.flash.ok'), /已通过/);
  await district.goto(`${srv.base}/documents/${docId}`);
  const feature = district.locator(`form[action="/documents/${docId}/feature"]`);
  await feature.locator('input[name=category]').fill('理论宣讲');
  await feature.locator('textarea[name=note]').fill('每月一讲，群众点单');
  await Promise.all([district.waitForNavigation(), feature.locator('button[type=submit]').click()]);
  assert.match(await district.textContent('main'), /已被设为经验做法/);

  // ---- another unit of the district sees it in 经验交流 and may download it
  const ctxB = await browser.newContext();
  const other = await ctxB.newPage();
  await login(other, srv.base, 'loop_b', PW);
  await other.goto(srv.base + '/practice');
  const main = await other.textContent('main');
  assert.match(main, new RegExp(title));
  assert.match(main, /每月一讲，群众点单/);
  // but not the unit's archive itself
  const peek = await other.request.get(`${srv.base}/documents/${docId}`);
  assert.equal(peek.status(), 404);

  // ---- the office builds a 经验交流汇编 of it and downloads the PDF
  await district.goto(srv.base + '/practice');
  const box = district.locator('input[type=checkbox][form=compile]').first();
  await box.check();
  await district.fill('#compile input[name=title]', '东城区经验交流汇编');
  await Promise.all([district.waitForNavigation(), district.click('#compile button[type=submit]')]);
  assert.match(district.url(), /\/jobs\/\d+/);
  const link = district.locator('a[href^="/api/v1/practice/compilations/"][href$="/download"]');
  await link.waitFor({ timeout: 60000 });
  const href = await link.getAttribute('href');
  const res = await district.request.get(srv.base + href);
  assert.equal(res.status(), 200);
  const dir = mkdtempSync(join(tmpdir(), 'wm-loop-'));
  try {
    const file = join(dir, 'c.pdf');
    writeFileSync(file, await res.body());
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    assert.match(text, /东城区经验交流汇编/);
    assert.match(text, new RegExp(title));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await Promise.all([ctxA.close(), ctxB.close(), ctxD.close()]);
});
