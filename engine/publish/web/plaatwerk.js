// Plaatwerk's published plate: pan and zoom, role overlays, the guided tour, search,
// deep links and the language switch. Plate texts come from a JSON block and are only
// ever written with textContent.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const SVGNS = 'http://www.w3.org/2000/svg';
  const readJson = (id) => { const e = $(id); if (!e) return null; try { return JSON.parse(e.textContent); } catch { return null; } };
  const T = readJson('pw-strings') || {};
  const D = readJson('pw-data');
  const LANG_KEY = 'plaatwerk.lang';
  let lang = 'en';
  try { lang = localStorage.getItem(LANG_KEY) || ''; } catch { lang = ''; }
  if (lang !== 'nl' && lang !== 'en') {
    const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    lang = wanted.some((l) => /^nl\b/i.test(l)) ? 'nl' : 'en';
  }
  const say = (key, vars) => {
    const words = (k) => (T[lang] && T[lang][k]) || (T.en && T.en[k]);
    let s = (vars && Number(vars.n) === 1 && words(`${key}_1`)) || words(key) || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace(`{${k}}`, String(v));
    return s;
  };
  const hooks = [];
  function translate() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll('[data-t]')) {
      const n = e.getAttribute('data-n');
      e.textContent = say(e.getAttribute('data-t'), n === null ? {} : { n });
    }
    for (const e of document.querySelectorAll('[data-t-aria]')) e.setAttribute('aria-label', say(e.getAttribute('data-t-aria')));
    const sw = $('pw-lang');
    if (sw) sw.setAttribute('lang', lang === 'nl' ? 'en' : 'nl');
    for (const h of hooks) h();
  }
  if ($('pw-lang')) {
    $('pw-lang').addEventListener('click', () => {
      lang = lang === 'nl' ? 'en' : 'nl';
      try { localStorage.setItem(LANG_KEY, lang); } catch { /* private mode */ }
      translate();
    });
  }
  if (!D) { translate(); return; }

  // --- The view ---------------------------------------------------------------------------------
  const view = $('pw-view');
  const svg = $('pw-svg');
  svg.removeAttribute('width'); svg.removeAttribute('height');
  // The view takes the plate's shape (no empty bands on a phone).
  view.style.aspectRatio = `${D.width} / ${D.height}`;
  const reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const whole = [0, 0, D.width, D.height];
  let vb = whole.slice();
  let anim = 0;
  const box = () => { const r = view.getBoundingClientRect(); return [Math.max(r.width, 1), Math.max(r.height, 1)]; };
  // A region grown to the view's shape about its centre.
  function fitted(r) {
    const [bw, bh] = box();
    const aspect = bw / bh;
    let [x, y, w, h] = r;
    if (w / h < aspect) { const nw = h * aspect; x -= (nw - w) / 2; w = nw; } else { const nh = w / aspect; y -= (nh - h) / 2; h = nh; }
    return [x, y, w, h];
  }
  function apply() { svg.setAttribute('viewBox', vb.map((n) => n.toFixed(2)).join(' ')); }
  const ease = (t) => { t = Math.min(1, Math.max(0, t)); return t * t * (3 - 2 * t); };
  // The camera moves as when presenting: smooth start and end, zoom even in log space.
  function moveTo(region, instant) {
    const to = fitted(region);
    cancelAnimationFrame(anim);
    if (instant || reduced) { vb = to; apply(); return; }
    const from = vb.slice();
    const c0 = [from[0] + from[2] / 2, from[1] + from[3] / 2], c1 = [to[0] + to[2] / 2, to[1] + to[3] / 2];
    const start = performance.now(), secs = D.move || 0.6;
    const step = (now) => {
      const t = ease((now - start) / 1000 / secs);
      const w = Math.exp(Math.log(from[2]) + (Math.log(to[2]) - Math.log(from[2])) * t);
      const h = w * (to[3] / to[2]);
      const cx = c0[0] + (c1[0] - c0[0]) * t, cy = c0[1] + (c1[1] - c0[1]) * t;
      vb = [cx - w / 2, cy - h / 2, w, h]; apply();
      if (t < 1) anim = requestAnimationFrame(step);
    };
    anim = requestAnimationFrame(step);
  }
  function zoomBy(k, at) {
    cancelAnimationFrame(anim);
    const [x, y, w, h] = vb;
    const p = at || [x + w / 2, y + h / 2];
    const nw = Math.min(D.width * 8, Math.max(D.width / 200, w * k));
    const f = nw / w;
    vb = [p[0] - (p[0] - x) * f, p[1] - (p[1] - y) * f, w * f, h * f]; apply();
  }
  function platePoint(cx, cy) {
    const r = view.getBoundingClientRect();
    return [vb[0] + (cx - r.left) / r.width * vb[2], vb[1] + (cy - r.top) / r.height * vb[3]];
  }
  let shown = whole;
  new ResizeObserver(() => { vb = fitted(shown); apply(); }).observe(view);

  const pointers = new Map();
  let gesture = null;
  view.addEventListener('pointerdown', (e) => {
    view.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, [e.clientX, e.clientY]);
    cancelAnimationFrame(anim);
    gesture = { start: [...pointers.values()].map((p) => p.slice()), vb: vb.slice() };
  });
  view.addEventListener('pointermove', (e) => {
    if (!pointers.has(e.pointerId) || !gesture) return;
    pointers.set(e.pointerId, [e.clientX, e.clientY]);
    const now = [...pointers.values()];
    const [bw] = box();
    const scale = gesture.vb[2] / bw;
    if (now.length === 1 && gesture.start.length === 1) {
      vb = [gesture.vb[0] - (now[0][0] - gesture.start[0][0]) * scale, gesture.vb[1] - (now[0][1] - gesture.start[0][1]) * scale, vb[2], vb[3]];
    } else if (now.length >= 2 && gesture.start.length >= 2) {
      const r = view.getBoundingClientRect();
      const d0 = Math.hypot(gesture.start[0][0] - gesture.start[1][0], gesture.start[0][1] - gesture.start[1][1]);
      const d1 = Math.hypot(now[0][0] - now[1][0], now[0][1] - now[1][1]);
      const k = Math.min(8, Math.max(0.05, d0 / Math.max(d1, 1)));
      const m0 = [(gesture.start[0][0] + gesture.start[1][0]) / 2 - r.left, (gesture.start[0][1] + gesture.start[1][1]) / 2 - r.top];
      const m1 = [(now[0][0] + now[1][0]) / 2 - r.left, (now[0][1] + now[1][1]) / 2 - r.top];
      const fx = gesture.vb[0] + m0[0] * scale, fy = gesture.vb[1] + m0[1] * scale;
      vb = [fx - m1[0] * scale * k, fy - m1[1] * scale * k, gesture.vb[2] * k, gesture.vb[3] * k];
    }
    apply();
  });
  const lift = (e) => {
    pointers.delete(e.pointerId);
    gesture = pointers.size ? { start: [...pointers.values()].map((p) => p.slice()), vb: vb.slice() } : null;
  };
  view.addEventListener('pointerup', lift);
  view.addEventListener('pointercancel', lift);
  view.addEventListener('wheel', (e) => { e.preventDefault(); zoomBy(Math.exp(e.deltaY / 400), platePoint(e.clientX, e.clientY)); }, { passive: false });
  view.addEventListener('dblclick', (e) => zoomBy(0.5, platePoint(e.clientX, e.clientY)));
  view.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const pan = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] }[e.key];
    if (pan) { cancelAnimationFrame(anim); vb = [vb[0] + pan[0] * vb[2], vb[1] + pan[1] * vb[3], vb[2], vb[3]]; apply(); }
    else if (e.key === '+' || e.key === '=') zoomBy(0.8);
    else if (e.key === '-' || e.key === '_') zoomBy(1.25);
    else if (e.key === '0') { shown = whole; moveTo(whole); }
    else if (e.key === 'PageDown') go(current + 1);
    else if (e.key === 'PageUp') go(current - 1);
    else return;
    e.preventDefault();
  });
  $('pw-zoom-in').addEventListener('click', () => zoomBy(0.8));
  $('pw-zoom-out').addEventListener('click', () => zoomBy(1.25));
  $('pw-fit').addEventListener('click', () => { shown = whole; moveTo(whole); });

  // --- Layers and role overlays ---------------------------------------------------------------
  const layerNode = (id) => document.getElementById(`layer-${id}`);
  function showLayers(ids) {
    for (const l of D.layers) {
      const g = layerNode(l.id); if (!g) continue;
      const on = ids && ids.length ? ids.includes(l.id) : l.visible;
      if (on) g.removeAttribute('display'); else g.setAttribute('display', 'none');
    }
  }
  const layerShown = (id) => { const g = layerNode(id); return !!g && g.getAttribute('display') !== 'none'; };
  const overlayG = document.createElementNS(SVGNS, 'g');
  overlayG.id = 'pw-overlay';
  const hitG = document.createElementNS(SVGNS, 'g');
  hitG.id = 'pw-hit';
  svg.append(overlayG, hitG);
  const make = (name, attrs) => { const e = document.createElementNS(SVGNS, name); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v)); return e; };
  const roleById = new Map(D.roles.map((r) => [r.id, r]));
  const unit = Math.max(D.width, D.height) / 1000;
  let overlay = null; // { kind: 'solo' | 'compare' | 'all', roles: [...] }
  const overlayRoles = () => (!overlay ? [] : overlay.kind === 'all' ? D.roles.map((r) => r.id) : overlay.roles);
  function fromRoles(list) {
    const roles = (list || []).filter((r) => roleById.has(r));
    if (!roles.length) return null;
    if (roles.length === 1) return { kind: 'solo', roles };
    if (roles.length === 2) return { kind: 'compare', roles };
    return { kind: 'all', roles: [] };
  }
  function drawOverlay() {
    overlayG.replaceChildren();
    const wanted = overlayRoles();
    for (const g of svg.querySelectorAll('[data-id]')) g.classList.remove('pw-dimmed', 'pw-lit');
    if (!overlay) { drawLegend(); return; }
    const dims = overlay.kind !== 'all';
    const mine = D.elements.filter((e) => layerShown(e.layer) && e.roles.some((r) => wanted.includes(r)));
    if (dims) {
      overlayG.append(make('rect', { x: 0, y: 0, width: D.width, height: D.height, fill: D.background, 'fill-opacity': 0.8, class: 'pw-veil' }));
      const lit = new Set(mine.map((e) => String(e.id)));
      for (const g of svg.querySelectorAll('[data-id]')) {
        if (g.closest('#pw-overlay')) continue;
        g.classList.add(lit.has(g.getAttribute('data-id')) ? 'pw-lit' : 'pw-dimmed');
      }
      for (const e of mine) overlayG.append(make('use', { href: `#e-${e.id}` }));
    }
    if (overlay.kind !== 'solo') {
      // Outlines around areas (the outermost of each role), badges when all roles show.
      const inside = (b, role, me) => mine.some((o) => o !== me && o.area && o.roles.includes(role)
        && o.box[0] <= b[0] && o.box[1] <= b[1] && o.box[0] + o.box[2] >= b[0] + b[2] && o.box[1] + o.box[3] >= b[1] + b[3]
        && (o.box[2] > b[2] || o.box[3] > b[3]));
      for (const e of mine.filter((m) => m.area)) {
        const roles = e.roles.filter((r) => wanted.includes(r) && !inside(e.box, r, e));
        roles.forEach((r, k) => {
          const pad = unit * (5 + 6 * k);
          overlayG.append(make('rect', {
            x: e.box[0] - pad, y: e.box[1] - pad, width: e.box[2] + 2 * pad, height: e.box[3] + 2 * pad,
            rx: unit * 8, fill: 'none', stroke: roleById.get(r).color, 'stroke-width': unit * 3,
          }));
          if (overlay.kind === 'all') {
            overlayG.append(make('circle', {
              cx: e.box[0] + e.box[2] + unit * 5 - k * unit * 18.4, cy: e.box[1] - unit * 5, r: unit * 8,
              fill: roleById.get(r).color, stroke: '#fff', 'stroke-width': unit * 1.5,
            }));
          }
        });
      }
    }
    drawLegend();
  }
  function drawLegend() {
    const legend = $('pw-legend');
    for (const b of document.querySelectorAll('#pw-roles [data-role]')) {
      b.setAttribute('aria-pressed', String(!!overlay && overlay.kind !== 'all' && overlay.roles.includes(b.dataset.role)));
    }
    if ($('pw-all')) $('pw-all').setAttribute('aria-pressed', String(!!overlay && overlay.kind === 'all'));
    if (!legend) return;
    legend.replaceChildren();
    if (!overlay) return;
    const h = document.createElement('h3');
    h.textContent = say(`legend_${overlay.kind}`);
    const list = document.createElement('ul');
    for (const id of overlayRoles()) {
      const r = roleById.get(id); if (!r) continue;
      const li = document.createElement('li');
      const sw = document.createElement('span'); sw.className = 'pw-swatch'; sw.style.background = r.color; sw.setAttribute('aria-hidden', 'true');
      const name = document.createElement('strong'); name.textContent = r.name; name.lang = D.lang;
      li.append(sw, name);
      if (overlay.kind === 'solo') {
        const does = document.createElement('ul'); does.lang = D.lang;
        for (const t of r.does) { const d = document.createElement('li'); d.textContent = t; does.append(d); }
        if (!r.does.length && !D.elements.some((e) => e.roles.includes(id))) {
          const d = document.createElement('li'); d.textContent = say('nothing_shown'); d.lang = lang; does.append(d);
        }
        li.append(does);
      }
      list.append(li);
    }
    legend.append(h, list);
  }
  hooks.push(drawLegend);
  function setOverlay(o, remember) {
    overlay = o;
    drawOverlay();
    if (remember !== false) writeHash();
  }
  for (const b of document.querySelectorAll('#pw-roles [data-role]')) {
    b.addEventListener('click', () => {
      const role = b.dataset.role;
      const compare = $('pw-compare') && $('pw-compare').checked;
      const cur = overlay;
      let next;
      if (cur && cur.kind === 'solo' && !compare && cur.roles[0] === role) next = null;
      else if (cur && cur.kind === 'solo' && compare && cur.roles[0] !== role) next = { kind: 'compare', roles: [cur.roles[0], role] };
      else if (cur && cur.kind === 'compare' && compare && cur.roles.includes(role)) next = { kind: 'solo', roles: cur.roles.filter((r) => r !== role) };
      else if (cur && cur.kind === 'compare' && compare) next = { kind: 'compare', roles: [cur.roles[0], role] };
      else next = { kind: 'solo', roles: [role] };
      setOverlay(next);
    });
  }
  if ($('pw-all')) $('pw-all').addEventListener('click', () => setOverlay(overlay && overlay.kind === 'all' ? null : { kind: 'all', roles: [] }));
  if ($('pw-none')) $('pw-none').addEventListener('click', () => setOverlay(null));

  // --- The tour -----------------------------------------------------------------------------
  let current = 0;
  function drawStop() {
    const s = D.stops[current];
    $('pw-stop-of').textContent = say('stop_of', { k: current + 1, n: D.stops.length });
    $('pw-stop-name').textContent = s ? s.name : '';
    $('pw-notes').textContent = s ? s.notes : '';
    $('pw-prev').disabled = current <= 0;
    $('pw-next').disabled = current >= D.stops.length - 1;
    for (const b of document.querySelectorAll('#pw-stops [data-stop]')) {
      if (Number(b.dataset.stop) === current) b.setAttribute('aria-current', 'step'); else b.removeAttribute('aria-current');
    }
  }
  hooks.push(drawStop);
  function go(k, opts) {
    if (k < 0 || k >= D.stops.length) return;
    const o = opts || {};
    current = k;
    const s = D.stops[k];
    showLayers(s.layers);
    shown = s.region;
    moveTo(s.region, o.instant);
    clearHit();
    setOverlay(o.overlay !== undefined ? o.overlay : fromRoles(s.roles), false);
    drawStop();
    writeHash();
  }
  $('pw-prev').addEventListener('click', () => go(current - 1));
  $('pw-next').addEventListener('click', () => go(current + 1));
  for (const b of document.querySelectorAll('#pw-stops [data-stop]')) b.addEventListener('click', () => go(Number(b.dataset.stop)));

  // --- Search -------------------------------------------------------------------------------
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const searchable = D.elements.filter((e) => e.text).map((e) => ({ e, folded: fold(e.text) }));
  let hits = [];
  function clearHit() {
    hitG.replaceChildren();
    for (const g of svg.querySelectorAll('.pw-found')) g.classList.remove('pw-found');
  }
  function showHit(e) {
    clearHit();
    if (!layerShown(e.layer)) showLayers([...D.layers.filter((l) => layerShown(l.id)).map((l) => l.id), e.layer]);
    const pad = unit * 8;
    hitG.append(make('rect', {
      x: e.box[0] - pad, y: e.box[1] - pad, width: e.box[2] + 2 * pad, height: e.box[3] + 2 * pad,
      rx: unit * 6, fill: 'none', stroke: '#c2185b', 'stroke-width': unit * 4, class: 'pw-hit-mark',
    }));
    const g = document.getElementById(`e-${e.id}`);
    if (g) g.classList.add('pw-found');
    const size = Math.max(e.box[2], e.box[3], Math.max(D.width, D.height) / 6) * 1.6;
    const cx = e.box[0] + e.box[2] / 2, cy = e.box[1] + e.box[3] / 2;
    shown = [cx - size / 2, cy - size / 2, size, size];
    moveTo(shown);
  }
  function search() {
    const q = fold($('pw-q').value.trim());
    const list = $('pw-results');
    list.replaceChildren();
    hits = q ? searchable.filter((s) => s.folded.includes(q)).map((s) => s.e) : [];
    $('pw-hits').textContent = !q ? '' : hits.length === 0 ? say('no_hits') : say('hits', { n: hits.length });
    for (const e of hits.slice(0, 50)) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button'; b.textContent = e.text.length > 120 ? `${e.text.slice(0, 119)}…` : e.text;
      b.addEventListener('click', () => showHit(e));
      li.append(b); list.append(li);
    }
    if (!q) clearHit();
  }
  hooks.push(() => { if ($('pw-q').value) search(); });
  $('pw-q').addEventListener('input', search);
  $('pw-q').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && hits.length) { e.preventDefault(); showHit(hits[0]); }
    if (e.key === 'Escape') { $('pw-q').value = ''; search(); }
  });

  // --- Deep links ---------------------------------------------------------------------------
  let writing = false;
  function writeHash() {
    if (!D.stops.length) return;
    const parts = [`stop=${encodeURIComponent(D.stops[current].name)}`];
    const own = fromRoles(D.stops[current].roles);
    const same = JSON.stringify(own) === JSON.stringify(overlay);
    if (!same) {
      if (!overlay) parts.push('role=');
      else if (overlay.kind === 'all') parts.push('role=all');
      else parts.push(`role=${overlay.roles.map(encodeURIComponent).join(',')}`);
    }
    const hash = `#${parts.join('&')}`;
    if (location.hash !== hash) {
      writing = true;
      try { history.replaceState(null, '', hash); } catch { /* file:// in some browsers */ }
      writing = false;
    }
  }
  function readHash(instant) {
    const args = {};
    for (const part of location.hash.replace(/^#/, '').split('&')) {
      const i = part.indexOf('=');
      if (i < 0) continue;
      try { args[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1)); } catch { /* a broken escape: ignore it */ }
    }
    let k = 0;
    if (args.stop !== undefined) {
      const found = D.stops.findIndex((s) => s.name === args.stop);
      if (found >= 0) k = found;
    }
    let o;
    if (args.role !== undefined) {
      o = args.role === 'all' ? { kind: 'all', roles: [] } : fromRoles(args.role.split(',').map((r) => r.trim()).filter(Boolean)
        .map((r) => (roleById.has(r) ? r : (D.roles.find((x) => x.name.toLowerCase() === r.toLowerCase()) || {}).id)).filter(Boolean));
    }
    if (D.stops.length) go(k, { instant, overlay: o });
    const region = (args.region || '').split(',').map(Number);
    if (region.length === 4 && region.every(Number.isFinite) && region[2] > 0 && region[3] > 0) {
      shown = region; moveTo(region, instant);
      if (args.stop === undefined && o !== undefined) setOverlay(o, false);
    }
  }
  window.addEventListener('hashchange', () => { if (!writing) readHash(false); });
  $('pw-link').addEventListener('click', async () => {
    writeHash();
    const status = $('pw-status');
    try { await navigator.clipboard.writeText(location.href); status.textContent = say('copied'); } catch { status.textContent = say('copy_failed'); }
  });

  translate();
  vb = fitted(whole); apply();
  readHash(true);
})();
