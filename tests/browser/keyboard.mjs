// A participant without a pointer, in Debian's Chromium: joins, posts a note placed by
// choosing from a list, votes from the list of the plate's parts, picks a place and a
// colour, pans the plate, and opens the plate's text version, with the keyboard only
// (Tab, arrows, Enter, typing). Checks on the way that every focused control shows its
// focus, that a second phone draws the notes already on the plate as it joins, that
// nothing scrolls sideways at 200 % zoom, and runs axe-core (WCAG 2.0/2.1 A and AA) on
// every state of the page. Prints one JSON line.
//
//   node keyboard.mjs PARTICIPANT_URL OUT_DIR
import { axe as runAxe, launch, noSideways as sideways, tabTo as tab } from './common.mjs';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node keyboard.mjs PARTICIPANT_URL OUT_DIR');
  process.exit(2);
}
const browser = await launch();
const done = { unfocused: [], violations: [], sideways: [] };
// axe is injected past the page's content policy (the page itself runs no inline code).
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true };

const axe = (page, state) => runAxe(page, done, state);
const tabTo = (page, want, label) => tab(page, done, want, label);
const noSideways = (page, state) => sideways(page, done, state);

try {
  const ctx = await browser.newContext({ ...phone, locale: 'nl-NL' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(url);
  await page.locator('#join-go').waitFor();
  await axe(page, 'join form');
  await tabTo(page, '#join-name');
  await page.keyboard.type('Kees');
  await tabTo(page, '#join-go');
  await page.keyboard.press('Enter');
  await page.locator('#note-text').waitFor();
  await page.locator('#plate svg [data-id]').first().waitFor({ state: 'attached' });

  // A note in the middle of the plate, then one on "School", chosen from the list.
  await tabTo(page, '#note-text');
  await page.keyboard.type('Wie houdt het overzicht?');
  await tabTo(page, '#note-place');
  await page.keyboard.type('midden');
  if ((await page.locator('#note-place').inputValue()) !== 'region:4') throw new Error('the region list did not take "midden"');
  await page.getByText('Je notitie komt op de plek van de stip.').waitFor();
  await tabTo(page, '#note-post');
  await page.keyboard.press('Enter');
  await page.locator('#mine li', { hasText: 'Wie houdt het overzicht?' }).waitFor();
  await tabTo(page, '#note-text');
  await page.keyboard.type('Bellen we de school?');
  await tabTo(page, '#note-place');
  await page.keyboard.type('School');
  const onSchool = await page.locator('#note-place').inputValue();
  if (!onSchool.startsWith('part:')) throw new Error(`no part chosen: ${onSchool}`);
  await tabTo(page, '#note-post');
  await page.keyboard.press('Enter');
  await page.locator('#mine li', { hasText: 'Bellen we de school?' }).waitFor();
  await page.locator('#marks rect').nth(1).waitFor({ state: 'attached' });
  await axe(page, 'note tab');
  await page.screenshot({ path: `${out}/keyboard-note.png` });

  // Tabs follow the arrow keys; vote on School from the list of parts.
  await tabTo(page, '#tab-note');
  await page.keyboard.press('ArrowRight');
  if ((await page.evaluate(() => document.activeElement.id)) !== 'tab-vote') throw new Error('ArrowRight did not move to the next tab');
  await page.locator('#panel-vote').waitFor();
  await tabTo(page, 'name=Stip erop: School');
  await page.keyboard.press('Enter');
  await page.getByText('Je hebt nog 2 van 3 stippen.', { exact: false }).waitFor();
  await page.locator('#parts li', { hasText: 'School' }).getByText('1 stip (1 van jou)').waitFor();
  done.focus_kept = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-label'));
  await axe(page, 'vote tab');
  await page.screenshot({ path: `${out}/keyboard-vote.png` });

  // A place, from the list of roles.
  await tabTo(page, '#tab-vote');
  await page.keyboard.press('ArrowRight');
  await page.locator('#panel-place').waitFor();
  await tabTo(page, '#places button');
  const role = await page.evaluate(() => document.activeElement.textContent.trim());
  await page.keyboard.press('Enter');
  await page.locator('#places button[aria-pressed=true]').waitFor();
  done.place = role;
  await axe(page, 'place tab');

  // Colours: a radio group the arrows move through.
  await tabTo(page, '#tab-place');
  await page.keyboard.press('Home');
  await tabTo(page, '.swatch[aria-checked=true]');
  await page.keyboard.press('ArrowRight');
  done.colour = await page.evaluate(() => document.querySelector('.swatch[aria-checked=true]').dataset.color);

  // The plate itself: + zooms in.
  await tabTo(page, '#plate');
  const before = await page.evaluate(() => document.querySelector('#plate svg').getAttribute('viewBox'));
  await page.keyboard.press('+');
  done.zoomed = before !== await page.evaluate(() => document.querySelector('#plate svg').getAttribute('viewBox'));

  // The plate in words: its parts with their dots and the notes on it.
  await tabTo(page, '#plate-text summary');
  await page.keyboard.press('Enter');
  await page.locator('#plate-text-body', { hasText: 'Bellen we de school?' }).waitFor({ timeout: 5000 }).catch(() => {});
  const words = await page.locator('#plate-text-body').innerText();
  done.text_version = ['School (1 stip)', 'Wie houdt het overzicht?', 'Bellen we de school?'].every((w) => words.includes(w));
  await axe(page, 'text version open');
  await page.screenshot({ path: `${out}/keyboard-text.png`, fullPage: true });

  // A second phone joins a room that has notes: they are drawn without a touch.
  const late = await browser.newContext({ ...phone, locale: 'en-GB' });
  const page2 = await late.newPage();
  page2.setDefaultTimeout(15000);
  await page2.goto(url);
  await page2.locator('#join-go').waitFor();
  await tabTo(page2, '#join-go');
  await page2.keyboard.press('Enter');
  await page2.locator('#marks .note-text', { hasText: 'Bellen we de school?' }).waitFor({ state: 'attached' });
  done.drawn_on_join = await page2.locator('#marks rect').count();
  await page2.screenshot({ path: `${out}/keyboard-late-phone.png` });

  // 200 % zoom: a phone (390 px at 200 % = 195 px) and a laptop (1280 px = 640 px).
  for (const [w, h, name] of [[195, 422, 'phone at 200%'], [640, 400, 'laptop at 200%']]) {
    const zoomed = await browser.newContext({ ...phone, viewport: { width: w, height: h }, deviceScaleFactor: 4, locale: 'nl-NL' });
    const p = await zoomed.newPage();
    await p.goto(url);
    await p.locator('#join-go').waitFor();
    await noSideways(p, `${name}: join`);
    await p.locator('#join-go').click();
    await p.locator('#note-text').waitFor();
    for (const tab of ['note', 'vote', 'place']) {
      await p.locator(`#tab-${tab}`).click();
      await noSideways(p, `${name}: ${tab}`);
    }
    await p.screenshot({ path: `${out}/zoom-${w}.png`, fullPage: true });
    await zoomed.close();
  }
  done.ok = true;
} finally {
  await browser.close();
}
console.log(JSON.stringify(done));
