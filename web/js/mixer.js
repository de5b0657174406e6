// The mixer: a strip per track and bus and the master — fader (the documented fader
// law), pan, mute, solo, arm, meters (peak, RMS, gain reduction) — and the EQ,
// compressor and gate of the strip chosen.
import { dbToPosition, positionToDB, formatDB } from './faderlaw.js';
import { el, slider, toggle } from './controls.js';

const meterFloor = -60, meterTop = 6;

export class Mixer {
  constructor(root, detail, link, store) {
    Object.assign(this, { root, detail, link, store });
    this.strips = new Map();  // id → { update(), meter canvas, hold }
    this.chosen = null;
    store.on('structure', () => this.build());
    store.on('strip', (id) => { this.strips.get(id)?.update(); if (id === this.chosen) this.detailPanel?.update(); });
    store.on('track', (id) => this.strips.get(id)?.update());
  }

  build() {
    this.root.replaceChildren();
    this.strips.clear();
    const s = this.store;
    for (const t of s.tracks()) this.add(t.id, t.name, t.input !== undefined ? 'input' : t.midi ? 'midi' : t.file ? 'file' : 'empty');
    for (const b of s.buses()) this.add(b.id, b.name, 'bus');
    if (s.state) this.add('master', 'master', 'master');
    if (this.chosen !== null && !this.strips.has(this.chosen)) this.chosen = null;
    this.showDetail(this.chosen ?? (this.strips.has('master') ? 'master' : null));
  }

  base(id) { return id === 'master' ? '/master' : `/strip/${id}`; }

  add(id, name, kind) {
    const s = this.store, link = this.link, base = this.base(id);
    const strip = () => s.strip(id) ?? {};
    const fader = el('input', { type: 'range', class: 'fader', min: 0, max: 1, step: 0.001, orient: 'vertical',
      'aria-label': `${name} fader`, dataset: { fader: String(id) } });
    let held = false, last = 0;
    const db = el('div', { class: 'db', dataset: { gain: String(id) } });
    fader.addEventListener('pointerdown', () => { held = true; });
    fader.addEventListener('pointerup', () => { held = false; });
    const sendGain = () => {
      last = performance.now();
      const value = positionToDB(Number(fader.value));
      if (value === -Infinity) link.send(`${base}/fader`, 0);
      else link.send(`${base}/gain`, Math.round(value * 100) / 100);
    };
    fader.addEventListener('input', () => {
      db.textContent = formatDB(positionToDB(Number(fader.value)));
      if (performance.now() - last > 30) sendGain();
    });
    fader.addEventListener('change', () => { held = false; sendGain(); });
    fader.addEventListener('dblclick', () => link.send(`${base}/gain`, 0));

    const pan = slider({ min: -1, max: 1, value: strip().pan ?? 0, label: 'pan', dataset: { pan: String(id) },
      format: (v) => Math.abs(v) < 0.005 ? 'C' : (v < 0 ? 'L' : 'R') + Math.round(Math.abs(v) * 100),
      send: (v) => link.send(`${base}/pan`, Math.round(v * 1000) / 1000) });
    const buttons = el('div', { class: 'buttons' });
    const mute = toggle('M', { title: 'mute', cls: 'mute', dataset: { mute: String(id) }, send: (on) => link.send(`${base}/mute`, on ? 1 : 0) });
    buttons.append(mute.element);
    let solo = null, arm = null;
    if (id !== 'master') {
      solo = toggle('S', { title: 'solo', cls: 'solo', dataset: { solo: String(id) }, send: (on) => link.send(`${base}/solo`, on ? 1 : 0) });
      buttons.append(solo.element);
    }
    if (kind === 'input') {
      arm = toggle('R', { title: 'arm for recording', cls: 'arm', dataset: { arm: String(id) }, send: (on) => link.send(`/track/${id}/arm`, on ? 1 : 0) });
      buttons.append(arm.element);
    }
    const meter = el('canvas', { class: 'meter', width: 18, height: 200, dataset: { meter: String(id) } });
    const nameEl = el('button', { class: 'strip-name', title: `${name}: EQ, compressor, gate`, onclick: () => this.showDetail(id) }, name);
    const root = el('div', { class: `strip ${kind}`, dataset: { strip: String(id) } },
      nameEl, el('div', { class: 'kind' }, kind), pan.element, buttons,
      el('div', { class: 'fader-meter' }, fader, meter), db);
    this.root.append(root);
    const entry = {
      root, meter, hold: -Infinity, holdAt: 0,
      update: () => {
        const st = strip();
        if (!held) fader.value = String(dbToPosition(st.gain ?? 0));
        db.textContent = formatDB(st.gain ?? 0);
        pan.set(st.pan ?? 0);
        mute.set(!!st.mute);
        solo?.set(!!st.solo);
        arm?.set(!!s.track(id)?.armed);
      },
    };
    entry.update();
    this.strips.set(id, entry);
  }

  showDetail(id) {
    this.chosen = id;
    for (const [k, e] of this.strips) e.root.classList.toggle('chosen', k === id);
    this.detail.replaceChildren();
    this.detailPanel = null;
    if (id === null) return;
    this.detailPanel = new StripDetail(this.detail, id, this.base(id), this.link, this.store);
  }

