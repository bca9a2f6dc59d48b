// scoring.test.mjs — an evaluator scores a unit in the field (测评评分, issue 10) on a phone
// (390 × 844): two leaves with evidence links, then offline a third one that is kept as a
// draft in the browser (未保存) across leaving the page (which asks first) and opening it
// again, sent when back online with the sheet submitted; then the group's leader locks the
// unit's sheet and its total is written.  No sideways scrolling at 390 px.
//
// The round, its group and the entry are made in the store (sqlite3 on the demo's
// wenming.db): the round pages and the groups' pages are other parts of the issue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser, unitId, year, roundId, entryId;

const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const sql = (q) => execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000',
  join(srv.dir, 'wenming.db'), q], { encoding: 'utf8' }).trim();

before(async () => {
  ({ srv, browser } = await openServerAndBrowser());
  // the unit's archive of this year with two documents in 1.1.1 (the evidence)
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  ({ unitId, year } = await openArchive(page));
  await page.goto(`${srv.base}/units/${unitId}/archives/${year}/leaf/1.1.1`);
  for (const [i, name] of ['党委会议纪要.pdf', '动员会照片.pdf'].entries()) {
    await page.setInputFiles('#upload input[type=file]',
      { name, mimeType: 'application/pdf', buffer: pdf(name) });
    await page.click('#upload button[type=submit]');
    await page.waitForFunction((n) => document.querySelectorAll('#doclist a').length === n, i + 1);
  }
  await page.close();
  // a round of the city evaluating, over the sample standard; the evaluator leads its group
  const y = Number(year);
  sql(`INSERT INTO eval_round(name, level, office_id, scope_path, edition_id, window_start,
         window_end, years_from, years_to, unit_types, pass_threshold, reconcile,
         no_own_district, state, created_at, updated_at)
       SELECT '浏览器测评', '市级', o.id, o.path,
         (SELECT e.id FROM edition e JOIN framework f ON f.id = e.framework_id
          WHERE e.status = 'published' AND f.name LIKE '%合成样例%' ORDER BY e.id LIMIT 1),
         '2026-03-01', '2026-04-30', ${y - 1}, ${y}, '[]', 6000, 'mean', 0, 'evaluating', 0, 0
       FROM user u JOIN org o ON o.id = u.org_id WHERE u.username = 'office';`);
  roundId = sql("SELECT max(id) FROM eval_round WHERE name = '浏览器测评';");
  sql(`INSERT INTO eval_group(round_id, name, leader_id, created_at)
         SELECT ${roundId}, '第一组', id, 0 FROM user WHERE username = 'evaluator';
       INSERT INTO eval_group_member(group_id, user_id)
         SELECT id, leader_id FROM eval_group WHERE round_id = ${roundId};
       INSERT INTO round_entry(round_id, unit_id, kind, state, group_id, created_at, updated_at)
         SELECT ${roundId}, ${unitId}, 'recheck', 'accepted', id, 0, 0 FROM eval_group
         WHERE round_id = ${roundId};`);
  entryId = sql(`SELECT id FROM round_entry WHERE round_id = ${roundId};`);
});
after(() => closeServerAndBrowser(srv, browser));

const card = (page, code) => page.locator(`section.leaf[data-code="${code}"]`);
const stateOf = (page, code) => card(page, code).locator('.state').textContent();
const noSideways = async (page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
};

