// review.test.mjs — the review in a browser (issue 9): a member submits a leaf's drafts from
// the leaf page; the city office opens the queue, goes through the documents with the keys
// of review.js (j / k next and previous, a approve, r the guidance), each verdict going on to
// the next document; the member reads the guidance in the document's history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

const pdf = (tag) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj<</Type/Catalog>>endobj\n` +
  'trailer<</Root 1 0 R>>\n%%EOF\n');

test('submit a leaf, review it with the keyboard, read the guidance', async () => {
  // the member uploads three documents into 1.1.1 (through the API, with the page's session)
  const ctxM = await browser.newContext();
  const member = await ctxM.newPage();
  await login(member, srv.base, 'member');
  const { unitId, year } = await openArchive(member);
  const leaf = `${srv.base}/units/${unitId}/archives/${year}/leaf/1.1.1`;
  await member.goto(leaf);
  const csrf = await member.$eval('input[name=csrf]', (i) => i.value);
  const ids = [];
  for (const tag of ['审核一', '审核二', '审核三']) {
    const r = await member.request.post(
      `${srv.base}/api/v1/units/${unitId}/archives/${year}/indicators/1.1.1/documents`, {
        headers: { 'X-CSRF-Token': csrf },
        multipart: { title: tag, file: { name: `${tag}.pdf`, mimeType: 'application/pdf', buffer: pdf(tag) } },
      });
    assert.equal(r.status(), 201, await r.text());
    ids.push((await r.json()).items[0].id);
  }
  // the leaf page offers to submit them all
  await member.goto(leaf);
  await Promise.all([member.waitForNavigation(), member.click('#leaf-submit button[type=submit]')]);
  assert.match(await member.textContent('.flash.ok'), /已提交审核 3 件/);

  // the office: the queue, oldest first
  const ctxO = await browser.newContext();
  const office = await ctxO.newPage();
  await login(office, srv.base, 'office');
  await office.goto(`${srv.base}/reviews?indicator=1.1.1`);
  const rows = await office.$$eval('#queue tbody tr[data-id]', (trs) => trs.map((t) => Number(t.dataset.id)));
  assert.deepEqual(rows.filter((id) => ids.includes(id)), ids);
  // the queue's keys: j / k move between the rows, x ticks one
  await office.keyboard.press('j');
  await office.keyboard.press('j');
  await office.keyboard.press('k');
  const focused = await office.evaluate(() => document.activeElement.closest('tr')?.dataset.id);
  assert.equal(Number(focused), rows[0]);
  await office.keyboard.press('x');
  assert.ok(await office.isChecked(`#queue input[name="doc.${rows[0]}"]`));
  await office.keyboard.press('x');
  assert.ok(!(await office.isChecked(`#queue input[name="doc.${rows[0]}"]`)));
  await Promise.all([office.waitForNavigation(),
    office.click(`#queue tr[data-id="${ids[0]}"] a[href^="/reviews/${ids[0]}"]`)]);
  assert.match(office.url(), new RegExp(`/reviews/${ids[0]}\\?indicator=1.1.1$`));

  // j: the next one, k: back (the filters kept)
  await Promise.all([office.waitForNavigation(), office.keyboard.press('j')]);
  assert.match(office.url(), new RegExp(`/reviews/${ids[1]}\\?indicator=1.1.1$`));
  await Promise.all([office.waitForNavigation(), office.keyboard.press('k')]);
  assert.match(office.url(), new RegExp(`/reviews/${ids[0]}\\?`));

  // a: approve, and on to the next
  await Promise.all([office.waitForNavigation(), office.keyboard.press('a')]);
  assert.match(office.url(), new RegExp(`/reviews/${ids[1]}\\?indicator=1.1.1`));
  assert.match(await office.textContent('.flash.ok'), /已通过/);

  // r: the guidance field; typing there is not a key command
  await office.keyboard.press('r');
  assert.equal(await office.evaluate(() => document.activeElement.id), 'return-comment');
  await office.keyboard.type('请补充会议照片 jka');
  assert.match(office.url(), new RegExp(`/reviews/${ids[1]}\\?`));
  await Promise.all([office.waitForNavigation(), office.click('#return-form button[type=submit]')]);
  assert.match(office.url(), new RegExp(`/reviews/${ids[2]}\\?indicator=1.1.1`));
  assert.match(await office.textContent('.flash.ok'), /已退回/);

  // the queue's "all" box (review.js) ticks every row; return them with one comment
  await office.goto(`${srv.base}/reviews?indicator=1.1.1`);
  await office.check('#select-all');
  assert.ok(await office.isChecked(`#queue input[name="doc.${ids[2]}"]`));
  await office.fill('#bulk textarea[name=comment]', '统一退回');
  await Promise.all([office.waitForNavigation(), office.click('#bulk button[value=return]')]);
  assert.match(await office.textContent('.flash.ok'), /已退回 \d+ 件/);
  assert.equal(await office.$(`#queue tr[data-id="${ids[2]}"]`), null);

  // the member reads it in the document's history
  await member.goto(`${srv.base}/documents/${ids[1]}`);
  const history = await member.textContent('#history');
  assert.match(history, /退回修改/);
  assert.match(history, /请补充会议照片 jka/);
  assert.match(history, /市文明办 王主任/);
  assert.ok(await member.$('#submit-form'), 'a returned document can be submitted again');
  await ctxM.close();
  await ctxO.close();
});
