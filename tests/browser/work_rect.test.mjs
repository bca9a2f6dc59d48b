// work_rect.test.mjs — the rectification loop (整改项, issue 12) in the browser, without our
// JavaScript: the unit's 创建办 finds a problem in its own archive (自查) and gives it to the
// 办公室; the 办公室's member writes the measures, uploads a photo of the result as evidence
// and marks it done; the 创建办 sends it back, the member marks it done again, the 创建办
// verifies it.  The evidence is a document of the leaf.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

const dir = mkdtempSync(join(tmpdir(), 'wm-rect-'));
const pdf = join(dir, '整改后.pdf');
writeFileSync(pdf, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
  '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n% rect\n');

// Submit the form inside sel and wait for the page it leads to.
const submit = (page, sel) =>
  Promise.all([page.waitForNavigation(), page.click(`${sel} button[type=submit]`)]);

test('self-check, measures and evidence, done, sent back, done, verified', async () => {
  const boss = await browser.newPage();
  await login(boss, srv.base, 'unitadmin');
  const { year } = await openArchive(boss); // the year's archive exists: its leaves are offered
  await boss.goto(`${srv.base}/rectifications?year=${year}`);
  await boss.selectOption('#self-check select[name=indicator_code]', '1.1.1');
  await boss.fill('#self-check textarea[name=problem]', '宣传栏内容过期，未及时更新');
  await boss.selectOption('#self-check select[name=dept_id]', { label: '办公室' });
  await submit(boss, '#self-check form.stack');
  assert.match(boss.url(), /\/rectifications\/\d+/);
  const item = new URL(boss.url()).pathname;
  assert.match(await boss.textContent('#facts'), /待整改/);

  // the 办公室's member: the measures, a photo of the result, done
  const member = await browser.newPage();
  await login(member, srv.base, 'member');
  await member.goto(srv.base + item);
  assert.equal(await member.locator('#form-update textarea[name=problem]').count(), 0);
  await member.fill('#form-update textarea[name=corrective]', '更换宣传栏内容');
  await member.fill('#form-update textarea[name=preventive]', '每月检查一次宣传栏');
  await submit(member, '#form-update');
  assert.match(await member.textContent('#facts'), /每月检查一次宣传栏/);
  await member.setInputFiles('#form-evidence input[type=file]', pdf);
  await member.fill('#form-evidence input[name=title]', '更新后的宣传栏');
  await submit(member, '#form-evidence form.stack');
  const evidence = member.locator('#evidence a', { hasText: '更新后的宣传栏' });
  assert.equal(await evidence.count(), 1);
  await submit(member, '#form-done');
  assert.match(await member.textContent('#facts'), /已整改/);

  // the 创建办 sends it back with a reason, the member does it again, then it is verified
  await boss.goto(srv.base + item);
  await boss.fill('#form-verify-reject textarea[name=note]', '照片看不清');
  await submit(boss, '#form-verify-reject');
  assert.match(await boss.textContent('#facts'), /待整改[\s\S]*照片看不清/);
  await member.goto(srv.base + item);
  await submit(member, '#form-done');
  await boss.goto(srv.base + item);
  await submit(boss, '#form-verify-accept');
  assert.match(await boss.textContent('#facts'), /已验收/);
  assert.equal(await boss.locator('form[action^="/rectifications/"]').count(), 0);
  assert.match(await boss.textContent('#history'), /整改退回重改[\s\S]*整改验收通过/);

  // the evidence is a document of the leaf
  await Promise.all([boss.waitForNavigation(), boss.click('#evidence a')]);
  assert.match(await boss.textContent('body'), /更新后的宣传栏/);
  assert.match(await boss.textContent('body'), /1\.1\.1/);
  await member.close();
  await boss.close();
});
