// A participant on a phone, in Debian's Chromium: opens the room link, joins, posts a
// note placed on the plate, votes, and (in English) posts a second note; finds every
// control by its accessible name, as a screen reader would. Prints one JSON line with
// what it did; writes screenshots to the folder given.
//
//   node phone.mjs PARTICIPANT_URL OUT_DIR [--until-closed]
//
// With --until-closed it then prints {"waiting": "close"} and waits (up to a minute)
// for the room to close: the page must say so, not try to reconnect.
import { chromium } from 'playwright-core';

const [url, out, untilClosed] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node phone.mjs PARTICIPANT_URL OUT_DIR');
  process.exit(2);
}
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    // A room behind a test's own TLS proxy has a certificate of its own.
    ...(process.env.PHONE_INSECURE ? ['--ignore-certificate-errors'] : [])],
});
const done = {};
try {
  // Dutch phone: a name and a role, a note placed by tapping, one dot.
  const nl = await browser.newContext({ ...phone, locale: 'nl-NL' });
  const page = await nl.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(url);
  await page.getByLabel('Je naam (mag leeg)').fill('Anna');
  await page.getByRole('button', { name: 'Meedoen' }).click();
  const note = page.getByRole('textbox', { name: 'Je notitie' });
  await note.waitFor();
  await page.locator('#plate svg [data-id]').first().waitFor({ state: 'attached' });
  const box = await page.locator('#plate').boundingBox();
  await page.touchscreen.tap(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.getByText('Je notitie komt op de plek van de stip.').waitFor();
  await note.fill('Wie belt de huisarts? Één vraag — ĳsberg');
  await page.getByRole('button', { name: 'Plaatsen' }).click();
  await page.getByText('op de plaat', { exact: true }).waitFor();
  await page.screenshot({ path: `${out}/phone-note.png` });

  await page.getByRole('tab', { name: 'Stemmen' }).click();
  // Vote on the element under the middle of the largest part in view. Should the tap
  // place no dot (the plate laid out again between looking and tapping, on a busy
  // machine), it is tried again on what is there then; a dot that was placed is
  // never placed twice.
  const pick = () => page.evaluate(() => {
    let best = null;
    for (const g of document.querySelectorAll('#plate svg [data-id]')) {
      const r = g.getBoundingClientRect();
      const area = r.width * r.height;
      const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
      const hit = document.elementFromPoint(cx, cy);
      if (!hit || hit.closest('[data-id]') !== g || area > 60000) continue;
      if (!best || area > best.area) best = { area, cx, cy, id: Number(g.getAttribute('data-id')) };
    }
    return best;
  });
  // The dot is listed by the part's name, with a button to take it back.
  const takeBack = page.locator('#dots').getByRole('button', { name: /^Terugnemen: stip op ./ });
  let target = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    target = await pick();
    if (!target) throw new Error('no part of the plate to vote on');
    await page.touchscreen.tap(target.cx, target.cy);
    try {
      await takeBack.waitFor({ timeout: 5000 });
      break;
    } catch (e) {
      const untouched = await page.getByText('Je hebt nog 3 van 3 stippen.', { exact: false }).isVisible();
      if (!untouched || attempt === 2) {
        await takeBack.waitFor();
        break;
      }
    }
  }
  await page.getByText('Je hebt nog 2 van 3 stippen.', { exact: false }).waitFor();
  await page.screenshot({ path: `${out}/phone-vote.png` });
  done.voted = target.id;

  // An English phone: the same page in English, anonymous.
  const en = await browser.newContext({ ...phone, locale: 'en-GB' });
  const page2 = await en.newPage();
  page2.setDefaultTimeout(15000);
  await page2.goto(url);
  await page2.getByRole('button', { name: 'Join' }).click();
  await page2.getByRole('textbox', { name: 'Your note' }).fill('Who calls the school?');
  await page2.getByRole('radio', { name: 'green' }).click();
  await page2.getByRole('button', { name: 'Post' }).click();
  await page2.getByText('on the plate', { exact: true }).waitFor();
  // The Dutch phone sees the English note arrive on its plate.
  await page.locator('#marks .note-text', { hasText: 'Who calls the school?' }).waitFor({ state: 'attached' });
  await page.getByRole('tab', { name: 'Notitie' }).click();
  await page.screenshot({ path: `${out}/phone-both.png` });

  // The phone comes back (a locked screen, another network, a reload): it rejoins
  // with its secret and finds its note and its dot as they were.
  await page.reload();
  await page.locator('#mine li', { hasText: 'Wie belt de huisarts?' }).waitFor();
  await page.getByRole('tab', { name: 'Stemmen' }).click();
  await page.getByText('Je hebt nog 2 van 3 stippen.', { exact: false }).waitFor();
  await page.getByRole('tab', { name: 'Notitie' }).click();
  done.came_back = true;

  // Every control has a name.
  done.unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, select, textarea')]
    .filter((e) => !e.closest('[hidden]'))
    .filter((e) => !(e.getAttribute('aria-label') || (e.labels && e.labels.length) || e.textContent.trim()))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  if (untilClosed === '--until-closed') {
    console.log(JSON.stringify({ waiting: 'close' }));
    await page.getByText('De gespreksleider heeft de ruimte gesloten', { exact: false }).first().waitFor({ timeout: 60000 });
    // It stays said: no reconnecting a few seconds later.
    await page.waitForTimeout(3000);
    done.ended_said = await page.getByText('opnieuw verbinden', { exact: false }).count() === 0;
    await page.screenshot({ path: `${out}/phone-room-closed.png` });
  }
  done.ok = true;
} finally {
  await browser.close();
}
console.log(JSON.stringify(done));
