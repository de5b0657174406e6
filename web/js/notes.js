// Notes and frequencies, equal temperament.
const names = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

export function hzToMidi(hz, a4 = 440) { return 69 + 12 * Math.log2(hz / a4); }
export function noteName(midi) {
  const n = Math.round(midi);
  return names[((n % 12) + 12) % 12] + (Math.floor(n / 12) - 1);
}

// Semitones of each scale from its key, for the singer's scale lines (the coach's
// scales, Sources/Analysis/Coach/Scale.swift).
export const scales = {
  major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10],
  'harmonic-minor': [0, 2, 3, 5, 7, 8, 11], 'melodic-minor': [0, 2, 3, 5, 7, 9, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10], phrygian: [0, 1, 3, 5, 7, 8, 10], lydian: [0, 2, 4, 6, 7, 9, 11],
  mixolydian: [0, 2, 4, 5, 7, 9, 10], ionian: [0, 2, 4, 5, 7, 9, 11], aeolian: [0, 2, 3, 5, 7, 8, 10],
  'natural-minor': [0, 2, 3, 5, 7, 8, 10],
  'pentatonic-major': [0, 2, 4, 7, 9], 'pentatonic-minor': [0, 3, 5, 7, 10], blues: [0, 3, 5, 6, 7, 10],
  chromatic: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};

export function keyPitchClass(key) {
  const k = String(key).replace('♯', '#').replace('♭', 'b');
  const base = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 }[k[0]?.toUpperCase()];
  if (base === undefined) return 0;
  return (base + (k[1] === '#' ? 1 : k[1] === 'b' ? -1 : 0) + 12) % 12;
}
