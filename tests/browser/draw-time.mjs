// How long a published plate's page takes to be drawn on a phone with the CPU slowed
// 4× (Chromium's throttling), over HTTP: from navigation to the script done and a
// frame painted, five times. Prints one JSON line (milliseconds).
//
//   node draw-time.mjs SITE_DIR PAGE.html
import { launch, serve } from './common.mjs';

const [site, page] = process.argv.slice(2);
if (!site || !page) {
  console.error('usage: node draw-time.mjs SITE_DIR PAGE.html');
  process.exit(2);
}
const server = await serve(site);
const url = `http://127.0.0.1:${server.address().port}/${page}`;
const browser = await launch();
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'nl-NL' };
const times = [];
try {
  for (let i = 0; i < 6; i++) {
    const ctx = await browser.newContext(phone);
    const tab = await ctx.newPage();
    const cdp = await ctx.newCDPSession(tab);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await tab.goto(url, { waitUntil: 'load' });
    const t = await tab.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(performance.now())))));
    // The first run warms the browser's caches; it is not counted.
    if (i > 0) times.push(Math.round(t));
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ page, runs_ms: times, median_ms: times[Math.floor(times.length / 2)] }));
