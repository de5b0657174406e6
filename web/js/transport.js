// The transport: play, stop, record, locate, loop, tempo, position; section markers.
import { el, toggle } from './controls.js';

export function formatTime(seconds) {
  const s = Math.max(0, seconds);
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(3).padStart(6, '0')}`;
}

export class Transport {
  constructor(root, link, store) {
    Object.assign(this, { root, link, store });
    const send = (a, ...args) => () => link.send(a, ...args);
    this.play = el('button', { class: 'play', title: 'play (space)', onclick: send('/transport/play'), dataset: { transport: 'play' } }, '▶');
    this.stop = el('button', { class: 'stop', title: 'stop', onclick: send('/transport/stop'), dataset: { transport: 'stop' } }, '■');
    this.record = toggle('●', { title: 'record: takes on every armed track', cls: 'record', dataset: { transport: 'record' },
      send: (on) => link.send(on ? '/record/start' : '/record/stop') });
    this.home = el('button', { title: 'to the start', onclick: send('/transport/locate', 0), dataset: { transport: 'home' } }, '|◀');
    this.loop = toggle('⟳', { title: 'loop', cls: 'loop', dataset: { transport: 'loop' }, send: (on) => this.setLoop(on) });
    this.loopStart = el('input', { type: 'number', min: 0, step: 0.5, class: 'seconds', title: 'loop start (s)', onchange: () => this.setLoop(true) });
    this.loopEnd = el('input', { type: 'number', min: 0, step: 0.5, class: 'seconds', title: 'loop end (s)', onchange: () => this.setLoop(true) });
    this.time = el('output', { class: 'time', id: 'position', title: 'position' }, '0:00.000');
    this.bars = el('output', { class: 'bars', title: 'bar.beat at the tempo' }, '1.1');
    this.tempo = el('input', { type: 'number', min: 20, max: 400, step: 0.1, class: 'tempo', title: 'tempo (BPM)',
      onchange: () => link.send('/transport/tempo', Number(this.tempo.value)) });
    this.markers = el('div', { class: 'markers' });
    root.append(this.home, this.play, this.stop, this.record.element,
      el('span', { class: 'clock' }, this.time, this.bars),
      el('label', { class: 'tempo-label' }, this.tempo, ' BPM'),
      el('span', { class: 'loop-group' }, this.loop.element, this.loopStart, '–', this.loopEnd),
      this.markers,
      el('button', { class: 'add-marker', title: 'a marker here', onclick: () => this.addMarker() }, '+ marker'));
    store.on('transport', () => this.update());
    store.on('structure', () => { this.update(); this.buildMarkers(); });
    document.addEventListener('keydown', (e) => {
      if (e.code === 'Space' && !['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(e.target.tagName)) {
        e.preventDefault();
        link.send(store.playing ? '/transport/stop' : '/transport/play');
      }
    });
  }

  setLoop(on) {
    if (!on) return this.link.send('/transport/loop/off');
    const start = Number(this.loopStart.value) || 0;
    let end = Number(this.loopEnd.value) || 0;
    if (end <= start) end = start + 4;
    this.link.send('/transport/loop', start, end);
  }

  addMarker() {
    const n = (this.store.state?.markers?.length ?? 0) + 1;
    this.link.send('/marker/add', `M${n}`, Math.round(this.store.now() * 1000) / 1000);
  }

  buildMarkers() {
    this.markers.replaceChildren();
    for (const m of this.store.state?.markers ?? []) {
      this.markers.append(el('button', { class: 'marker', title: `to ${m.name} (${formatTime(m.seconds)}); double-click to rename`,
        dataset: { marker: String(m.id) },
        onclick: () => this.link.send('/transport/locate/marker', m.id),
        ondblclick: () => {
          const name = prompt('marker name', m.name);
          if (name) this.link.send(`/marker/${m.id}/rename`, name);
        } }, m.name));
    }
  }

  update() {
    const t = this.store.state?.transport ?? {};
    this.play.classList.toggle('on', this.store.playing);
    this.record.set(this.store.recording);
    this.loop.set(!!t.loop);
    if (document.activeElement !== this.loopStart) this.loopStart.value = t.loopStart ?? 0;
    if (document.activeElement !== this.loopEnd) this.loopEnd.value = t.loopEnd ?? 0;
    if (document.activeElement !== this.tempo) this.tempo.value = t.tempo ?? 120;
  }

  // Every frame.
  draw() {
    const now = this.store.now();
    this.time.textContent = formatTime(now);
    const bpm = this.store.state?.transport?.tempo ?? 120;
    const beats = now * bpm / 60;
    this.bars.textContent = `${Math.floor(beats / 4) + 1}.${Math.floor(beats % 4) + 1}`;
  }
}
