// results.test.mjs — a round's results (测评结果, issue 10): the city office opens the
// results of a round whose units are locked, sees the ranking, filters by district and
// downloads the ranking as XLSX; the round moves to publicity (公示); a unit's 创建办 sees the
// publicity page with the passing units and its own scores only (no other unit's), lodges
// an objection (异议); the office answers it on the objections page and the unit sees the
// answer.  The publicity page does not scroll sideways at 390 px.
//
// The round and its locked entries are made in the store (sqlite3 on the demo's
// wenming.db), as the http_results test does: scoring them is the scoring test's part.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser, roundId;
const units = {}; // own (市司法局, passes), near (a unit of a district, passes), low (fails)

const sql = (q) => execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000',
  join(srv.dir, 'wenming.db'), q], { encoding: 'utf8' }).trim();

// A locked entry of the round with its reconciled values (code → hundredths) and the total
// written at lock (the sum: these leaves score by points or grade).
const entry = (unit, finals) => {
  sql(`INSERT INTO round_entry(round_id, unit_id, kind, state, locked_at, total, vetoed,
         created_at, updated_at) VALUES (${roundId}, ${unit.id}, 'declare', 'accepted', 1, 0, 0,
         0, 0);`);
  const id = sql(`SELECT id FROM round_entry WHERE round_id = ${roundId} AND unit_id = ${unit.id};`);
  for (const [code, v] of Object.entries(finals)) {
    sql(`INSERT INTO entry_final(entry_id, indicator_code, value, how, decided_at)
           VALUES (${id}, '${code}', ${v}, 'mean', 1);`);
  }
  sql(`UPDATE round_entry SET total = (SELECT sum(value) FROM entry_final WHERE entry_id = ${id})
         WHERE id = ${id};`);
  unit.entry = id;
};

before(async () => {
  ({ srv, browser } = await openServerAndBrowser());
  const row = (q) => { const [id, name, district] = sql(q).split('|'); return { id, name, district }; };
  units.own = row(`SELECT u.id, u.name, u.parent_id FROM user s JOIN org u ON u.id = s.org_id
                   WHERE s.username = 'unitadmin';`);
  // two units of two districts (offices below the city's)
  const district = `SELECT u.id, u.name, u.parent_id FROM org u JOIN org d ON d.id = u.parent_id
                    WHERE u.kind = 'unit' AND d.kind = 'office' AND d.parent_id =
                    (SELECT o.id FROM user s JOIN org o ON o.id = s.org_id WHERE s.username = 'office')`;
  units.near = row(`${district} ORDER BY u.parent_id, u.id LIMIT 1;`);
  units.low = row(`${district} AND u.parent_id <> ${units.near.district} ORDER BY u.id LIMIT 1;`);
  assert.ok(units.near.id && units.low.id, 'the demo has units in two districts');
  sql(`INSERT INTO eval_round(name, level, office_id, scope_path, edition_id, window_start,
         window_end, years_from, years_to, unit_types, pass_threshold, reconcile,
         no_own_district, publicity_start, publicity_end, state, created_at, updated_at)
       SELECT '浏览器结果测评', '市级', o.id, o.path,
         (SELECT e.id FROM edition e JOIN framework f ON f.id = e.framework_id
          WHERE e.status = 'published' AND f.name LIKE '%合成样例%' ORDER BY e.id LIMIT 1),
         '2026-03-01', '2026-04-30', 2025, 2026, '[]', 6000, 'mean', 0, '2026-05-01',
         '2026-05-07', 'locked', 0, 0
       FROM user u JOIN org o ON o.id = u.org_id WHERE u.username = 'office';`);
  roundId = sql("SELECT max(id) FROM eval_round WHERE name = '浏览器结果测评';");
  entry(units.own, { '1.1.1': 213, '2.2.1': 7120 });  // 73.33: passes
  entry(units.near, { '1.1.1': 250, '2.2.1': 8630 }); // 88.8: passes, first
  entry(units.low, { '1.1.1': 50, '2.2.1': 4170 });   // 42.2: fails
});
after(() => closeServerAndBrowser(srv, browser));

const noSideways = async (page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
};
const rowsOf = (page) => page.locator('#results tbody tr[data-id]').evaluateAll((trs) =>
  trs.map((tr) => ({ id: tr.dataset.id, rank: tr.cells[0].textContent.trim(), text: tr.textContent })));