test('score on a phone, offline draft, submit, the leader locks', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  let page = await context.newPage();
  await login(page, srv.base, 'evaluator');
  const sheet = `${srv.base}/rounds/${roundId}/entries/${entryId}/sheet`;
  await page.goto(sheet);
  assert.match(await page.textContent('h1'), /评分表/);
  await noSideways(page);

  // 1.1.1 (扣分, 2.5 分): a deduction with its reason, both documents as evidence
  const c1 = card(page, '1.1.1');
  const links = await c1.locator('label.doc a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.equal(links.length, 2);
  links.forEach((h) => assert.match(h, /^\/documents\/\d+$/));
  await c1.locator('div.ded input').nth(0).fill('缺少一次会议纪要');
  await c1.locator('div.ded input').nth(1).fill('0.5');
  await c1.locator('label.doc input').nth(0).check();
  await c1.locator('label.doc input').nth(1).check();
  await c1.locator('select[name="method_1.1.1"]').selectOption('site');
  assert.equal(await stateOf(page, '1.1.1'), '未保存');
  // 1.1.2 (分档, 3 分): grade B with the big button
  await card(page, '1.1.2').locator('label.grade:has-text("B")').click();
  await page.click('.sheet-actions button[value=save]');
  await page.waitForFunction(() => ['1.1.1', '1.1.2'].every((c) =>
    document.querySelector(`section.leaf[data-code="${c}"] .state`).textContent === '已保存'));
  await page.waitForFunction(() =>
    document.querySelector('section.leaf[data-code="1.1.2"] .now .cur').textContent === '2.4 分');
  assert.equal(await card(page, '1.1.1').locator('.now .cur').textContent(), '2 分');
  if (process.env.SCORING_SHOTS) {
    await card(page, '1.1.1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(process.env.SCORING_SHOTS, 'sheet-draft.png') });
  }

  // offline: 2.2.1 (分档, 15 分) grade A stays in the browser
  await context.setOffline(true);
  await card(page, '2.2.1').locator('label.grade:has-text("A")').click();
  assert.equal(await stateOf(page, '2.2.1'), '未保存');
  await page.click('.sheet-actions button[value=save]');
  await page.waitForSelector('#sheet-offline:not([hidden])');
  assert.match(await page.textContent('#sheet-offline'), /保存在本机/);
  assert.equal(await stateOf(page, '2.2.1'), '未保存');
  // leaving with an unsaved score asks first
  let asked = false;
  page.on('dialog', async (d) => { asked = d.type() === 'beforeunload'; await d.accept(); });
  await page.close({ runBeforeUnload: true });
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(asked, 'leaving with unsaved scores asks before');

  // back online, the page again: the draft is there, then sent and the sheet submitted
  await context.setOffline(false);
  page = await context.newPage();
  await page.goto(sheet);
  assert.equal(await stateOf(page, '2.2.1'), '未保存');
  assert.ok(await card(page, '2.2.1').locator('input[value=A]').isChecked());
  assert.match(await page.textContent('#sheet-offline'), /1 项未提交/);
  await Promise.all([page.waitForNavigation(), page.click('.sheet-actions button[value=submit]')]);
  assert.match(await page.textContent('#sheet-state'), /已提交/);
  assert.equal(await card(page, '2.2.1').locator('.now .cur').textContent(), '15 分');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).length), 0, 'the draft is gone');
  await noSideways(page);

  // the leader (the same account leads the group): progress, then reconcile and lock
  await page.goto(`${srv.base}/rounds/${roundId}/progress`);
  assert.match(await page.textContent('#progress'), /3\/\d+/);
  await noSideways(page);
  await Promise.all([page.waitForNavigation(), page.click('#progress a:has-text("合分")')]);
  assert.match(await page.textContent('#recon-total'), /19\.4/);
  await Promise.all([page.waitForNavigation(), page.click('#lock button')]);
  assert.match(await page.textContent('body'), /评分已锁定/);
  assert.match(await page.textContent('#recon-total'), /锁定总分/);
  assert.equal(await page.$('#lock'), null);
  await noSideways(page);
  await page.goto(sheet);
  assert.match(await page.textContent('#sheet-state'), /已锁定/);
  assert.equal(await page.$('.sheet-actions'), null);
  if (process.env.SCORING_SHOTS) {
    await page.screenshot({ path: join(process.env.SCORING_SHOTS, 'sheet-locked.png') });
  }
  assert.equal(sql(`SELECT total || '/' || vetoed FROM round_entry WHERE id = ${entryId};`), '1940/0');
  await context.close();
});
