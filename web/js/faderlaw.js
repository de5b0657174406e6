// The fader law of docs/osc.md (position 0 … 1 → dB), piecewise linear between these
// points; −inf at exactly 0.
const points = [[0, -90], [0.0625, -60], [0.25, -30], [0.5, -12], [0.75, 0], [1, 12]];

export function positionToDB(p) {
  if (p <= 0) return -Infinity;
  for (let i = 1; i < points.length; i++) {
    const [p1, d1] = points[i];
    if (p <= p1) {
      const [p0, d0] = points[i - 1];
      return d0 + (d1 - d0) * (p - p0) / (p1 - p0);
    }
  }
  return 12;
}

export function dbToPosition(db) {
  if (db === null || db === -Infinity || db <= -90) return 0;
  for (let i = 1; i < points.length; i++) {
    const [p1, d1] = points[i];
    if (db <= d1) {
      const [p0, d0] = points[i - 1];
      return p0 + (p1 - p0) * (db - d0) / (d1 - d0);
    }
  }
  return 1;
}

export function formatDB(db) {
  if (db === null || db === undefined || db === -Infinity || db <= -90) return '−∞';
  return (db > 0 ? '+' : db < 0 ? '−' : '') + Math.abs(db).toFixed(1);
}