  // Every frame: the meters, from the latest feedback, with a peak hold.
  draw() {
    const now = performance.now();
    for (const [id, e] of this.strips) {
      const m = this.store.meters.get(id);
      const c = e.meter, g = c.getContext('2d');
      const h = c.height, w = c.width;
      const y = (db) => h * (1 - (Math.max(meterFloor, Math.min(meterTop, db)) - meterFloor) / (meterTop - meterFloor));
      g.fillStyle = '#15181c';
      g.fillRect(0, 0, w, h);
      if (!m) continue;
      const peak = m.peak ?? -Infinity, rms = m.rms ?? -Infinity;
      if (peak > e.hold || now - e.holdAt > 1500) { e.hold = peak; e.holdAt = now; }
      const grad = g.createLinearGradient(0, h, 0, 0);
      grad.addColorStop(0, '#2f9e44'); grad.addColorStop(0.75, '#f2c94c'); grad.addColorStop(0.92, '#e03131');
      g.fillStyle = grad;
      g.fillRect(1, y(peak), w / 2 - 1, h - y(peak));
      g.fillStyle = '#6fbf73';
      g.fillRect(w / 2, y(rms), w / 2 - 1, h - y(rms));
      g.fillStyle = '#fff';
      g.fillRect(1, y(e.hold), w - 2, 1);
      if (m.gr > 0.05) {  // gain reduction hangs from 0 dB
        g.fillStyle = '#ff922b';
        g.fillRect(w / 2 - 2, y(0), 4, y(-m.gr) - y(0));
      }
      g.fillStyle = '#555';
      g.fillRect(0, y(0), w, 1);
    }
  }
}

const eqBands = ['hpf', 'lowshelf', 'peak1', 'peak2', 'peak3', 'peak4', 'highshelf', 'lpf'];
const ms = (v) => v < 10 ? v.toFixed(2) : v.toFixed(0);
const dB = (v) => v.toFixed(1);
const compParams = [
  ['threshold', -60, 0, false, dB], ['ratio', 1, 100, true, (v) => v.toFixed(1)], ['knee', 0, 24, false, dB],
  ['attack', 0.05, 500, true, ms], ['release', 5, 5000, true, ms], ['makeup', -12, 24, false, dB]];
const gateParams = [
  ['threshold', -90, 0, false, dB], ['range', 0, 120, false, dB], ['hysteresis', 0, 24, false, dB],
  ['attack', 0.01, 500, true, ms], ['hold', 0, 2000, false, ms], ['release', 1, 5000, true, ms]];

// The chosen strip's EQ, compressor and gate.
class StripDetail {
  constructor(root, id, base, link, store) {
    this.setters = [];
    const strip = () => store.strip(id) ?? {};
    const section = (title, on, address) => {
      const t = toggle('on', { title: `${title} on`, dataset: { section: title }, send: (v) => link.send(address, v ? 1 : 0) });
      this.setters.push(() => t.set(!!on()));
      return el('div', { class: 'section' }, el('h3', {}, title, ' ', t.element));
    };
    const param = (label, address, get, min, max, log, format, extra = {}) => {
      const s = slider({ min, max, log, value: get() ?? min, format, label, send: (v) => link.send(address, Math.round(v * 1000) / 1000), ...extra });
      this.setters.push(() => s.set(get() ?? min));
      return s.element;
    };
    const name = id === 'master' ? 'master' : (store.track(id) ?? store.buses().find((b) => b.id === id))?.name;
    root.append(el('h2', {}, `${name}: EQ · compressor · gate`));

    const eq = section('EQ', () => strip().eq?.on ?? true, `${base}/eq/on`);
    const bands = el('div', { class: 'bands' });
    for (const band of eqBands) {
      const b = () => strip().eq?.bands?.[band] ?? {};
      const a = `${base}/eq/${band}`;
      const on = toggle(band, { title: `${band} on`, dataset: { band }, send: (v) => link.send(`${a}/on`, v ? 1 : 0) });
      this.setters.push(() => on.set(!!b().on));
      const col = el('div', { class: 'band' }, on.element,
        param('Hz', `${a}/freq`, () => b().freq, 10, 24000, true, (v) => v < 1000 ? v.toFixed(0) : (v / 1000).toFixed(1) + 'k'));
      if (band !== 'hpf' && band !== 'lpf') col.append(param('dB', `${a}/gain`, () => b().gain, -24, 24, false, dB));
      col.append(param('Q', `${a}/q`, () => b().q, 0.1, 18, true, (v) => v.toFixed(2)));
      bands.append(col);
    }
    eq.append(bands);

    const comp = section('compressor', () => strip().comp?.on, `${base}/comp/on`);
    for (const [p, min, max, log, f] of compParams) comp.append(param(p, `${base}/comp/${p}`, () => strip().comp?.[p], min, max, log, f));
    const gate = section('gate', () => strip().gate?.on, `${base}/gate/on`);
    for (const [p, min, max, log, f] of gateParams) gate.append(param(p, `${base}/gate/${p}`, () => strip().gate?.[p], min, max, log, f));
    root.append(el('div', { class: 'sections' }, eq, comp, gate));
    this.update();
  }

  update() { for (const s of this.setters) s(); }
}
