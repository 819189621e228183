// Plaatwerk's participant page: join a live room, post sticky notes, vote with dots,
// pick a place. Talks to the room's hub over one WebSocket (docs/room-protocol.md).
// Everything from the network is shown as text (textContent), never as HTML.
'use strict';

(() => {
  const NL = (navigator.languages || [navigator.language || 'en']).some((l) => /^nl\b/i.test(l));
  const T = NL ? {
    join: 'Meedoen', joinIntro: 'Je doet anoniem mee. Een naam en een rol mag, hoeft niet.',
    name: 'Je naam (mag leeg)', role: 'Je rol (mag leeg)', noRole: '— geen rol —', go: 'Meedoen',
    tabNote: 'Notitie', tabVote: 'Stemmen', tabPlace: 'Mijn plek',
    note: 'Je notitie', colors: 'Kleur', post: 'Plaatsen', save: 'Bewaren', cancel: 'Annuleren',
    whereNone: 'Tik op de plaat om je notitie een plek te geven, of laat dat aan de gespreksleider.',
    whereSet: 'Je notitie komt op de plek van de stip.', unplace: 'Plek vergeten',
    mine: 'Mijn notities', noneYet: 'Nog geen notities.', edit: 'Wijzigen', del: 'Weghalen',
    waiting: 'wacht op de gespreksleider', onPlate: 'op de plaat',
    voteHint: (n, b) => `Tik op de plaat op wat knelt, of kies het hieronder. Je hebt nog ${n} van ${b} stippen.`,
    takeBack: 'Terugnemen', dotOn: (part) => `stip op ${part}`, part: (id) => `onderdeel ${id}`,
    placeHint: 'Welke plek heb jij?', plate: 'De plaat',
    connecting: 'Verbinden…', connected: 'Verbonden', reconnecting: 'Verbinding weg; opnieuw verbinden…',
    locked: 'De gespreksleider heeft de ruimte gesloten: je kunt kijken, niet meer wijzigen.',
    queue: 'De gespreksleider bekijkt elke notitie voordat hij op de plaat komt.',
    reveal: 'Iedereen schrijft eerst voor zich; de gespreksleider laat alles tegelijk zien.',
    badLink: 'Deze link is niet compleet. Scan de QR-code opnieuw.',
    codeTitle: 'Doe mee', codeLabel: 'Code van de ruimte (8 cijfers, op het scherm)', codeGo: 'Verder',
    codeWrong: 'Dat is niet de code van deze ruimte.', codeSlow: (s) => `Te vaak een verkeerde code; probeer het over ${s} seconden weer, of scan de QR-code.`,
    closed: 'Deze ruimte bestaat niet (meer). Vraag de gespreksleider om een nieuwe link.',
    ended: 'De gespreksleider heeft de ruimte gesloten. Bedankt voor het meedoen!',
    away: 'De ruimte is even niet bereikbaar. Wat je nu stuurt, wacht op je telefoon tot ze terug is.',
    posted: 'Geplaatst.', postedWaiting: 'Verstuurd; hij wacht op de gespreksleider.',
    colorNames: { yellow: 'geel', pink: 'roze', blue: 'blauw', green: 'groen', orange: 'oranje', purple: 'paars' },
    plateLabel: (t) => `De plaat: ${t}. Sleep om te schuiven, knijp om te zoomen, dubbeltik om terug te gaan.`,
    plateKeys: 'Met het toetsenbord: pijltjes schuiven, plus en min zoomen, 0 toont alles.',
    plateText: 'De plaat in woorden', parts: 'Onderdelen', notesOn: 'Notities op de plaat', noNotes: 'Nog geen notities op de plaat.',
    dots: (n) => (n === 1 ? '1 stip' : `${n} stippen`), yours: (n) => `${n} van jou`,
    voteOn: 'Stip erop', voteOnLabel: (p) => `Stip erop: ${p}`, myDots: 'Mijn stippen', noDots: 'Nog geen stippen gezet.',
    filter: 'Zoek een onderdeel', partsTitle: 'Waar zet je een stip op?',
    placeLabel: 'Plek op de plaat', placeNone: 'De gespreksleider kiest de plek', placeTapped: 'Waar ik op de plaat tikte',
    regions: 'Gebied', onPart: 'Op een onderdeel',
    regionNames: ['linksboven', 'boven', 'rechtsboven', 'links', 'midden', 'rechts', 'linksonder', 'onder', 'rechtsonder'],
    takenPlace: (r) => `Jouw plek: ${r}`,
    errors: {
      locked: 'De ruimte is gesloten voor wijzigingen.', rate_limited: 'Even rustig aan; probeer het zo weer.',
      too_many_notes: 'Je hebt het maximum aantal notities.', bad_text: 'Schrijf 1 tot 280 tekens.',
      no_votes: 'Je stippen zijn op; neem er eerst een terug.', no_such_element: 'Daar kun je niet op stemmen.',
      room_full: 'De ruimte is vol.', not_yours: 'Dat is niet jouw notitie.', bad_place: 'Die plek ligt niet op de plaat.',
      too_large: 'Dat bericht is te groot voor de ruimte.', bad_message: 'De ruimte begreep dat bericht niet; herlaad de pagina.',
    },
  } : {
    join: 'Join', joinIntro: 'You take part anonymously. A name and a role are optional.',
    name: 'Your name (optional)', role: 'Your role (optional)', noRole: '— no role —', go: 'Join',
    tabNote: 'Note', tabVote: 'Vote', tabPlace: 'My place',
    note: 'Your note', colors: 'Colour', post: 'Post', save: 'Save', cancel: 'Cancel',
    whereNone: 'Tap the plate to give your note a place, or leave that to the facilitator.',
    whereSet: 'Your note goes where the dot is.', unplace: 'Forget the place',
    mine: 'My notes', noneYet: 'No notes yet.', edit: 'Edit', del: 'Remove',
    waiting: 'waiting for the facilitator', onPlate: 'on the plate',
    voteHint: (n, b) => `Tap what pinches on the plate, or choose it below. You have ${n} of ${b} dots left.`,
    takeBack: 'Take back', dotOn: (part) => `dot on ${part}`, part: (id) => `part ${id}`,
    placeHint: 'Which place is yours?', plate: 'The plate',
    connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Connection lost; reconnecting…',
    locked: 'The facilitator closed the room: you can look, not change.',
    queue: 'The facilitator looks at each note before it goes on the plate.',
    reveal: 'Everyone writes privately first; the facilitator reveals all at once.',
    badLink: 'This link is incomplete. Scan the QR code again.',
    codeTitle: 'Join', codeLabel: 'Room code (8 digits, on the screen)', codeGo: 'Continue',
    codeWrong: 'That is not this room\'s code.', codeSlow: (s) => `Too many wrong codes; try again in ${s} seconds, or scan the QR code.`,
    closed: 'This room does not exist (any more). Ask the facilitator for a new link.',
    ended: 'The facilitator closed the room. Thank you for taking part!',
    away: 'The room is unavailable for a moment. What you send now waits on your phone until it is back.',
    posted: 'Posted.', postedWaiting: 'Sent; it waits for the facilitator.',
    colorNames: { yellow: 'yellow', pink: 'pink', blue: 'blue', green: 'green', orange: 'orange', purple: 'purple' },
    plateLabel: (t) => `The plate: ${t}. Drag to pan, pinch to zoom, double-tap to go back.`,
    plateKeys: 'With the keyboard: arrows pan, plus and minus zoom, 0 shows it all.',
    plateText: 'The plate in words', parts: 'Parts', notesOn: 'Notes on the plate', noNotes: 'No notes on the plate yet.',
    dots: (n) => (n === 1 ? '1 dot' : `${n} dots`), yours: (n) => `${n} yours`,
    voteOn: 'Add a dot', voteOnLabel: (p) => `Add a dot: ${p}`, myDots: 'My dots', noDots: 'No dots placed yet.',
    filter: 'Find a part', partsTitle: 'What do you put a dot on?',
    placeLabel: 'Place on the plate', placeNone: 'The facilitator chooses the place', placeTapped: 'Where I tapped the plate',
    regions: 'Area', onPart: 'On a part',
    regionNames: ['top left', 'top', 'top right', 'left', 'middle', 'right', 'bottom left', 'bottom', 'bottom right'],
    takenPlace: (r) => `Your place: ${r}`,
    errors: {},
  };
  const COLORS = { yellow: '#ffe87c', pink: '#ffc1d6', blue: '#b9dcff', green: '#c6f0b8', orange: '#ffcf9e', purple: '#ddc9f5' };
  const SVGNS = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  let token = decodeURIComponent(location.hash.slice(1));
  let store = `plaatwerk-room:${token}`;

  const S = {
    ws: null, secret: null, seq: 0, outbox: [], room: null, marks: new Map(), mine: new Map(),
    dots: [], place: null, locked: false, away: false, moderation: 'direct', votes: 3, color: 'yellow', at: null,
    editing: null, retry: 0, svg: null, base: null, vb: null, plateLoaded: false, parts: {}, order: [],
  };

  function text(id, s) { $(id).textContent = s; }
  function status(s, bad) { const e = $('status'); e.textContent = s; e.classList.toggle('bad', !!bad); }
  let toastTimer = 0;
  function toast(s) {
    const e = $('toast'); e.textContent = s; e.hidden = false;
    clearTimeout(toastTimer); toastTimer = setTimeout(() => { e.hidden = true; }, 3500);
  }
  function saved() { try { return JSON.parse(localStorage.getItem(store) || 'null'); } catch { return null; } }
  function save() { try { localStorage.setItem(store, JSON.stringify({ secret: S.secret, seq: S.seq })); } catch { /* private mode */ } }

  // --- Static texts -------------------------------------------------------------
  document.documentElement.lang = NL ? 'nl' : 'en';
  text('join-title', T.join); text('join-intro', T.joinIntro); text('join-name-label', T.name);
  text('join-role-label', T.role); text('join-go', T.go);
  text('tab-note', T.tabNote); text('tab-vote', T.tabVote); text('tab-place', T.tabPlace);
  text('note-label', T.note); text('colors-legend', T.colors); text('note-post', T.post);
  text('note-unplace', T.unplace); text('mine-title', T.mine); text('place-hint', T.placeHint);
  text('plate-label', T.plate); text('code-title', T.codeTitle); text('code-label', T.codeLabel); text('code-go', T.codeGo);
  text('plate-keys', T.plateKeys); text('plate-text-summary', T.plateText); text('note-place-label', T.placeLabel);
  text('parts-filter-label', T.filter); text('parts-title', T.partsTitle); text('dots-title', T.myDots);
  for (const [name, hex] of Object.entries(COLORS)) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'swatch'; b.style.background = hex;
    b.setAttribute('role', 'radio'); b.setAttribute('aria-label', T.colorNames[name]);
    b.setAttribute('aria-checked', String(name === S.color)); b.dataset.color = name;
    b.tabIndex = name === S.color ? 0 : -1;
    b.addEventListener('click', () => pickColor(b));
    $('colors').appendChild(b);
  }
  $('colors').setAttribute('role', 'radiogroup');
  $('colors').setAttribute('aria-labelledby', 'colors-legend');
  function pickColor(b) {
    S.color = b.dataset.color;
    for (const x of $('colors').querySelectorAll('.swatch')) { x.setAttribute('aria-checked', String(x === b)); x.tabIndex = x === b ? 0 : -1; }
  }
  // Arrow keys move along a row of items (the ARIA radio group and tabs patterns).
  function arrows(items, e) {
    const i = items.indexOf(document.activeElement); if (i < 0) return null;
    const n = items.length;
    const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1 + n, ArrowUp: i - 1 + n, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return null;
    e.preventDefault();
    const next = items[to % n]; next.focus(); return next;
  }
  $('colors').addEventListener('keydown', (e) => {
    const next = arrows([...$('colors').querySelectorAll('.swatch')], e); if (next) pickColor(next);
  });

  // --- Tabs -----------------------------------------------------------------------
  let tab = 'note';
  function showTab(name) {
    tab = name;
    for (const n of ['note', 'vote', 'place']) {
      $(`tab-${n}`).setAttribute('aria-selected', String(n === name));
      $(`tab-${n}`).tabIndex = n === name ? 0 : -1;
      $(`panel-${n}`).hidden = n !== name;
    }
    renderAll();
  }
  for (const name of ['note', 'vote', 'place']) $(`tab-${name}`).addEventListener('click', () => showTab(name));
  $('tabs').addEventListener('keydown', (e) => {
    const tabs = [...$('tabs').querySelectorAll('[role=tab]')].filter((t) => !t.hidden);
    const next = arrows(tabs, e); if (next) showTab(next.id.slice(4));
  });

  // --- Connection -------------------------------------------------------------------
  function send(msg) {
    if (S.ws && S.ws.readyState === WebSocket.OPEN) S.ws.send(JSON.stringify(msg));
  }
  function request(msg) {
    if (S.locked) { toast(T.locked); return; }
    S.seq += 1; save();
    const m = Object.assign({ v: 1, seq: S.seq }, msg);
    S.outbox.push(m); send(m);
  }
  function connect(join) {
    status(T.connecting);
    // Relative to the page, so a room served under a path (behind a proxy) works.
    const ws = new WebSocket(new URL('ws', location.href.split('#')[0]).href.replace(/^http/, 'ws'));
    S.ws = ws;
    ws.onopen = () => {
      const m = { v: 1, type: 'join', room: token };
      if (S.secret) m.resume = S.secret; else Object.assign(m, join || {});
      ws.send(JSON.stringify(m));
    };
    // Changes that were waiting come as one array, in order.
    ws.onmessage = (e) => {
      let m; try { m = JSON.parse(e.data); } catch { return; }
      for (const x of Array.isArray(m) ? m : [m]) receive(x);
    };
    ws.onclose = (ev) => {
      if (S.ws !== ws || S.gone) return;
      if (ev.code === 4000) {
        // The facilitator closed the room: nothing to reconnect to. What is on the
        // phone stays to look at.
        S.gone = true; S.locked = true; status(T.ended, true); toast(T.ended);
        return;
      }
      status(T.reconnecting, true);
      const wait = Math.min(10000, 800 * 2 ** S.retry) * (0.75 + Math.random() / 2);
      S.retry = Math.min(S.retry + 1, 6);
      setTimeout(() => connect(), wait);
    };
  }
  document.addEventListener('visibilitychange', () => {
    // A phone that wakes up checks its connection at once.
    if (!document.hidden && S.secret && (!S.ws || S.ws.readyState > WebSocket.OPEN)) connect();
  });

  function receive(m) {
    switch (m.type) {
      case 'welcome': {
        S.retry = 0; S.secret = m.secret; S.seq = Math.max(S.seq, m.last_seq); save();
        status(T.connected);
        const r = m.room; S.room = r;
        S.votes = r.votes; S.place = r.place; S.dots = r.dots; S.moderation = m.moderation; S.locked = m.locked;
        S.marks = new Map(r.marks.map((k) => [k.id, k]));
        S.mine = new Map(r.mine.map((n) => [n.note, n]));
        text('title', r.title || 'Plaatwerk');
        $('plate').setAttribute('aria-label', T.plateLabel(r.title || ''));
        $('join').hidden = true; $('work').hidden = false;
        // The marks already there are drawn once the picture is in (it arrives after
        // the welcome).
        loadPlate().then(() => { setView(r.view); renderAll(); });
        // Requests the hub had not done before the connection broke go again.
        S.outbox = S.outbox.filter((o) => o.seq > m.last_seq);
        for (const o of S.outbox) send(o);
        renderAll();
        break;
      }
      case 'ack': {
        const o = S.outbox.find((x) => x.seq === m.seq);
        S.outbox = S.outbox.filter((x) => x.seq !== m.seq);
        if (!o) break;
        if (o.type === 'post_note') {
          S.mine.set(m.note, { note: m.note, text: o.text, color: COLORS[o.color], pending: m.pending });
          toast(m.pending ? T.postedWaiting : T.posted);
        } else if (o.type === 'edit_note') {
          const n = S.mine.get(o.note); if (n) n.text = o.text;
        } else if (o.type === 'delete_note') {
          S.mine.delete(o.note);
        } else if (o.type === 'vote') {
          S.dots.push(o.element);
        } else if (o.type === 'unvote') {
          const i = S.dots.lastIndexOf(o.element); if (i >= 0) S.dots.splice(i, 1);
        } else if (o.type === 'pick_place') {
          S.place = o.role;
        }
        renderAll();
        break;
      }
      case 'rejected': {
        if (m.code === 'unavailable') {
          // Nothing was done: the request stays in the outbox and goes again once the
          // room is back (or in a moment, should that news have come first).
          status(T.away, true);
          setTimeout(() => { if (!S.away) for (const o of S.outbox) send(o); }, 3000);
          break;
        }
        if (m.seq != null) S.outbox = S.outbox.filter((x) => x.seq !== m.seq);
        if (m.code === 'replayed') break;
        if (m.code === 'unknown_participant') {
          // A closed room, or one that forgot us: start anew (or say the link is dead).
          S.secret = null; save();
          if (!S.room) { S.gone = true; status(T.closed, true); showJoin(false); toast(T.closed); } else { S.room = null; showJoin(true); }
          break;
        }
        toast(T.errors[m.code] || m.message);
        break;
      }
      case 'marks':
        for (const k of m.put) S.marks.set(k.id, k);
        for (const id of m.gone) { S.marks.delete(id); }
        for (const k of m.put) { const n = S.mine.get(k.id); if (n && k.kind === 'note') { n.pending = false; n.text = k.text; } }
        for (const id of m.gone) { const n = S.mine.get(id); if (n && !n.pending) S.mine.delete(id); }
        renderAll();
        break;
      case 'away':
        S.away = m.away;
        if (m.away) { status(T.away, true); break; }
        status(T.connected);
        for (const o of S.outbox) send(o);
        break;
      case 'view':
        setView(m.view);
        break;
      case 'settings':
        S.moderation = m.moderation; S.locked = m.locked; S.votes = m.votes;
        renderAll();
        break;
      default:
        break;
    }
  }

  // --- The plate: picture, marks, pinch-zoom -------------------------------------------
  async function loadPlate() {
    if (S.plateLoaded) return;
    const r = await fetch('plate.svg', { headers: { 'X-Plaatwerk-Room': token }, cache: 'no-store' });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), 'image/svg+xml');
    const svg = doc.documentElement;
    if (svg.nodeName !== 'svg') return;
    for (const s of svg.querySelectorAll('script, foreignObject')) s.remove();
    svg.removeAttribute('width'); svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    svg.setAttribute('role', 'img');
    const marks = document.createElementNS(SVGNS, 'g'); marks.id = 'marks';
    svg.appendChild(marks);
    const node = document.importNode(svg, true);
    $('plate').replaceChildren(node);
    S.svg = node; S.plateLoaded = true;
  }
  function setView(v) {
    if (!S.room) return;
    S.base = v ? [v.x, v.y, v.width, v.height] : [0, 0, S.room.width, S.room.height];
    S.vb = S.base.slice(); applyView();
    // The picture area takes the stop's shape (no empty bands on a phone).
    $('plate').style.aspectRatio = `${S.base[2]} / ${S.base[3]}`;
  }
  function applyView() { if (S.svg && S.vb) S.svg.setAttribute('viewBox', S.vb.map((n) => n.toFixed(2)).join(' ')); }
  function platePoint(cx, cy) {
    const m = S.svg.getScreenCTM(); if (!m) return null;
    const p = new DOMPoint(cx, cy).matrixTransform(m.inverse());
    return [p.x, p.y];
  }
  function el(name, attrs) { const e = document.createElementNS(SVGNS, name); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; }
  function drawMarks() {
    const g = S.svg && S.svg.querySelector('#marks'); if (!g) return;
    g.replaceChildren();
    for (const k of S.marks.values()) {
      if (k.kind === 'note') {
        const mine = S.mine.has(k.id);
        g.appendChild(el('rect', { x: k.x, y: k.y, width: k.width, height: k.height, fill: k.color, stroke: mine ? '#1d5fa8' : '#00000033', 'stroke-width': mine ? k.width * 0.04 : k.width * 0.01 }));
        const fo = el('foreignObject', { x: k.x + k.width * 0.06, y: k.y + k.height * 0.06, width: k.width * 0.88, height: k.height * 0.88 });
        const div = document.createElementNS('http://www.w3.org/1999/xhtml', 'div');
        div.className = 'note-text'; div.style.fontSize = `${k.width / 8}px`; div.style.height = '100%';
        div.textContent = k.text; fo.appendChild(div); g.appendChild(fo);
      } else {
        g.appendChild(el('circle', { cx: k.cx, cy: k.cy, r: k.r, fill: k.color, stroke: '#fff', 'stroke-width': k.r * 0.2 }));
      }
    }
    if (S.at && tab === 'note') {
      const r = S.room ? Math.max(S.room.width, S.room.height) / 120 : 10;
      g.appendChild(el('circle', { cx: S.at[0], cy: S.at[1], r, fill: '#1d5fa8', stroke: '#fff', 'stroke-width': r / 4 }));
    }
  }

  // Pointers: one finger pans (or taps), two pinch.
  const pointers = new Map();
  let gesture = null;
  let lastTap = 0;
  const plate = $('plate');
  plate.addEventListener('pointerdown', (e) => {
    plate.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, [e.clientX, e.clientY]);
    gesture = { start: [...pointers.values()].map((p) => p.slice()), vb: S.vb && S.vb.slice(), moved: false };
  });
  plate.addEventListener('pointermove', (e) => {
    if (!pointers.has(e.pointerId) || !gesture || !gesture.vb || !S.svg) return;
    pointers.set(e.pointerId, [e.clientX, e.clientY]);
    const now = [...pointers.values()];
    const box = plate.getBoundingClientRect();
    const scale = Math.max(gesture.vb[2] / box.width, gesture.vb[3] / box.height);
    if (now.length === 1 && gesture.start.length === 1) {
      const dx = now[0][0] - gesture.start[0][0]; const dy = now[0][1] - gesture.start[0][1];
      if (Math.hypot(dx, dy) > 8) gesture.moved = true;
      if (gesture.moved) { S.vb[0] = gesture.vb[0] - dx * scale; S.vb[1] = gesture.vb[1] - dy * scale; applyView(); }
    } else if (now.length >= 2 && gesture.start.length >= 2) {
      gesture.moved = true;
      const d0 = Math.hypot(gesture.start[0][0] - gesture.start[1][0], gesture.start[0][1] - gesture.start[1][1]);
      const d1 = Math.hypot(now[0][0] - now[1][0], now[0][1] - now[1][1]);
      const k = Math.min(8, Math.max(0.05, d0 / Math.max(d1, 1)));
      const mid = [(gesture.start[0][0] + gesture.start[1][0]) / 2 - box.left, (gesture.start[0][1] + gesture.start[1][1]) / 2 - box.top];
      const mid1 = [(now[0][0] + now[1][0]) / 2 - box.left, (now[0][1] + now[1][1]) / 2 - box.top];
      const fx = gesture.vb[0] + mid[0] * scale; const fy = gesture.vb[1] + mid[1] * scale;
      const w = gesture.vb[2] * k; const h = gesture.vb[3] * k;
      S.vb = [fx - mid1[0] * scale * k, fy - mid1[1] * scale * k, w, h]; applyView();
    }
  });
  function up(e) {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    if (gesture && !gesture.moved && pointers.size === 0) tap(e);
    if (pointers.size === 0) gesture = null;
    else gesture = { start: [...pointers.values()].map((p) => p.slice()), vb: S.vb && S.vb.slice(), moved: true };
  }
  plate.addEventListener('pointerup', up);
  plate.addEventListener('pointercancel', (e) => { pointers.delete(e.pointerId); gesture = null; });
  plate.addEventListener('wheel', (e) => {
    if (!S.vb) return; e.preventDefault();
    const p = platePoint(e.clientX, e.clientY); if (!p) return;
    const k = Math.exp(e.deltaY / 400);
    S.vb = [p[0] - (p[0] - S.vb[0]) * k, p[1] - (p[1] - S.vb[1]) * k, S.vb[2] * k, S.vb[3] * k]; applyView();
  }, { passive: false });

  // The keyboard: arrows pan a tenth of the view, plus and minus zoom about its
  // centre, 0 goes back to the whole stop.
  plate.addEventListener('keydown', (e) => {
    if (!S.vb || e.altKey || e.ctrlKey || e.metaKey) return;
    const [x, y, w, h] = S.vb;
    const pan = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] }[e.key];
    const zoom = { '+': 0.8, '=': 0.8, '-': 1.25, _: 1.25 }[e.key];
    if (pan) S.vb = [x + pan[0] * w, y + pan[1] * h, w, h];
    else if (zoom) S.vb = [x + (w - w * zoom) / 2, y + (h - h * zoom) / 2, w * zoom, h * zoom];
    else if (e.key === '0') S.vb = S.base && S.base.slice();
    else return;
    e.preventDefault(); applyView();
  });

  function tap(e) {
    if (!S.svg) return;
    const now = Date.now();
    if (now - lastTap < 300) { S.vb = S.base && S.base.slice(); applyView(); lastTap = 0; return; }
    lastTap = now;
    const p = platePoint(e.clientX, e.clientY); if (!p) return;
    if (tab === 'note') {
      if (p[0] >= 0 && p[1] >= 0 && p[0] <= S.room.width && p[1] <= S.room.height) { S.at = p; S.atChoice = 'tap'; renderNote(); drawMarks(); }
    } else if (tab === 'vote') {
      const hit = document.elementFromPoint(e.clientX, e.clientY);
      const part = hit && hit.closest && hit.closest('[data-id]');
      if (part) request({ type: 'vote', element: Number(part.getAttribute('data-id')) });
    }
  }

  // --- Panels ---------------------------------------------------------------------------------
  // A list drawn again keeps the keyboard's focus on the same item (by its key).
  function redraw(list, items) {
    const had = list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    list.replaceChildren(...items);
    if (had) { const again = list.querySelector(`[data-key="${CSS.escape(had)}"]`); if (again && !again.disabled) again.focus(); }
  }
  function button(label, key, onClick, aria) {
    const b = document.createElement('button'); b.type = 'button'; b.textContent = label; b.dataset.key = key;
    if (aria) b.setAttribute('aria-label', aria);
    b.addEventListener('click', onClick); return b;
  }
  function item(...children) { const li = document.createElement('li'); li.append(...children); return li; }
  function span(cls, words) { const e = document.createElement('span'); e.className = cls; e.textContent = words; return e; }
  function renderAll() { renderNote(); renderVote(); renderPlace(); renderBanner(); renderText(); drawMarks(); }
  function renderBanner() {
    const b = $('banner');
    const say = S.locked ? T.locked : S.moderation === 'queue' ? T.queue : S.moderation === 'reveal' ? T.reveal : '';
    b.textContent = say; b.hidden = !say;
    for (const id of ['note-post', 'note-text', 'note-place']) $(id).disabled = S.locked;
  }
  // The parts one can vote on or put a note on, in the plate's order, with their dots.
  // Elements with the same name (a role's card, its label and its figure) are one
  // part: a vote goes to the first of them, and the dots on any of them count.
  function partList() {
    const counts = new Map();
    for (const k of S.marks.values()) if (k.kind === 'dot' && k.on != null) counts.set(k.on, (counts.get(k.on) || 0) + 1);
    const byLabel = new Map();
    for (const id of S.order.length ? S.order : Object.keys(S.parts).map(Number)) {
      const label = S.parts[id]; if (label == null) continue;
      const p = byLabel.get(label) || { id, label, ids: [], dots: 0 };
      p.ids.push(id); p.dots += counts.get(id) || 0;
      byLabel.set(label, p);
    }
    return [...byLabel.values()];
  }
  const REGIONS = [[0.2, 0.2], [0.5, 0.2], [0.8, 0.2], [0.2, 0.5], [0.5, 0.5], [0.8, 0.5], [0.2, 0.8], [0.5, 0.8], [0.8, 0.8]];
  function renderPlaces() {
    const sel = $('note-place');
    const built = `${Object.keys(S.parts).length}:${S.atChoice === 'tap'}`;
    // Built again only when the parts or the tapped entry change, not on every note.
    if (sel.dataset.built !== built) {
      const opts = [new Option(T.placeNone, '')];
      if (S.atChoice === 'tap') opts.push(new Option(T.placeTapped, 'tap'));
      const regions = document.createElement('optgroup'); regions.label = T.regions;
      T.regionNames.forEach((name, i) => regions.appendChild(new Option(name, `region:${i}`)));
      const parts = document.createElement('optgroup'); parts.label = T.onPart;
      for (const p of partList()) parts.appendChild(new Option(p.label, `part:${p.id}`));
      sel.replaceChildren(...opts, regions, ...(parts.children.length ? [parts] : []));
      sel.dataset.built = built;
    }
    sel.value = S.atChoice || '';
  }
  // Where a choice from the list puts the note: a region of what the room looks at, or
  // the middle of a part of the plate.
  function placeOf(choice) {
    if (!choice || !S.room) return null;
    if (choice.startsWith('region:')) {
      const [fx, fy] = REGIONS[Number(choice.slice(7))] || [0.5, 0.5];
      const [x, y, w, h] = S.base || [0, 0, S.room.width, S.room.height];
      return [x + fx * w, y + fy * h];
    }
    if (choice.startsWith('part:') && S.svg) {
      const e = S.svg.querySelector(`[data-id="${CSS.escape(choice.slice(5))}"]`); if (!e) return null;
      const r = e.getBoundingClientRect(); const p = platePoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!p) return null;
      return [Math.min(S.room.width, Math.max(0, p[0])), Math.min(S.room.height, Math.max(0, p[1]))];
    }
    return S.at;
  }
  $('note-place').addEventListener('change', () => {
    const choice = $('note-place').value;
    S.atChoice = choice || null; S.at = choice ? placeOf(choice) : null;
    if (choice === 'tap' && !S.at) S.atChoice = null;
    renderNote(); drawMarks();
  });
  function renderNote() {
    renderPlaces();
    text('note-where', S.at ? T.whereSet : T.whereNone);
    $('note-unplace').hidden = !S.at;
    text('note-count', `${$('note-text').value.length}/280`);
    text('note-post', S.editing ? T.save : T.post);
    const rows = [];
    if (S.mine.size === 0) { const li = document.createElement('li'); li.textContent = T.noneYet; rows.push(li); }
    for (const n of S.mine.values()) {
      const chip = span('chip', ''); chip.style.background = n.color;
      const edit = button(T.edit, `edit-${n.note}`, () => { S.editing = n.note; $('note-text').value = n.text; renderNote(); $('note-text').focus(); }, `${T.edit}: ${n.text}`);
      edit.disabled = S.locked;
      const del = button(T.del, `del-${n.note}`, () => request({ type: 'delete_note', note: n.note }), `${T.del}: ${n.text}`);
      del.disabled = S.locked;
      rows.push(item(chip, span('words', n.text), span('state', n.pending ? T.waiting : T.onPlate), edit, del));
    }
    redraw($('mine'), rows);
  }
  function renderVote() {
    const left = Math.max(0, S.votes - S.dots.length);
    const hint = T.voteHint(left, S.votes);
    if ($('vote-hint').textContent !== hint) text('vote-hint', hint);
    if (tab !== 'vote') return;
    const all = partList();
    $('parts-search').hidden = all.length <= 12;
    const find = $('parts-filter').value.trim().toLowerCase();
    const rows = [];
    for (const p of all) {
      if (find && !p.label.toLowerCase().includes(find)) continue;
      const mine = S.dots.filter((d) => p.ids.includes(d)).length;
      const state = p.dots ? `${T.dots(p.dots)}${mine ? ` (${T.yours(mine)})` : ''}` : '';
      const add = button(T.voteOn, `vote-${p.id}`, () => request({ type: 'vote', element: p.id }), T.voteOnLabel(p.label));
      add.disabled = S.locked || left === 0;
      const row = [span('words', p.label), span('state', state), add];
      if (mine) {
        const on = S.dots.slice().reverse().find((d) => p.ids.includes(d));
        const back = button(T.takeBack, `unvote-${p.id}`, () => request({ type: 'unvote', element: on }), `${T.takeBack}: ${T.dotOn(p.label)}`);
        back.disabled = S.locked; row.push(back);
      }
      rows.push(item(...row));
    }
    redraw($('parts'), rows);
    const dots = [];
    if (S.dots.length === 0) { const li = document.createElement('li'); li.textContent = T.noDots; dots.push(li); }
    S.dots.forEach((id, i) => {
      const label = T.dotOn(S.parts[id] || T.part(id));
      const back = button(T.takeBack, `mydot-${id}-${i}`, () => request({ type: 'unvote', element: id }), `${T.takeBack}: ${label}`);
      back.disabled = S.locked;
      dots.push(item(span('words', label), back));
    });
    redraw($('dots'), dots);
  }
  $('parts-filter').addEventListener('input', renderVote);
  function renderPlace() {
    const rows = [];
    for (const r of (S.room ? S.room.roles : [])) {
      const chip = span('chip', ''); chip.style.cssText = 'width:16px;height:16px;border-radius:50%'; chip.style.background = r.color;
      const b = button('', `place-${r.id}`, () => request({ type: 'pick_place', role: r.id }));
      b.setAttribute('aria-pressed', String(S.place === r.id)); b.disabled = S.locked;
      b.append(chip, span('', r.name));
      rows.push(b);
    }
    redraw($('places'), rows);
    $('tab-place').hidden = !S.room || S.room.roles.length === 0;
  }
  // The plate in words, for screen readers and anyone who prefers a list: its title,
  // its parts with their dots, and the notes on it.
  function renderText() {
    const body = $('plate-text-body');
    if (!$('plate-text').open && body.childElementCount) return;
    const head = (words) => { const h = document.createElement('h3'); h.textContent = words; return h; };
    const list = (rows) => { const ul = document.createElement('ul'); ul.append(...rows); return ul; };
    const title = document.createElement('p'); title.textContent = (S.room && S.room.title) || $('title').textContent;
    const parts = partList().map((p) => item(`${p.label}${p.dots ? ` (${T.dots(p.dots)})` : ''}`));
    const notes = [...S.marks.values()].filter((k) => k.kind === 'note').map((k) => item(k.text));
    body.replaceChildren(title, head(T.parts), list(parts), head(T.notesOn), notes.length ? list(notes) : document.createTextNode(T.noNotes));
  }
  $('plate-text').addEventListener('toggle', renderText);
  $('note-text').addEventListener('input', () => text('note-count', `${$('note-text').value.length}/280`));
  $('note-unplace').addEventListener('click', () => { S.at = null; S.atChoice = null; renderNote(); drawMarks(); });
  $('note-post').addEventListener('click', () => {
    const words = $('note-text').value.trim();
    if (!words) { toast(T.errors.bad_text || 'Write 1 to 280 characters.'); return; }
    if (S.editing) {
      request({ type: 'edit_note', note: S.editing, text: words });
      S.editing = null;
    } else {
      const m = { type: 'post_note', text: words, color: S.color };
      if (S.at) m.at = S.at.map((n) => Math.round(n * 10) / 10);
      request(m);
      S.at = null; S.atChoice = null;
    }
    $('note-text').value = ''; renderNote(); drawMarks();
  });

  // --- Joining --------------------------------------------------------------------------------
  function showJoin(enabled) {
    $('join').hidden = false; $('work').hidden = true; $('join-go').disabled = !enabled;
  }
  $('join-go').addEventListener('click', () => {
    const name = $('join-name').value.trim(); const role = $('join-role').value;
    const join = {}; if (name) join.name = name; if (role) join.role = role;
    $('join-go').disabled = true;
    if (S.ws && S.ws.readyState === WebSocket.OPEN) { S.ws.onclose = null; S.ws.close(); }
    connect(join);
  });

  // Typed instead of scanned: the short address and the code on the screen.
  async function typedCode() {
    const r = await fetch('code', { method: 'POST', body: $('code-input').value.slice(0, 16), cache: 'no-store' });
    if (r.ok) {
      token = (await r.json()).room; store = `plaatwerk-room:${token}`;
      history.replaceState(null, '', `#${token}`);
      $('code').hidden = true; start();
    } else toast(r.status === 429 ? T.codeSlow(Number(r.headers.get('Retry-After')) || 10) : T.codeWrong);
  }
  $('code-go').addEventListener('click', typedCode);
  $('code-input').addEventListener('keydown', (e) => { if (e.key === 'Enter') typedCode(); });

  async function start() {
    if (!token) { $('code').hidden = false; $('code-input').focus(); return; }
    if (!/^[0-9a-f]{32}$/.test(token)) { status(T.badLink, true); toast(T.badLink); return; }
    const opt = document.createElement('option'); opt.value = ''; opt.textContent = T.noRole;
    $('join-role').replaceChildren(opt);
    // The plate's title, roles (for the join form) and the names of its parts.
    try {
      const r = await fetch('room.json', { headers: { 'X-Plaatwerk-Room': token }, cache: 'no-store' });
      if (r.ok) {
        const info = await r.json();
        S.parts = info.parts || {}; S.order = Array.isArray(info.order) ? info.order : [];
        text('title', info.title || 'Plaatwerk');
        for (const role of info.roles) { const o = document.createElement('option'); o.value = role.id; o.textContent = role.name; $('join-role').appendChild(o); }
      } else if (r.status === 403) { S.gone = true; status(T.closed, true); toast(T.closed); return; }
    } catch { /* the connection will say */ }
    const s = saved();
    if (s && s.secret) { S.secret = s.secret; S.seq = s.seq || 0; connect(); return; }
    showJoin(true);
  }
  start();
})();
