// meetings.test.mjs — the creation work's meetings (issue 12, wmeet) in the browser, without
// our JavaScript: the unit's 创建办 gives 领导小组会议 a leaf of this year's archive, records a
// meeting with typed minutes from the meetings page, sees them filed as a 会议纪要 PDF in that
// leaf, and the document's page names the meeting as its source; the page fits a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login, openArchive } from './harness.mjs';

let srv, browser;

before(async () => ({ srv, browser } = await openServerAndBrowser()));
after(() => closeServerAndBrowser(srv, browser));

test('record a meeting; its typed minutes are filed; the document names its source', async () => {
  const page = await browser.newPage();
  await login(page, srv.base, 'unitadmin');
  const { unitId, year } = await openArchive(page);
  await page.goto(`${srv.base}/units/${unitId}/work/meetings`);
  assert.match(await page.textContent('h1'), new RegExp(`${year} 年度会议`));

  // the kind's leaf: a leaf of the archive
  const kind = page.locator('#kinds form', { has: page.locator('input[value="领导小组会议"]') });
  await kind.locator('input[name=leaf_code]').fill('1.1.1');
  await Promise.all([page.waitForNavigation(), kind.locator('button[type=submit]').click()]);
  assert.match(await page.textContent('body'), /会议类型已保存/);

  // record a meeting with typed minutes
  await page.selectOption('#new select[name=kind_id]', { label: '领导小组会议' });
  await page.fill('#new input[name=held_on]', `${year}-03-02`);
  await page.fill('#new input[name=title]', '第一季度领导小组会议');
  await page.fill('#new input[name=place]', '三楼会议室');
  await page.fill('#new textarea[name=attendees]', '张三、李四');
  await page.fill('#new textarea[name=minutes]', '一、传达上级文件精神。\n二、部署下阶段工作。');
  await Promise.all([page.waitForNavigation(), page.click('#new button[type=submit]')]);
  assert.match(page.url(), /\/work\/meetings\/\d+/);
  assert.match(await page.textContent('body'), /会议已登记/);
  const meeting = page.url().replace(/\?.*$/, '');

  // the minutes' PDF is made by a job: reload until it is filed
  let link = null;
  for (let i = 0; i < 100 && !link; i++) {
    await page.goto(meeting);
    link = await page.$('#documents a[href^="/documents/"]');
    if (!link) await page.waitForTimeout(200);
  }
  assert.ok(link, 'the minutes were filed');
  assert.match(await page.textContent('#documents'), /会议纪要：第一季度领导小组会议/);
  assert.match(await page.textContent('#documents'), /1\.1\.1/);
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(await page.textContent('#work-source'), /来源：会议：\d{4}-03-02 领导小组会议/);
  await Promise.all([page.waitForNavigation(), page.click('#work-source a')]);
  assert.equal(page.url(), meeting);

  // the meetings page at phone width: no sideways scrolling
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${srv.base}/units/${unitId}/work/meetings`);
  assert.match(await page.textContent('#meetings'), /第一季度领导小组会议/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide`);
  await page.close();
});
