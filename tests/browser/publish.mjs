// A published site in Debian's Chromium, over file:// and over HTTP (a server started
// here): the index lists the plates; on casusregie's page a reader switches a role
// overlay, steps the guided tour, searches a text, opens deep links, pans and zooms
// with the keyboard, switches the language and reads the plate in words; axe-core runs
// on the index, the page, with an overlay on and during the tour; at 200 % zoom
// nothing scrolls sideways. A hostile plate's texts show as text and run nothing. The
// single-file page works on its own. Prints one JSON line.
//
//   node publish.mjs SITE_DIR SINGLE_FILE_DIR OUT_DIR
import { pathToFileURL } from 'node:url';
import { axe as runAxe, launch, noSideways, serve, tabTo } from './common.mjs';

const [site, single, out] = process.argv.slice(2);
if (!site || !single || !out) {
  console.error('usage: node publish.mjs SITE_DIR SINGLE_FILE_DIR OUT_DIR');
  process.exit(2);
}
const done = { violations: [], unfocused: [], sideways: [], runs: {} };
const axe = (page, state) => runAxe(page, done, state);

const server = await serve(site);
const http = `http://127.0.0.1:${server.address().port}/`;
const file = `${pathToFileURL(site).href}/`;

const laptop = { viewport: { width: 1366, height: 800 }, locale: 'nl-NL' };
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-GB' };
const browser = await launch();
const viewBox = (page) => page.evaluate(() => document.getElementById('pw-svg').getAttribute('viewBox').split(' ').map(Number));
const settle = (page) => page.waitForTimeout(900);

async function reader(base, name) {
  const run = {};
  const ctx = await browser.newContext(laptop);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(15000);

  // The index: a card per plate, a link named after the plate.
  await page.goto(`${base}index.html`);
  run.cards = await page.locator('.pw-card').count();
  await axe(page, `${name}: index`);
  await page.getByRole('link', { name: /Casusregie — wie doet wat/ }).click();
  await page.getByRole('heading', { level: 1, name: /Casusregie/ }).waitFor();
  await settle(page);
  if (name === 'http') await page.screenshot({ path: `${out}/publish-laptop.png` });
  await axe(page, `${name}: plate page`);

  // A role overlay: the gezinscoach's elements come back above the veil, the rest is dimmed.
  await page.getByRole('button', { name: 'Gezinscoach', exact: true }).click();
  run.overlay = await page.evaluate(() => ({
    pressed: document.querySelector('[data-role="gezinscoach"]').getAttribute('aria-pressed'),
    veil: !!document.querySelector('#pw-overlay .pw-veil'),
    lit: [...document.querySelectorAll('#pw-overlay use')].map((u) => u.getAttribute('href')),
    dimmed: document.querySelectorAll('[data-id].pw-dimmed').length,
    legend: document.getElementById('pw-legend').textContent,
  }));
  await axe(page, `${name}: overlay`);
  if (name === 'http') await page.screenshot({ path: `${out}/publish-overlay.png` });
  // Compare two: both pressed, each role's areas outlined in its colour.
  await page.getByLabel('Twee rollen vergelijken').check();
  await page.getByRole('button', { name: 'Casusregisseur', exact: true }).click();
  const outlined = () => page.evaluate(() => [...document.querySelectorAll('#pw-overlay rect[stroke]')].map((r) => r.getAttribute('stroke')));
  run.compare = {
    pressed: await page.evaluate(() => [...document.querySelectorAll('[data-role][aria-pressed="true"]')].map((b) => b.dataset.role)),
    outlines: [...new Set(await outlined())].sort(),
    legend: await page.locator('#pw-legend h3').textContent(),
  };
  await page.getByLabel('Twee rollen vergelijken').uncheck();
  // All roles: nothing dimmed, badges on.
  await page.getByRole('button', { name: 'Alle rollen' }).click();
  run.all = await page.evaluate(() => ({
    veil: !!document.querySelector('#pw-overlay .pw-veil'),
    badges: document.querySelectorAll('#pw-overlay circle').length,
    pressed: document.getElementById('pw-all').getAttribute('aria-pressed'),
  }));
  await page.getByRole('button', { name: 'Geen rol' }).click();

  // The tour: the next stop moves the view and shows its notes.
  const before = await viewBox(page);
  await page.getByRole('button', { name: 'Volgende stop' }).click();
  await settle(page);
  run.tour = {
    stop: await page.locator('#pw-stop-name').textContent(),
    notes: await page.locator('#pw-notes').textContent(),
    moved: JSON.stringify(before) !== JSON.stringify(await viewBox(page)),
    hash: await page.evaluate(() => location.hash),
  };
  await axe(page, `${name}: tour`);

  // Search: a hit is marked and zoomed to.
  await page.getByLabel('Zoek in de teksten van de plaat').fill('huisarts');
  run.search = { results: await page.locator('#pw-results button').count(), said: await page.locator('#pw-hits').textContent() };
  const beforeHit = await viewBox(page);
  await page.locator('#pw-results button').first().click();
  await settle(page);
  run.search.marked = await page.locator('#pw-hit rect').count();
  run.search.found = await page.locator('.pw-found').count();
  run.search.zoomed = (await viewBox(page))[2] < beforeHit[2];
  await axe(page, `${name}: search`);

  // A deep link lands on that stop with that role.
  await page.goto(`${base}casusregie.html#stop=Regie&role=gezinscoach`);
  await settle(page);
  run.deep = await page.evaluate(() => ({
    stop: document.getElementById('pw-stop-name').textContent,
    pressed: [...document.querySelectorAll('[data-role][aria-pressed="true"]')].map((b) => b.dataset.role),
  }));

  // The keyboard: Tab reaches the plate with its focus shown; + zooms, 0 shows all.
  await page.goto(`${base}casusregie.html`);
  await settle(page);
  await tabTo(page, done, '#pw-view');
  const wide = await viewBox(page);
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  const near = await viewBox(page);
  await page.keyboard.press('ArrowRight');
  const panned = await viewBox(page);
  await page.keyboard.press('0');
  await settle(page);
  // 0: the whole plate in view, touching two edges of the view.
  const all = await viewBox(page);
  const [pw, ph] = await page.evaluate(() => { const d = JSON.parse(document.getElementById('pw-data').textContent); return [d.width, d.height]; });
  const covers = all[0] <= 0.5 && all[1] <= 0.5 && all[0] + all[2] >= pw - 0.5 && all[1] + all[3] >= ph - 0.5;
  const tight = Math.abs(all[2] - pw) < 1 || Math.abs(all[3] - ph) < 1;
  run.keys = { zoomed: near[2] < wide[2] * 0.7, panned: panned[0] > near[0], fit: covers && tight };
  await tabTo(page, done, 'name=Volgende stop');
  await page.keyboard.press('Enter');
  await settle(page);
  run.keys.stepped = await page.locator('#pw-stop-name').textContent();

  // The plate in words, reached by the skip link.
  run.words = await page.locator('#pw-words').textContent();

  // The language switch.
  await page.getByRole('button', { name: 'English' }).click();
  run.english = await page.getByRole('heading', { name: 'Guided tour' }).count();

  // Downloads are there (a page on file:// may not fetch: the test checks the files).
  run.downloads = await page.evaluate(async (overHttp) => {
    const links = [...document.querySelectorAll('.pw-downloads a')];
    if (!overHttp) return links.map((a) => ({ href: a.getAttribute('href') }));
    return Promise.all(links.map(async (a) => {
      try { const r = await fetch(a.href); const b = new Uint8Array(await r.arrayBuffer()); return { ok: r.ok, bytes: b.length, head: String.fromCharCode(...b.slice(0, 4)) }; } catch (e) { return { ok: false, error: String(e) }; }
    }));
  }, name === 'http');
  run.errors = errors;
  await ctx.close();
  return run;
}

