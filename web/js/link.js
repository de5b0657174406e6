// The page's connection to dawg: the OSC address space as JSON over the WebSocket at
// /ws (docs/osc.md). Reconnects by itself; every view listens by address.

export class Link {
  constructor(url = Link.defaultURL()) {
    this.url = url;
    this.handlers = [];       // { match(address) → bool, fn(args, address) }
    this.typed = [];          // fn(object) for {"type": …} messages
    this.onStatus = () => {};
    this.retry = 250;
    this.connect();
  }

  static defaultURL() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/ws`;
  }

  connect() {
    this.ws = new WebSocket(this.url);
    this.ws.onopen = () => { this.retry = 250; this.onStatus('up'); };
    this.ws.onclose = () => {
      this.onStatus('down');
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 5000);
    };
    this.ws.onmessage = (event) => {
      const data = JSON.parse(event.data);  // one message, or an array of them
      for (const m of Array.isArray(data) ? data : [data]) this.receive(m);
    };
  }

  get open() { return this.ws && this.ws.readyState === WebSocket.OPEN; }

  send(address, ...args) {
    if (this.open) this.ws.send(JSON.stringify({ address, args }));
  }

  // `pattern`: an address, or a RegExp, or a function of the address.
  on(pattern, fn) {
    const match = typeof pattern === 'string' ? (a) => a === pattern
      : pattern instanceof RegExp ? (a) => pattern.test(a) : pattern;
    this.handlers.push({ match, fn });
  }

  off(fn) { this.handlers = this.handlers.filter((h) => h.fn !== fn); }

  onTyped(fn) { this.typed.push(fn); }

  receive(m) {
    if (m.type) { for (const fn of this.typed) fn(m); return; }
    const { address, args } = m;
    for (const h of this.handlers) if (h.match(address)) h.fn(args, address);
  }
}
