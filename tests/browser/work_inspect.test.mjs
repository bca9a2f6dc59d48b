// work_inspect.test.mjs — a department head records an inspection of its responsibility
// areas on a phone (issue 12, work_inspect): 390×844, no sideways scrolling, one block per
// area with two large choices, one 需整改 with a note, saved without JavaScript of ours, and
// the finding listed on the inspection's page with its rectification item.  The unit's admin
// sets up the areas from the areas page first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openServerAndBrowser, closeServerAndBrowser, login } from './harness.mjs';

let srv, browser, unitId;

before(async () => {
  ({ srv, browser } = await openServerAndBrowser());
});
after(() => closeServerAndBrowser(srv, browser));

// The unit's admin adds an area for a department from the areas page.
async function addArea(page, name, category, dept) {
  await page.fill('#area-new input[name=name]', name);
  await page.fill('#area-new input[name=category]', category);
  await page.selectOption('#area-new select[name=dept_id]', { label: dept });
  await Promise.all([page.waitForNavigation(), page.click('#area-new button[type=submit]')]);
  assert.match(await page.textContent('body'), /责任区已添加/);
}

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
}

test('the unit admin sets up areas; a department head records an inspection on a phone', async () => {
  const admin = await browser.newPage();
  await login(admin, srv.base, 'unitadmin');
  await Promise.all([admin.waitForNavigation(), admin.click('nav.main >> text=本单位')]);
  unitId = admin.url().match(/units\/(\d+)/)[1];
  await admin.goto(`${srv.base}/units/${unitId}/work/areas`);
  await addArea(admin, '单位大门口', '门前三包', '办公室');
  await addArea(admin, '三楼会议室', '室内卫生', '办公室');
  await addArea(admin, '档案室', '室内卫生', '人教科');
  assert.equal(await admin.locator('#areas tbody tr').count(), 3);
  await admin.close();

  // the department head (办公室's account) on a phone
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true,
    isMobile: true });
  await login(phone, srv.base, 'member');
  await phone.goto(`${srv.base}/units/${unitId}/work/inspections`);
  await noSidewaysScroll(phone);
  await Promise.all([phone.waitForNavigation(), phone.click('text=记录检查')]);
  await noSidewaysScroll(phone);
  // only its own department's areas, one block each, two large choices, the camera
  const blocks = phone.locator('fieldset.inspect-area');
  assert.equal(await blocks.count(), 2);
  assert.doesNotMatch(await phone.textContent('#inspect-form'), /档案室/);
  const choice = blocks.first().locator('label.choice').first();
  const box = await choice.boundingBox();
  assert.ok(box.height >= 40, `a choice is ${box.height}px tall`);
  assert.ok(box.width >= 120, `a choice is ${box.width}px wide`);
  assert.equal(await blocks.first().locator('input[type=file]').getAttribute('capture'), 'environment');
  assert.equal(await blocks.first().locator('input[type=file]').getAttribute('accept'), 'image/*');
  const submit = await phone.locator('#inspect-form button[type=submit]').boundingBox();
  assert.ok(submit.height >= 44, `the save button is ${submit.height}px tall`);

  // the door needs fixing, the meeting room passes
  const door = phone.locator('fieldset.inspect-area', { hasText: '单位大门口' });
  await door.locator('label.choice.fix').tap();
  await door.locator('textarea').fill('地面有烟头，垃圾桶满溢');
  const room = phone.locator('fieldset.inspect-area', { hasText: '三楼会议室' });
  await room.locator('label.choice.pass').tap();
  assert.ok(await door.locator('input[value=fix]').isChecked());
  await noSidewaysScroll(phone);
  await Promise.all([phone.waitForNavigation(), phone.click('#inspect-form button[type=submit]')]);

  // saved: the inspection's page lists both, the finding with its item
  assert.match(phone.url(), /\/work\/inspections\/\d+/);
  assert.match(await phone.textContent('body'), /检查记录已保存/);
  const fix = phone.locator('#checks tr[data-result=fix]');
  assert.equal(await fix.count(), 1);
  assert.match(await fix.textContent(), /单位大门口/);
  assert.match(await fix.textContent(), /地面有烟头/);
  assert.match(await fix.textContent(), /整改项/);
  assert.equal(await phone.locator('#checks tr[data-result=pass]').count(), 1);
  await noSidewaysScroll(phone);

  // the week's list shows it with one finding
  await phone.goto(`${srv.base}/units/${unitId}/work/inspections`);
  assert.match(await phone.textContent('section.week'), /市司法局 办公室 刘/);
  await noSidewaysScroll(phone);
  await phone.close();
});