try {
  done.runs.http = await reader(http, 'http');
  done.runs.file = await reader(file, 'file');

  // A phone in English, and 200 % zoom on a laptop (640 CSS pixels wide).
  const p = await (await browser.newContext(phone)).newPage();
  await p.goto(`${http}casusregie.html#stop=Signalen`);
  await settle(p);
  done.phone = { heading: await p.getByRole('heading', { name: 'Guided tour' }).count() };
  await p.screenshot({ path: `${out}/publish-phone.png` });
  await noSideways(p, done, 'phone');
  const zoomed = await (await browser.newContext({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2, locale: 'nl-NL' })).newPage();
  for (const page of ['index.html', 'casusregie.html']) {
    await zoomed.goto(`${http}${page}`);
    await settle(zoomed);
    await noSideways(zoomed, done, `200% ${page}`);
  }
  await zoomed.goto(`${http}casusregie.html`);
  await zoomed.screenshot({ path: `${out}/publish-zoom200.png`, fullPage: true });

  // The hostile plate: its texts are characters on the page, nothing of them runs.
  const h = await (await browser.newContext(laptop)).newPage();
  await h.addInitScript(() => { window.pwned = []; });
  await h.goto(`${http}hostile.html`);
  await settle(h);
  await h.getByLabel('Zoek in de teksten van de plaat').fill('script');
  done.hostile = await h.evaluate(() => ({
    pwned: window.pwned.length,
    title: document.querySelector('h1').textContent,
    words: document.getElementById('pw-words').textContent,
    results: [...document.querySelectorAll('#pw-results button')].map((b) => b.textContent),
    injected: document.querySelectorAll('main img, main script, main iframe').length,
  }));

  // The single-file page: nothing but itself is loaded.
  const s = await (await browser.newContext(laptop)).newPage();
  const fetched = [];
  s.on('request', (r) => { if (!r.url().startsWith('data:')) fetched.push(r.url()); });
  await s.goto(`${pathToFileURL(single).href}/casusregie.html`);
  await settle(s);
  await s.getByRole('button', { name: 'Volgende stop' }).click();
  done.single = {
    stop: await s.locator('#pw-stop-name').textContent(),
    fetched,
    downloads: await s.locator('.pw-downloads a[href^="data:"]').count(),
  };

  done.ok = true;
} catch (e) {
  done.ok = false;
  done.error = String(e && e.stack || e);
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(done));
