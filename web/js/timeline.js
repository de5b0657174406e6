// The timeline: tracks with their clips and takes, waveforms from the engine's cached
// overviews, markers, the loop and the playhead. Drag a clip (a file's, or the take an
// input track plays) to move it, its edges to
// trim it, the squares at its top corners to fade it; choose a take; zoom (ctrl +
// wheel, or the buttons) and scroll (wheel).
import { el, slider } from './controls.js';
import { formatDB } from './faderlaw.js';

const rulerH = 28, laneH = 72, edge = 7;

export class Timeline {
  constructor(root, link, store) {
    Object.assign(this, { link, store });
    this.pps = 40;        // pixels per second
    this.scroll = 0;      // seconds at the left edge
    this.loaded = new Map();  // path → overview, once fetched
    this.notes = new Map();   // path → notes
    this.drag = null;
    this.preview = new Map(); // track id → clip values shown until the engine's echo
    this.heads = el('div', { class: 'tl-heads' });
    this.canvas = el('canvas', { class: 'tl-canvas', 'aria-label': 'timeline' });
    this.wrap = el('div', { class: 'tl-canvas-wrap' }, this.canvas);
    const zoom = (f) => () => this.zoomAt(f, this.canvas.clientWidth / 2);
    root.append(
      el('div', { class: 'tl-toolbar' },
        el('button', { onclick: zoom(1 / 1.5), title: 'zoom out' }, '−'),
        el('button', { onclick: zoom(1.5), title: 'zoom in' }, '+'),
        el('button', { onclick: () => this.fit(), title: 'show everything' }, 'fit'),
        el('span', { class: 'hint' }, 'drag a clip to move it, its edges to trim, its top corners to fade · click the ruler to locate')),
      el('div', { class: 'tl-body' }, this.heads, this.wrap));
    store.on('structure', () => this.build());
    store.on('takes', () => this.build());
    store.on('track', () => this.build());
    store.on('timeline', (id) => { this.preview.delete(id); this.updateHeads(); });
    this.canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.canvas.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    link.on('/record/take', ([track, n, path]) => this.store.forgetOverview(path));
  }

  lanes() { return this.store.tracks(); }

  build() {
    this.heads.replaceChildren(el('div', { class: 'tl-ruler-head', style: `height:${rulerH}px` }));
    this.headUpdates = [];
    for (const t of this.lanes()) {
      const kind = t.input !== undefined ? 'input' : t.midi ? 'midi' : t.file ? 'file' : 'empty';
      const head = el('div', { class: `tl-head ${kind}`, style: `height:${laneH}px`, dataset: { lane: String(t.id) } },
        el('div', { class: 'tl-name' }, t.name, el('span', { class: 'kind' }, ` ${kind}`)));
      if (this.source(t)) {
        const gain = slider({ min: -24, max: 24, value: t.clip?.gain ?? 0, label: 'clip', format: formatDB,
          dataset: { clipGain: String(t.id) }, send: (v) => this.link.send(`/track/${t.id}/clip/1/gain`, Math.round(v * 10) / 10) });
        head.append(gain.element);
        this.headUpdates.push(() => gain.set(this.store.track(t.id)?.clip?.gain ?? 0));
      }
      if (kind === 'input') {
        const takes = el('div', { class: 'takes' });
        const list = this.store.takes.get(t.id) ?? [];
        for (const n of [0, ...list.map((k) => k.n)]) {
          const b = el('button', { class: 'take', dataset: { take: `${t.id}:${n}` }, 'aria-pressed': String((t.take ?? 0) === n),
            title: n ? `play take ${n}` : 'play the live input',
            onclick: () => this.link.send(`/track/${t.id}/take`, n) }, n ? `take ${n}` : 'live');
          takes.append(b);
        }
        head.append(takes);
      }
      this.heads.append(head);
      for (const path of this.paths(t)) this.load(path, t.midi !== undefined);
    }
  }

  updateHeads() { for (const u of this.headUpdates ?? []) u(); }

