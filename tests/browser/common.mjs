// What the browser tests share: Debian's Chromium, axe-core (WCAG 2.0/2.1 A and AA),
// walking the page with Tab while checking that focus shows, and the check that
// nothing scrolls sideways. Findings go into the `done` object a test prints.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Runs axe-core on the page as it is; each violation goes to done.violations with the
// state's name.
export async function axe(page, done, state) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  for (const v of result.violations) {
    done.violations.push({ state, id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) });
  }
}

// Presses Tab until the focused element matches `want` (a CSS selector, or
// `name=TEXT` for its accessible name); fails after 80 presses. Every element passed
// on the way must show its focus (else its id goes to done.unfocused).
export async function tabTo(page, done, want, label) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate((sel) => {
      const e = document.activeElement;
      if (!e || e === document.body) return { hit: false, shown: true, id: 'body' };
      const s = getComputedStyle(e);
      const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
      const hit = sel.startsWith('name=') ? (e.getAttribute('aria-label') || e.textContent.trim()) === sel.slice(5)
        : e.matches(sel);
      return { hit, shown, id: e.id || e.dataset.key || e.tagName };
    }, want);
    if (!at.shown) done.unfocused.push(at.id);
    if (at.hit) return;
  }
  throw new Error(`Tab never reached ${label || want}`);
}

// Records in done.sideways when the page scrolls sideways.
export async function noSideways(page, done, state) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (wide > 1) done.sideways.push({ state, by: wide });
}

// A plain static file server on a free loopback port, as an intranet's would be:
// serves the files under `root` (nothing outside it), 404 for the rest.
export async function serve(root) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.pdf': 'application/pdf', '.json': 'application/json', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    try {
      if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error('no');
      res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}