test('results, publicity, an objection and its answer', async () => {
  // ---- the office: the ranking, a district, the XLSX
  const office = await browser.newContext();
  const op = await office.newPage();
  await login(op, srv.base, 'office');
  await op.goto(`${srv.base}/rounds/${roundId}/results`);
  assert.match(await op.textContent('#counts'), /参评 3，已锁定 3，合格 2，不合格 1/);
  let rows = await rowsOf(op);
  assert.deepEqual(rows.map((r) => [r.id, r.rank]),
    [[units.near.entry, '1'], [units.own.entry, '2'], [units.low.entry, '3']]);
  assert.match(rows[0].text, /88\.8/);
  assert.match(rows[1].text, /73\.33/);
  assert.match(rows[2].text, /42\.2/);
  await op.selectOption('form.filter select[name=district]', units.low.district);
  await Promise.all([op.waitForNavigation(), op.click('form.filter button[type=submit]')]);
  assert.match(op.url(), new RegExp(`district=${units.low.district}`));
  rows = await rowsOf(op);
  assert.deepEqual(rows.map((r) => r.id), [units.low.entry]);
  assert.ok(rows[0].text.includes(units.low.name));
  const href = await op.getAttribute('a[href$="/results.xlsx"]', 'href');
  const x = await op.request.get(srv.base + href);
  assert.equal(x.status(), 200);
  assert.equal(x.headers()['content-type'],
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal((await x.body()).subarray(0, 2).toString(), 'PK');

  // ---- publicity (公示), from the round page
  await op.goto(`${srv.base}/rounds/${roundId}`);
  await Promise.all([op.waitForNavigation(),
    op.click('form[action$="/state"]:has(input[name=to][value=publicity]) button[type=submit]')]);
  assert.equal(sql(`SELECT state FROM eval_round WHERE id = ${roundId};`), 'publicity');

  // ---- the unit on a phone: passing units, its own scores, nobody else's; an objection
  const unit = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const up = await unit.newPage();
  await login(up, srv.base, 'unitadmin');
  await up.goto(`${srv.base}/rounds/${roundId}/publicity`);
  const listed = await up.locator('#publicity tbody tr').evaluateAll((trs) =>
    trs.map((tr) => tr.cells[0].textContent));
  assert.deepEqual(listed.sort(), [units.own.name, units.near.name].sort());
  const body = await up.textContent('main');
  assert.ok(!body.includes(units.low.name), 'a failing unit is not listed');
  assert.match(await up.textContent('#own-result'), /73\.33/);
  assert.ok(!/88\.8|42\.2/.test(body), 'no other unit\'s score');
  await noSideways(up);
  await up.selectOption('select[name=entry_id]', units.near.entry);
  await up.fill('textarea[name=text]', '该单位的志愿服务记录与实际不符。');
  await Promise.all([up.waitForNavigation(), up.click('form[action$="/objections"] button[type=submit]')]);
  assert.equal(sql(`SELECT count(*) || '/' || state FROM objection WHERE round_id = ${roundId};`),
    '1/open');
  await up.goto(`${srv.base}/rounds/${roundId}/objections`);
  assert.match(await up.textContent('#objections'), /志愿服务记录与实际不符/);
  assert.match(await up.textContent('#objections'), /待答复/);
  await noSideways(up);

  // ---- the office answers; the unit sees the answer
  await op.goto(`${srv.base}/rounds/${roundId}/objections`);
  const obj = op.locator('#objections tbody tr[data-id]');
  assert.equal(await obj.count(), 1);
  assert.ok((await obj.textContent()).includes(units.own.name));
  await obj.locator('textarea[name=answer]').fill('经核查，记录属实，维持原结果。');
  await Promise.all([op.waitForNavigation(), obj.locator('button[type=submit]').click()]);
  assert.match(await op.textContent('#objections'), /维持原结果/);
  await up.goto(`${srv.base}/rounds/${roundId}/objections`);
  assert.match(await up.textContent('#objections'), /经核查，记录属实，维持原结果。/);
  assert.ok(!(await up.textContent('#objections')).includes('待答复'));
  await noSideways(up);
  await up.goto(`${srv.base}/rounds/${roundId}/publicity`);
  await noSideways(up);
  await unit.close();
  await office.close();
});