  paths(t) {
    if (t.midi) return [t.midi];
    if (t.file) return [t.file];
    return (this.store.takes.get(t.id) ?? []).map((k) => k.path);
  }

  load(path, midi) {
    const map = midi ? this.notes : this.loaded;
    if (map.has(path)) return;
    map.set(path, null);
    (midi ? this.store.midiNotes(path) : this.store.overview(path))
      .then((v) => map.set(path, v), () => map.delete(path));
  }

  // What a track's clip plays: its file, or the take an input track plays (disarmed),
  // which stays where it was recorded until moved.
  source(t) {
    if (t.file) return { path: t.file, recordedAt: 0 };
    if (t.input === undefined || !t.take || t.armed) return null;
    const k = (this.store.takes.get(t.id) ?? []).find((k) => k.n === t.take);
    return k ? { path: k.path, recordedAt: k.start, take: k.n } : null;
  }

  // The clip a track plays, with edits being dragged shown.
  clip(t) {
    const src = this.source(t);
    const o = this.loaded.get(src.path);
    const c = { ...(t.clip ?? {}), ...(this.preview.get(t.id) ?? {}) };
    const trim = c.trim ?? 0;
    const fileSeconds = o ? o.seconds : null;
    const length = c.length ?? (fileSeconds !== null ? Math.max(0, fileSeconds - trim) : 4);
    return { position: c.position ?? t.position ?? src.recordedAt, trim, length, take: src.take, fadeIn: c.fadeIn ?? 0, fadeOut: c.fadeOut ?? 0,
      fadeInShape: c.fadeInShape ?? 'linear', fadeOutShape: c.fadeOutShape ?? 'linear', gain: c.gain ?? 0, fileSeconds, overview: o };
  }

  x(seconds) { return (seconds - this.scroll) * this.pps; }
  time(x) { return this.scroll + x / this.pps; }

  zoomAt(factor, x) {
    const t = this.time(x);
    this.pps = Math.max(2, Math.min(4000, this.pps * factor));
    this.scroll = Math.max(0, t - x / this.pps);
  }

  fit() {
    let end = 8;
    for (const t of this.lanes()) for (const [s, l] of this.extents(t)) end = Math.max(end, s + l);
    for (const m of this.store.state?.markers ?? []) end = Math.max(end, m.seconds + 1);
    this.scroll = 0;
    this.pps = Math.max(2, (this.canvas.clientWidth - 20) / end);
  }

  extents(t) {
    if (this.source(t)) { const c = this.clip(t); return [[c.position, c.length]]; }
    if (t.midi) {
      const n = this.notes.get(t.midi);
      return [[t.position ?? 0, n?.length ? Math.max(...n.map((k) => k.end)) : 4]];
    }
    return (this.store.takes.get(t.id) ?? []).map((k) => [k.start, k.length]);
  }

