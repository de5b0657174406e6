// The studio page: one connection, one store, four views, one drawing loop.
import { Link } from './link.js';
import { Store } from './store.js';
import { Mixer } from './mixer.js';
import { Transport } from './transport.js';
import { Timeline } from './timeline.js';
import { Singer } from './singer.js';

const link = new Link();
const store = new Store(link);
const transport = new Transport(document.getElementById('transport'), link, store);
const mixer = new Mixer(document.getElementById('mixer'), document.getElementById('strip-detail'), link, store);
const timeline = new Timeline(document.getElementById('timeline'), link, store);
const singer = new Singer(document.getElementById('singer'), link, store);
window.dawg = { link, store, mixer, timeline, singer };  // for the console (and the tests)

const status = document.getElementById('link-status');
link.onStatus = (s) => {
  status.textContent = s === 'up' ? 'connected' : 'reconnecting…';
  status.className = `status ${s}`;
  if (s !== 'up') return;
  // Feedback at the display's pace; then everything there is to show.
  link.send('/feedback/subscribe', 60);
  link.send('/state');
  link.send('/transport');
  link.send('/record');
};
const down = document.getElementById('audio-down');
link.on('/audio', ([state, reason]) => {
  down.hidden = state !== 'down';
  down.textContent = state === 'down' ? `audio is down: ${reason ?? ''} — the engine keeps its state and reconnects` : '';
});
link.on('/error', ([address, message]) => {
  status.textContent = `${address}: ${message}`;
  status.className = 'status error';
  clearTimeout(status.timer);
  status.timer = setTimeout(() => { status.textContent = link.open ? 'connected' : 'reconnecting…'; status.className = `status ${link.open ? 'up' : 'down'}`; }, 4000);
});

let view = 'mixer';
function show() {
  view = (location.hash || '#mixer').slice(1);
  if (!['mixer', 'timeline', 'singer'].includes(view)) view = 'mixer';
  for (const v of ['mixer', 'timeline', 'singer']) document.getElementById(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.view === view);
}
window.addEventListener('hashchange', show);
show();

function frame() {
  transport.draw();
  if (view === 'mixer') mixer.draw();
  if (view === 'timeline') timeline.draw();
  if (view === 'singer') singer.draw();
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
