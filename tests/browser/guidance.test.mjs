// guidance.test.mjs — a guidance conversation (指导意见, issue 9) as people hold it in the
// browser, without JavaScript of ours: the office writes on a leaf page, the unit's member
// sees it unread (on the leaf page and in 在线指导), replies with a file, the office sees the
// reply, closes the conversation; a message's markup shows as text.  Phone width works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser, unitId, year;

before(async () => {
  ({ srv, browser } = await openServerAndBrowser());
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  ({ unitId, year } = await openArchive(page));
  await page.close();
});
after(() => closeServerAndBrowser(srv, browser));

const leaf = () => `${srv.base}/units/${unitId}/archives/${year}/leaf/1.1.1`;

test('office writes, the unit replies with a file, the office closes', async () => {
  // the city office writes guidance on the leaf page
  const office = await browser.newPage();
  await login(office, srv.base, 'office');
  await office.goto(leaf());
  await office.fill('#guidance-form textarea[name=text]', '请补充会议照片<script>x()</script>\n和签到表');
  await Promise.all([office.waitForNavigation(), office.click('#guidance-form button[type=submit]')]);
  assert.match(await office.textContent('body'), /留言已发送/);
  assert.equal(await office.$$eval('#guidance-messages li', (l) => l.length), 1);

  // the member: unread on the leaf page, in the navigation's 在线指导 list
  const member = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await login(member, srv.base, 'member');
  await Promise.all([member.waitForNavigation(), member.click('nav.main >> text=在线指导')]);
  const row = member.locator('#guidance-list tr.unread');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /市文明办 王主任/);
  await Promise.all([member.waitForNavigation(), row.locator('a').first().click()]);
  assert.equal(await member.locator('#guidance li.msg.unread').count(), 1);
  assert.equal(await member.textContent('#guidance li.msg .text'),
    '请补充会议照片<script>x()</script>\n和签到表');
  // no sideways scrolling at phone width
  const overflow = await member.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);

  // it replies with a file (its Chinese name kept)
  const file = join(srv.dir, '整改说明（第2版）.pdf');
  writeFileSync(file, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    + '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  await member.fill('#guidance-form textarea[name=text]', '已补充，见附件');
  await member.setInputFiles('#guidance-form input[type=file]', file);
  await Promise.all([member.waitForNavigation(), member.click('#guidance-form button[type=submit]')]);
  assert.equal(await member.locator('#guidance li.msg.unread').count(), 0);
  assert.equal(await member.textContent('#guidance .attachment a'), '整改说明（第2版）.pdf');
  await member.screenshot({ path: join(srv.dir, 'guidance-member.png'), fullPage: true });

  // the office sees the reply unread and downloads the file under its name
  await office.goto(leaf());
  assert.equal(await office.locator('#guidance li.msg.unit.unread').count(), 1);
  const [download] = await Promise.all([office.waitForEvent('download'),
    office.click('#guidance .attachment a')]);
  assert.equal(download.suggestedFilename(), '整改说明（第2版）.pdf');
  // and closes the conversation: no more messages
  await Promise.all([office.waitForNavigation(), office.click('#guidance-close button')]);
  assert.match(await office.textContent('#guidance h2'), /已关闭/);
  assert.equal(await office.$('#guidance-form'), null);
  if (process.env.GUIDANCE_SHOTS) {
    await office.screenshot({ path: join(process.env.GUIDANCE_SHOTS, 'office.png'), fullPage: true });
    await member.screenshot({ path: join(process.env.GUIDANCE_SHOTS, 'member.png'), fullPage: true });
  }
  await member.reload();
  assert.equal(await member.$('#guidance-form'), null);
  await office.close();
  await member.close();
});