  wheel(e) {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) this.zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.offsetX);
    else this.scroll = Math.max(0, this.scroll + (e.deltaX || e.deltaY) / this.pps);
  }

  hit(x, y) {
    if (y < rulerH) return { kind: 'ruler' };
    const i = Math.floor((y - rulerH) / laneH);
    const t = this.lanes()[i];
    if (!t) return null;
    const top = rulerH + i * laneH;
    const onClip = this.source(t) && this.hitClip(t, x, y, top);
    if (onClip) return onClip;
    if (t.input !== undefined) {
      const takes = this.store.takes.get(t.id) ?? [];
      const k = takes.find((k) => x >= this.x(k.start) && x <= this.x(k.start + k.length));
      if (k) return { kind: 'take', t, take: k };
    }
    return null;
  }

  // Where on its clip (a fade handle, an edge, the body) x, y falls, or null.
  hitClip(t, x, y, top) {
    const c = this.clip(t);
    const x0 = this.x(c.position), x1 = this.x(c.position + c.length);
    if (x < x0 - edge || x > x1 + edge) return null;
    const fi = this.x(c.position + c.fadeIn), fo = this.x(c.position + c.length - c.fadeOut);
    if (y < top + 14 && Math.abs(x - fi) <= edge) return { kind: 'fadeIn', t, c };
    if (y < top + 14 && Math.abs(x - fo) <= edge) return { kind: 'fadeOut', t, c };
    if (Math.abs(x - x0) <= edge) return { kind: 'trimStart', t, c };
    if (Math.abs(x - x1) <= edge) return { kind: 'trimEnd', t, c };
    return { kind: 'move', t, c };
  }

  pointerDown(e) {
    const h = this.hit(e.offsetX, e.offsetY);
    if (!h) return;
    if (h.kind === 'ruler') return this.link.send('/transport/locate', Math.max(0, Math.round(this.time(e.offsetX) * 1000) / 1000));
    if (h.kind === 'take') return this.link.send(`/track/${h.t.id}/take`, h.take.n);
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { ...h, x0: e.offsetX };
  }

  pointerMove(e) {
    if (!this.drag) {
      const h = this.hit(e.offsetX, e.offsetY);
      this.canvas.style.cursor = !h ? 'default' : h.kind === 'move' ? 'grab' : h.kind.startsWith('trim') ? 'ew-resize'
        : h.kind.startsWith('fade') ? 'col-resize' : 'pointer';
      return;
    }
    const d = this.drag, c = d.c, dt = (e.offsetX - d.x0) / this.pps;
    const min = 0.01;
    let p = {};
    if (d.kind === 'move') p = { position: Math.max(0, c.position + dt) };
    if (d.kind === 'trimStart') {
      const shift = Math.max(-Math.min(c.trim, c.position), Math.min(dt, c.length - min - c.fadeIn - c.fadeOut));
      p = { trim: c.trim + shift, position: c.position + shift, length: c.length - shift };
    }
    if (d.kind === 'trimEnd') {
      const most = c.fileSeconds !== null ? c.fileSeconds - c.trim : c.length;
      p = { length: Math.max(c.fadeIn + c.fadeOut + min, Math.min(most, c.length + dt)) };
    }
    if (d.kind === 'fadeIn') p = { fadeIn: Math.max(0, Math.min(c.length - c.fadeOut, c.fadeIn + dt)) };
    if (d.kind === 'fadeOut') p = { fadeOut: Math.max(0, Math.min(c.length - c.fadeIn, c.fadeOut - dt)) };
    this.preview.set(d.t.id, p);
    d.moved = true;
  }

  pointerUp() {
    const d = this.drag;
    this.drag = null;
    if (!d?.moved) return;
    const p = this.preview.get(d.t.id) ?? {}, id = d.t.id, c = d.c;
    const r = (v) => Math.round(v * 10000) / 10000;
    if ('trim' in p || ('length' in p && d.kind === 'trimEnd')) this.link.send(`/track/${id}/clip/1/trim`, r(p.trim ?? c.trim), r(p.length ?? c.length));
    if ('position' in p) this.link.send(`/track/${id}/clip/1/move`, r(p.position));
    if ('fadeIn' in p) this.link.send(`/track/${id}/clip/1/fadein`, r(p.fadeIn), c.fadeInShape);
    if ('fadeOut' in p) this.link.send(`/track/${id}/clip/1/fadeout`, r(p.fadeOut), c.fadeOutShape);
    // The preview stays until the echo comes (or the edit is refused).
    setTimeout(() => this.preview.delete(id), 1000);
  }

  // Every frame.
  draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.wrap.clientWidth, h = rulerH + Math.max(1, this.lanes().length) * laneH;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.height = `${h}px`;
    }
    const g = this.canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#1b1f24';
    g.fillRect(0, 0, w, h);
    const now = this.store.now();
    if (this.store.playing && !this.drag && (this.x(now) > w - 40 || this.x(now) < 0)) this.scroll = Math.max(0, now - 40 / this.pps);
    this.drawRuler(g, w);
    this.lanes().forEach((t, i) => this.drawLane(g, t, rulerH + i * laneH, w));
    const loop = this.store.state?.transport;
    if (loop?.loop) {
      g.fillStyle = 'rgba(116, 192, 252, 0.08)';
      g.fillRect(this.x(loop.loopStart), rulerH, this.x(loop.loopEnd) - this.x(loop.loopStart), h);
    }
    for (const m of this.store.state?.markers ?? []) {
      g.strokeStyle = 'rgba(255, 212, 59, 0.5)';
      g.beginPath(); g.moveTo(this.x(m.seconds) + 0.5, rulerH); g.lineTo(this.x(m.seconds) + 0.5, h); g.stroke();
    }
    g.strokeStyle = '#ff6b6b';
    g.beginPath(); g.moveTo(this.x(now) + 0.5, 0); g.lineTo(this.x(now) + 0.5, h); g.stroke();
  }

  drawRuler(g, w) {
    g.fillStyle = '#262b31';
    g.fillRect(0, 0, w, rulerH);
    const steps = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    const step = steps.find((s) => s * this.pps >= 60) ?? 600;
    g.fillStyle = '#aab'; g.strokeStyle = '#555'; g.font = '11px system-ui, sans-serif';
    for (let s = Math.floor(this.scroll / step) * step; this.x(s) < w; s += step) {
      const x = Math.round(this.x(s)) + 0.5;
      g.beginPath(); g.moveTo(x, rulerH - 8); g.lineTo(x, rulerH); g.stroke();
      const m = Math.floor(s / 60), sec = s - m * 60;
      g.fillText(m ? `${m}:${sec.toFixed(step < 1 ? 1 : 0).padStart(2, '0')}` : `${+sec.toFixed(2)}s`, x + 3, 11);
    }
    const loop = this.store.state?.transport;
    if (loop?.loop) {
      g.fillStyle = 'rgba(116, 192, 252, 0.5)';
      g.fillRect(this.x(loop.loopStart), rulerH - 5, this.x(loop.loopEnd) - this.x(loop.loopStart), 5);
    }
    for (const m of this.store.state?.markers ?? []) {
      const x = this.x(m.seconds);
      g.fillStyle = '#ffd43b';
      g.beginPath(); g.moveTo(x, 14); g.lineTo(x + 7, 14); g.lineTo(x + 7, 24); g.lineTo(x, 27); g.fill();
      g.fillText(m.name, x + 9, 24);
    }
  }

  drawLane(g, t, top, w) {
    g.fillStyle = '#20252b';
    g.fillRect(0, top + 1, w, laneH - 2);
    if (t.file) return this.drawClip(g, t, top, w);
    if (t.midi) return this.drawMIDI(g, t, top);
    if (t.input !== undefined) {
      const playing = this.source(t);
      for (const k of this.store.takes.get(t.id) ?? []) {
        if (playing && playing.take === k.n) continue;  // drawn as its clip, below
        const active = (t.take ?? 0) === k.n;
        const o = this.loaded.get(k.path);
        const x0 = this.x(k.start), x1 = this.x(k.start + k.length);
        g.fillStyle = active ? '#3b5b7a' : '#2b3947';
        g.fillRect(x0, top + 4, x1 - x0, laneH - 8);
        if (o) this.drawWave(g, o, k.start, 0, k.length, top + 4, laneH - 8, () => 1, active ? '#a5d8ff' : '#5c7080', w);
        g.fillStyle = '#dde';
        g.font = '11px system-ui, sans-serif';
        g.fillText(`take ${k.n}${active ? ' (armed: the input plays)' : ''}`, x0 + 4, top + 15);
      }
      if (playing) this.drawClip(g, t, top, w);
    }
  }

  drawClip(g, t, top, w) {
    const c = this.clip(t);
    const x0 = this.x(c.position), x1 = this.x(c.position + c.length);
    const y = top + 4, h = laneH - 8;
    g.fillStyle = '#2f4f3f';
    g.fillRect(x0, y, x1 - x0, h);
    const gain = Math.pow(10, c.gain / 20);
    const env = (s) => {  // s: seconds into the clip
      let v = gain;
      if (c.fadeIn > 0 && s < c.fadeIn) v *= shape(c.fadeInShape, s / c.fadeIn);
      if (c.fadeOut > 0 && s > c.length - c.fadeOut) v *= shape(c.fadeOutShape, (c.length - s) / c.fadeOut);
      return v;
    };
    if (c.overview) this.drawWave(g, c.overview, c.position, c.trim, c.length, y, h, env, '#8ce99a', w);
    // Fades: the envelope's line and a handle at each.
    g.strokeStyle = '#ffe066';
    g.beginPath();
    for (let px = Math.max(x0, 0); px <= Math.min(x1, w); px += 2) {
      const v = Math.min(1, env((px - x0) / this.pps) / Math.max(gain, 1e-9));
      const yy = y + h - v * h;
      px === Math.max(x0, 0) ? g.moveTo(px, yy) : g.lineTo(px, yy);
    }
    g.stroke();
    g.fillStyle = '#ffe066';
    g.fillRect(this.x(c.position + c.fadeIn) - 4, y, 8, 8);
    g.fillRect(this.x(c.position + c.length - c.fadeOut) - 4, y, 8, 8);
    g.fillStyle = '#dde';
    g.font = '11px system-ui, sans-serif';
    g.fillText(`${c.take ? `take ${c.take}` : t.name}${c.gain ? ` ${formatDB(c.gain)} dB` : ''}`, x0 + 12, y + 20);
  }

  // min/max per pixel over the overview's blocks; `env(s)` scales s seconds into the clip.
  drawWave(g, o, position, trim, length, y, h, env, color, w) {
    const perSecond = o.rate / o.fpp, blocks = o.peaks.length / 2;
    const mid = y + h / 2;
    g.fillStyle = color;
    const x0 = Math.max(0, Math.floor(this.x(position))), x1 = Math.min(w, Math.ceil(this.x(position + length)));
    for (let px = x0; px < x1; px++) {
      const s = (px - this.x(position)) / this.pps;
      let i0 = Math.floor((trim + s) * perSecond), i1 = Math.ceil((trim + s + 1 / this.pps) * perSecond);
      i0 = Math.max(0, i0); i1 = Math.min(blocks, Math.max(i1, i0 + 1));
      let lo = 0, hi = 0;
      for (let i = i0; i < i1; i++) { lo = Math.min(lo, o.peaks[2 * i]); hi = Math.max(hi, o.peaks[2 * i + 1]); }
      const k = env(s) * h / 2 / 127;
      g.fillRect(px, mid - hi * k, 1, Math.max(1, (hi - lo) * k));
    }
  }

  drawMIDI(g, t, top) {
    const notes = this.notes.get(t.midi) ?? [];
    const start = t.position ?? 0;
    const end = notes.length ? Math.max(...notes.map((n) => n.end)) : 4;
    g.fillStyle = '#3d2f4f';
    g.fillRect(this.x(start), top + 4, end * this.pps, laneH - 8);
    if (notes.length) {
      let lo = 127, hi = 0;
      for (const n of notes) { lo = Math.min(lo, n.key); hi = Math.max(hi, n.key); }
      const span = Math.max(12, hi - lo + 1), h = laneH - 12;
      g.fillStyle = '#d0bfff';
      for (const n of notes) {
        const x = this.x(start + n.start);
        if (x > this.canvas.width || this.x(start + n.end) < 0) continue;
        g.fillRect(x, top + 6 + h - ((n.key - lo + 1) / span) * h, Math.max(1, (n.end - n.start) * this.pps), Math.max(1, h / span));
      }
    }
    g.fillStyle = '#dde';
    g.font = '11px system-ui, sans-serif';
    g.fillText(t.name, this.x(start) + 4, top + 15);
  }
}

// The fade shapes of docs/osc.md, 0 … 1 over the fade.
function shape(name, t) {
  const x = Math.max(0, Math.min(1, t));
  if (name === 'equal-power') return Math.sin(Math.PI * x / 2);
  if (name === 's-curve') return (1 - Math.cos(Math.PI * x)) / 2;
  return x;
}
