// Small widgets shared by the views: a range with its readout, a toggle button.

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// A slider over [min, max] (logarithmic when `log`), sending `send(value)` as it
// moves (at most every 30 ms) and when it is let go. `set(value)` moves it, unless a
// hand is on it.
export function slider({ min, max, log = false, step = 0, value, format = (v) => v.toFixed(1), send, label, dataset }) {
  const toPos = (v) => log ? Math.log(v / min) / Math.log(max / min) : (v - min) / (max - min);
  const fromPos = (p) => {
    const v = log ? min * Math.pow(max / min, p) : min + p * (max - min);
    return step ? Math.round(v / step) * step : v;
  };
  const input = el('input', { type: 'range', min: 0, max: 1, step: 0.001, dataset: dataset ?? {} });
  const readout = el('span', { class: 'readout' });
  const wrap = el('label', { class: 'param' }, el('span', { class: 'name' }, label), input, readout);
  let held = false, last = 0, timer = null;
  const fire = () => { timer = null; last = performance.now(); send(fromPos(Number(input.value))); };
  input.addEventListener('pointerdown', () => { held = true; });
  input.addEventListener('pointerup', () => { held = false; });
  input.addEventListener('input', () => {
    readout.textContent = format(fromPos(Number(input.value)));
    const wait = 30 - (performance.now() - last);
    if (wait <= 0) fire(); else timer ??= setTimeout(fire, wait);
  });
  input.addEventListener('change', () => { held = false; clearTimeout(timer); fire(); });
  const set = (v) => {
    readout.textContent = format(v);
    if (!held) input.value = String(Math.max(0, Math.min(1, toPos(v))));
  };
  set(value);
  return { element: wrap, input, set };
}

export function toggle(text, { title, send, dataset, cls = '' }) {
  const b = el('button', { class: `toggle ${cls}`, title: title ?? text, dataset: dataset ?? {}, 'aria-pressed': 'false' }, text);
  b.addEventListener('click', () => send(b.getAttribute('aria-pressed') !== 'true'));
  return { element: b, set: (on) => b.setAttribute('aria-pressed', on ? 'true' : 'false') };
}
