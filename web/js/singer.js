// The singer's view: for the chosen track, the live pitch curve scrolling against the
// reference melody (or the key's scale lines), a cents needle, the in-tune light,
// vibrato, the coach's words, and the take's score and per-note report when a take
// ends. Pitch arrives as {"type": "pitch", …} (docs/osc.md, Over a WebSocket).
import { el } from './controls.js';
import { hzToMidi, noteName, scales, keyPitchClass } from './notes.js';

const seconds = 8;   // of contour on screen; "now" sits at 80 % of the width

export class Singer {
  constructor(root, link, store) {
    Object.assign(this, { link, store });
    this.track = null;
    this.points = [];     // { at: performance.now() ms, midi | null, inTune }
    this.last = null;     // the latest pitch message
    this.reference = [];  // notes of the reference melody, in seconds of the timeline
    this.select = el('select', { id: 'singer-track', 'aria-label': 'track', onchange: () => this.choose(Number(this.select.value)) });
    this.enable = el('input', { type: 'checkbox', id: 'singer-enable', onchange: () => this.track && link.send('/pitch/enable', this.track, this.enable.checked ? 1 : 0) });
    this.note = el('output', { id: 'singer-note', class: 'big-note' }, '–');
    this.cents = el('output', { id: 'singer-cents' }, '');
    this.hz = el('output', { id: 'singer-hz' }, '');
    this.light = el('div', { id: 'singer-light', class: 'light', title: 'in tune' });
    this.vibrato = el('output', { id: 'singer-vibrato' }, '');
    this.confidence = el('output', { id: 'singer-confidence' }, '');
    this.needle = el('canvas', { class: 'needle', width: 260, height: 140 });
    this.curve = el('canvas', { class: 'curve' });
    this.curveWrap = el('div', { class: 'curve-wrap' }, this.curve);
    this.messages = el('ol', { id: 'singer-messages', class: 'messages' });
    this.score = el('div', { id: 'singer-score', class: 'score' });
    root.append(
      el('div', { class: 'singer-bar' }, el('label', {}, 'track ', this.select), el('label', {}, this.enable, ' track pitch'),
        el('span', { class: 'target', id: 'singer-target' })),
      el('div', { class: 'singer-main' },
        this.curveWrap,
        el('div', { class: 'readings' }, this.note, el('div', { class: 'cents-row' }, this.light, this.cents), this.needle,
          el('div', { class: 'small' }, this.hz, ' ', this.confidence), el('div', { class: 'small' }, this.vibrato), this.messages)),
      this.score);
    link.onTyped((m) => {
      if (m.track !== this.track) return;
      if (m.type === 'pitch') this.pitch(m);
      if (m.type === 'feedback') this.feedback(m);
    });
    link.on('/vibrato', ([track, rate, extent]) => {
      if (track !== this.track) return;
      this.vibratoAt = performance.now();
      this.vibrato.textContent = `vibrato ${rate.toFixed(1)} Hz ± ${extent.toFixed(0)} ¢`;
    });
    link.on('/pitch/enable', ([track, on]) => { if (track === this.track) this.enable.checked = !!on; });
    link.on('/coach/report', ([track, take, json]) => { if (track === this.track) this.report(take, JSON.parse(json)); });
    store.on('structure', () => this.build());
  }

  build() {
    const tracks = this.store.tracks();
    this.select.replaceChildren(...tracks.map((t) => el('option', { value: String(t.id) }, `${t.id}: ${t.name}`)));
    const keep = tracks.find((t) => t.id === this.track) ?? tracks.find((t) => t.pitch) ?? tracks.find((t) => t.input !== undefined) ?? tracks[0];
    if (keep) this.choose(keep.id);
  }

  choose(id) {
    if (id !== this.track) { this.points = []; this.last = null; this.messages.replaceChildren(); this.score.replaceChildren(); }
    this.track = id;
    this.select.value = String(id);
    const t = this.store.track(id);
    this.enable.checked = !!t?.pitch;
    const coach = t?.coach ?? {};
    const target = document.getElementById('singer-target');
    this.reference = [];
    this.scale = null;
    if (coach.reference) {
      if (target) target.textContent = `against ${coach.reference}`;
      this.store.midiNotes(coach.reference).then((notes) => {
        const melodic = notes.filter((n) => n.channel !== 9);
        const track = coach.melodyTrack ?? melodic[0]?.track;
        this.reference = melodic.filter((n) => n.track === track);
      });
    } else if (coach.key && coach.scale) {
      this.scale = { root: keyPitchClass(coach.key), steps: scales[coach.scale] ?? scales.chromatic };
      if (target) target.textContent = `in ${coach.key} ${coach.scale}`;
    } else if (target) target.textContent = 'against equal temperament';
  }

