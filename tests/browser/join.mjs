// One phone in Debian's Chromium joins a room, as fast as the room lets it: prints
// {"ms": N} from opening the link to the room saying "Verbonden", or {"error": …}.
//
//   node join.mjs PARTICIPANT_URL
import { chromium } from 'playwright-core';

const [url] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'nl-NL' });
  const page = await ctx.newPage();
  const started = Date.now();
  await page.goto(url, { timeout: 20000 });
  await page.locator('#join-go').click({ timeout: 20000 });
  await page.getByText('Verbonden', { exact: true }).waitFor({ timeout: 20000 });
  console.log(JSON.stringify({ ms: Date.now() - started }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e).slice(0, 300) }));
} finally {
  await browser.close();
}
