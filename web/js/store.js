// What the page knows of the engine: the state in the patch schema (from /state), kept
// up to date by the echoes every change sends to subscribers, plus what /state does
// not hold — the transport's position, takes, meters, file overviews.
import { positionToDB } from './faderlaw.js';

export class Store {
  constructor(link) {
    this.link = link;
    this.state = null;
    this.playing = false;
    this.position = 0;          // seconds, at `positionAt` (performance.now())
    this.positionAt = 0;
    this.recording = false;
    this.takes = new Map();     // track id → [{ n, path, start, length }]
    this.meters = new Map();    // strip id or 'master' → { peak, rms, gr }
    this.overviews = new Map(); // path → Promise of { seconds, fpp, rate, peaks }
    this.notes = new Map();     // path → Promise of [{ start, end, key, channel, track }]
    this.listeners = new Map();
    this.listen();
  }

  on(kind, fn) { (this.listeners.get(kind) ?? this.listeners.set(kind, []).get(kind)).push(fn); }
  emit(kind, detail) { for (const fn of this.listeners.get(kind) ?? []) fn(detail); }

  // The transport's position now, between feedback messages.
  now() {
    return this.playing ? this.position + (performance.now() - this.positionAt) / 1000 : this.position;
  }

  tracks() { return this.state?.tracks ?? []; }
  buses() { return this.state?.buses ?? []; }
  track(id) { return this.tracks().find((t) => t.id === id); }
  strip(id) {
    if (id === 'master') return this.state?.master;
    return (this.track(id) ?? this.buses().find((b) => b.id === id))?.strip;
  }

  reload() {
    clearTimeout(this.reloading);
    this.reloading = setTimeout(() => this.link.send('/state'), 30);
  }