  pitch(m) {
    this.last = { ...m, at: performance.now() };
    const a4 = this.store.state?.a4 ?? 440;
    this.points.push({ at: this.last.at, midi: m.voiced && m.confidence >= 0.5 ? hzToMidi(m.frequency, a4) : null, inTune: m.isInTune,
      time: this.store.playing ? this.store.now() : null });
    const old = performance.now() - seconds * 1000 * 1.3;
    while (this.points.length && this.points[0].at < old) this.points.shift();
    if (!m.voiced) {
      this.note.textContent = '–';
      this.cents.textContent = '';
      this.hz.textContent = '';
      this.confidence.textContent = '';
      this.light.className = 'light';
      return;
    }
    this.note.textContent = m.note;
    this.cents.textContent = `${m.cents >= 0 ? '+' : '−'}${Math.abs(Math.round(m.cents))} ¢`;
    this.cents.dataset.cents = String(m.cents);
    this.hz.textContent = `${m.frequency.toFixed(1)} Hz`;
    this.confidence.textContent = `confidence ${(m.confidence * 100).toFixed(0)} %`;
    this.light.className = `light ${m.isInTune ? 'in' : 'out'}`;
  }

  feedback(m) {
    this.messages.prepend(el('li', { class: m.severity }, m.message));
    while (this.messages.children.length > 5) this.messages.lastChild.remove();
  }

  report(take, r) {
    const pct = (v) => v === null || v === undefined || v < 0 ? '—' : v.toFixed(0);
    const rows = (r.notes ?? []).map((n) => el('tr', { class: n.verdict },
      el('td', {}, String(n.index + 1)), el('td', {}, n.start.toFixed(2)), el('td', {}, n.expected), el('td', {}, n.sung ?? '—'),
      el('td', {}, n.cents === null || n.cents === undefined ? '—' : n.cents.toFixed(0)), el('td', {}, n.onsetMs === null || n.onsetMs === undefined ? '—' : n.onsetMs.toFixed(0)),
      el('td', {}, n.verdict)));
    this.score.replaceChildren(
      el('h2', {}, `take ${take}: `, el('span', { id: 'singer-total' }, pct(r.score)), ' / 100'),
      el('p', {}, `pitch ${pct(r.pitch)} · rhythm ${pct(r.rhythm)} · consistency ${pct(r.consistency)} · vibrato ${pct(r.vibrato)}`),
      el('ul', { class: 'tips' }, ...(r.tips ?? []).map((t) => el('li', {}, t))),
      rows.length ? el('table', { class: 'notes' },
        el('thead', {}, el('tr', {}, ...['#', 's', 'expected', 'sung', '¢', 'onset ms', ''].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...rows)) : null);
  }

  // Every frame, while the view shows.
  draw() {
    if (this.vibratoAt && performance.now() - this.vibratoAt > 600) { this.vibrato.textContent = ''; this.vibratoAt = 0; }
    this.drawNeedle();
    this.drawCurve();
  }

  drawNeedle() {
    const c = this.needle, g = c.getContext('2d'), w = c.width, h = c.height;
    const cx = w / 2, cy = h - 12, r = h - 30;
    g.clearRect(0, 0, w, h);
    g.lineWidth = 10;
    const arc = (from, to, color) => {
      g.strokeStyle = color;
      g.beginPath(); g.arc(cx, cy, r, Math.PI * (1.5 + from / 100), Math.PI * (1.5 + to / 100)); g.stroke();
    };
    const tol = this.store.track(this.track)?.coach?.tolerance || 15;
    arc(-50, -tol, '#5c3a3a'); arc(-tol, tol, '#2b5d3a'); arc(tol, 50, '#5c3a3a');
    g.fillStyle = '#aab'; g.font = '11px system-ui, sans-serif'; g.textAlign = 'center';
    g.fillText('−50', cx - r, cy + 12); g.fillText('0', cx, cy - r - 8); g.fillText('+50', cx + r, cy + 12);
    const fresh = this.last && this.last.voiced && performance.now() - this.last.at < 300;
    if (!fresh) return;
    const cents = Math.max(-50, Math.min(50, this.last.cents));
    const a = Math.PI * (1.5 + cents / 100);
    g.strokeStyle = this.last.isInTune ? '#69db7c' : '#ff8787';
    g.lineWidth = 3;
    g.beginPath(); g.moveTo(cx, cy); g.lineTo(cx + Math.cos(a) * (r + 6), cy + Math.sin(a) * (r + 6)); g.stroke();
  }

  drawCurve() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.curveWrap.clientWidth, h = this.curveWrap.clientHeight || 320;
    if (this.curve.width !== Math.round(w * dpr) || this.curve.height !== Math.round(h * dpr)) {
      this.curve.width = Math.round(w * dpr); this.curve.height = Math.round(h * dpr);
    }
    const g = this.curve.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#15181c';
    g.fillRect(0, 0, w, h);
    const now = performance.now(), nowX = w * 0.8, pxPerMs = nowX / (seconds * 1000);
    // The pitch window follows the voice (or the melody): two octaves around it.
    const voiced = this.points.filter((p) => p.midi !== null);
    const transportNow = this.store.now();
    const visibleRef = this.reference.filter((n) => n.end > transportNow - seconds && n.start < transportNow + seconds / 4);
    const keys = [...voiced.slice(-50).map((p) => p.midi), ...visibleRef.map((n) => n.key)];
    const centre = keys.length ? keys.reduce((a, b) => a + b, 0) / keys.length : 60;
    this.centre = this.centre === undefined ? centre : this.centre + (centre - this.centre) * 0.05;
    const lo = this.centre - 12, hi = this.centre + 12;
    const y = (midi) => h - ((midi - lo) / (hi - lo)) * h;
    // Note lines: the scale's (or C's and every semitone faintly), names on the left.
    g.font = '11px system-ui, sans-serif';
    for (let n = Math.floor(lo); n <= Math.ceil(hi); n++) {
      const inScale = this.scale ? this.scale.steps.includes(((n - this.scale.root) % 12 + 12) % 12) : true;
      g.strokeStyle = !inScale ? '#1c2026' : n % 12 === 0 ? '#3a414b' : (this.scale && ((n - this.scale.root) % 12 + 12) % 12 === 0) ? '#4a5563' : '#262c33';
      g.beginPath(); g.moveTo(0, y(n) + 0.5); g.lineTo(w, y(n) + 0.5); g.stroke();
      if (inScale) { g.fillStyle = '#667'; g.fillText(noteName(n), 4, y(n) - 2); }
    }
    // The reference melody on the timeline, placed by the transport's position.
    g.fillStyle = 'rgba(116, 192, 252, 0.35)';
    for (const n of visibleRef) {
      const x0 = nowX + (n.start - transportNow) * 1000 * pxPerMs, x1 = nowX + (n.end - transportNow) * 1000 * pxPerMs;
      g.fillRect(x0, y(n.key + 0.5), x1 - x0, y(n.key - 0.5) - y(n.key + 0.5));
    }
    // The voice: while the transport rolls, where it was sung on the timeline (what was
    // sung on another pass or before a locate is left out); stopped, as it came.
    const rolling = this.store.playing;
    const place = (p) => {
      if (!rolling) return nowX - (now - p.at) * pxPerMs;
      if (p.time === null || Math.abs((transportNow - p.time) - (now - p.at) / 1000) > 0.15) return -1;
      return nowX + (p.time - transportNow) * 1000 * pxPerMs;
    };
    g.lineWidth = 3;
    let prev = null;
    for (const p of this.points) {
      const x = place(p);
      if (p.midi === null || x < 0) { prev = null; continue; }
      // A new note (a jump of over a semitone) or a gap starts a new line.
      if (prev && (Math.abs(p.midi - prev.midi) > 1 || p.at - prev.at > 60)) prev = null;
      if (prev) {
        g.strokeStyle = p.inTune ? '#69db7c' : '#ffa94d';
        g.beginPath(); g.moveTo(prev.x, prev.y); g.lineTo(x, y(p.midi)); g.stroke();
      }
      prev = { x, y: y(p.midi), midi: p.midi, at: p.at };
    }
    g.strokeStyle = '#445';
    g.lineWidth = 1;
    g.beginPath(); g.moveTo(nowX + 0.5, 0); g.lineTo(nowX + 0.5, h); g.stroke();
  }
}