  listen() {
    const link = this.link;
    link.on('/state.reply', ([json]) => {
      this.state = JSON.parse(json);
      this.state.transport ??= {};
      for (const t of this.tracks()) if (t.input !== undefined) this.fetchTakes(t.id);
      this.emit('structure');
    });
    for (const a of ['/track/added', '/track/removed', '/bus/added', '/bus/removed', '/patch/loaded',
      '/marker/added', '/marker/removed', '/marker'])
      link.on(a, () => this.reload());
    link.on('/done', ([address]) => {
      if (/^\/(track\/\d+\/(load|midi|take)|generate\/|patch\/|mix\/)/.test(address)) this.reload();
    });
    link.on('/mix/undone', () => this.reload());
    link.on('/transport/state', ([playing, seconds]) => {
      this.playing = !!playing;
      this.setPosition(seconds);
      this.emit('transport');
    });
    link.on('/transport/position', ([seconds]) => this.setPosition(seconds));
    link.on('/transport/loop', ([start, end, on]) => {
      Object.assign(this.state?.transport ?? {}, { loop: !!on, loopStart: start, loopEnd: end });
      this.emit('transport');
    });
    link.on('/transport/tempo', ([bpm]) => {
      if (this.state) this.state.transport.tempo = bpm;
      this.emit('transport');
    });
    link.on('/record/state', ([on]) => { this.recording = !!on; this.emit('transport'); });
    link.on(/^\/track\/\d+\/arm$/, ([armed], a) => this.trackChanged(a, (t) => { t.armed = !!armed; }));
    link.on(/^\/track\/\d+\/take$/, ([n], a) => this.trackChanged(a, (t) => {
      if ((t.take ?? 0) !== n) { t.clip = undefined; t.position = undefined; }  // the edits were the other take's
      t.take = n || undefined;
    }, 'takes'));
    link.on('/record/take.done', ([track]) => this.fetchTakes(track));
    link.on(/^\/track\/\d+\/clip\/1\//, (args, a) => this.clipChanged(a, args));
    link.on(/^\/(strip\/[^/]+|master)\//, (args, a) => this.stripChanged(a, args));
    link.on(/^\/meter\//, ([peak, rms, gr], a) => {
      const id = a.slice(7);
      this.meters.set(id === 'master' ? 'master' : Number(id), { peak, rms, gr });
    });
  }

  setPosition(seconds) {
    this.position = seconds;
    this.positionAt = performance.now();
  }

  trackChanged(address, change, kind = 'track') {
    const id = Number(address.split('/')[2]);
    const t = this.track(id);
    if (!t) return;
    change(t);
    this.emit(kind, id);
  }

  clipChanged(address, args) {
    this.trackChanged(address, (t) => {
      const clip = (t.clip ??= {});
      switch (address.split('/')[5]) {
        case 'gain': clip.gain = args[0]; break;
        case 'fadein': clip.fadeIn = args[0]; clip.fadeInShape = args[1] ?? clip.fadeInShape; break;
        case 'fadeout': clip.fadeOut = args[0]; clip.fadeOutShape = args[1] ?? clip.fadeOutShape; break;
        case 'trim': clip.trim = args[0]; clip.length = args.length > 1 ? args[1] : undefined; break;
        case 'move': t.position = args[0]; break;
      }
    }, 'timeline');
  }

  // `/strip/<id>/<control…> value…`: the state takes it, then the strip's views.
  stripChanged(address, args) {
    const parts = address.split('/').slice(1);
    const id = parts[0] === 'master' ? 'master' : parts[1] === 'master' ? 'master' : Number(parts[1]);
    const path = parts.slice(parts[0] === 'master' ? 1 : 2);
    const strip = this.strip(id);
    if (!strip || path.length === 0) return;
    const value = args[0];
    const [head, ...rest] = path;
    if (head === 'preset') return this.reload();  // it changed many controls at once
    if (head === 'fader') strip.gain = positionToDB(value);
    else if (head === 'send' && rest.length >= 1) {
      const bus = Number(rest[0]);
      strip.sends ??= [];
      let send = strip.sends.find((s) => s.bus === bus);
      if (!send) strip.sends.push(send = { bus });
      send.gain = args[0]; send.preFader = !!args[1];
    } else if (head === 'eq' && rest.length === 2) {
      const band = ((strip.eq ??= { bands: {} }).bands[rest[0]] ??= {});
      band[rest[1]] = value;
    } else if (['eq', 'comp', 'gate', 'reverb', 'delay'].includes(head) && rest.length === 1) {
      (strip[head] ??= {})[rest[0]] = value;
    } else if (head === 'inserts') {
      strip.inserts = args;
    } else if (path.length === 1) {
      const key = { solosafe: 'soloSafe' }[head] ?? head;
      strip[key] = ['mute', 'solo', 'solosafe', 'invert'].includes(head) ? !!value : value;
    }
    this.emit('strip', id);
  }

  // The track's takes (`/track/<id>/takes` answers `/takes` each, then `/takes.end`).
  async fetchTakes(track) {
    const list = [];
    await new Promise((resolve) => {
      const collect = ([t, n, path, start, length], address) => {
        if (t !== track) return;
        if (address === '/takes') list.push({ n, path, start, length });
        else finish();
      };
      const finish = () => {
        clearTimeout(timer);
        this.link.off(collect);
        resolve();
      };
      const timer = setTimeout(finish, 3000);
      this.link.on(/^\/takes(\.end)?$/, collect);
      this.link.send(`/track/${track}/takes`);
    });
    this.takes.set(track, list);
    this.emit('takes', track);
  }

  overview(path) {
    if (!this.overviews.has(path)) {
      this.overviews.set(path, fetch(`/overview?path=${encodeURIComponent(path)}`).then(async (r) => {
        if (!r.ok) throw new Error(await r.text());
        const rate = Number(r.headers.get('X-Sample-Rate'));
        const frames = Number(r.headers.get('X-Frames'));
        const fpp = Number(r.headers.get('X-Frames-Per-Peak'));
        return { rate, frames, fpp, seconds: frames / rate, peaks: new Int8Array(await r.arrayBuffer()) };
      }).catch((e) => { this.overviews.delete(path); throw e; }));
    }
    return this.overviews.get(path);
  }

  // A take's file changes while it records: forget what was drawn of it.
  forgetOverview(path) { this.overviews.delete(path); }

  midiNotes(path) {
    if (!this.notes.has(path)) {
      this.notes.set(path, fetch(`/notes?path=${encodeURIComponent(path)}`).then((r) => r.ok ? r.json() : []));
    }
    return this.notes.get(path);
  }
}
