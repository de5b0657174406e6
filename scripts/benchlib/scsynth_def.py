"""A SuperCollider SynthDef in binary form (SCgf version 2), written without sclang:
the same work a dawg track does, file playback → gain → constant-power pan → stereo
out.  SynthDef("dawgbench", { |buf, amp, pan| Out.ar(0, Pan2.ar(PlayBuf.ar(1, buf,
loop: 1) * amp, pan)) })"""
import struct

CONTROL, AUDIO = 1, 2


def pstring(s):
    b = s.encode()
    return struct.pack(">B", len(b)) + b


def ugen(name, rate, inputs, outputs, special=0):
    out = pstring(name) + struct.pack(">bii h".replace(" ", ""), rate, len(inputs), len(outputs), special)
    for u, i in inputs:
        out += struct.pack(">ii", u, i)
    for r in outputs:
        out += struct.pack(">b", r)
    return out


def synthdef(eq=None, comp=None):
    """The bench SynthDef; with `eq` ([(kind, Hz, Q, dB)], kinds lowshelf, peakN,
    highshelf) and `comp` (threshold dB, ratio, attack and release ms) the file's
    samples go through BLowShelf/BPeakEQ/BHiShelf and a Compander before the gain:
    the same work as a dawg track with a 5-band EQ and a compressor."""
    constants = [1.0, 0.0]
    one, zero = (-1, 0), (-1, 1)

    def const(v):
        if float(v) not in constants:
            constants.append(float(v))
        return (-1, constants.index(float(v)))

    params = [0.0, 1.0, 0.0]                      # buf, amp, pan
    names = [("buf", 0), ("amp", 1), ("pan", 2)]
    ugens = [
        ugen("Control", CONTROL, [], [CONTROL] * 3),
        ugen("PlayBuf", AUDIO, [(0, 0), one, one, zero, one, zero], [AUDIO]),   # buf, rate, trig, start, loop, done
    ]
    signal = (1, 0)
    for kind, freq, q, db in eq or []:
        name = "BLowShelf" if kind == "lowshelf" else "BHiShelf" if kind == "highshelf" else "BPeakEQ"
        ugens.append(ugen(name, AUDIO, [signal, const(freq), const(1 / q), const(db)], [AUDIO]))  # in, freq, rq|rs, db
        signal = (len(ugens) - 1, 0)
    if comp:
        thresh = 10 ** (comp["threshold"] / 20)
        ugens.append(ugen("Compander", AUDIO, [signal, signal, const(thresh), one, const(1 / comp["ratio"]),
                                                const(comp["attack"] / 1000), const(comp["release"] / 1000)], [AUDIO]))
        signal = (len(ugens) - 1, 0)
    ugens.append(ugen("BinaryOpUGen", AUDIO, [signal, (0, 1)], [AUDIO], special=2))      # * amp
    gained = len(ugens) - 1
    ugens.append(ugen("Pan2", AUDIO, [(gained, 0), (0, 2), one], [AUDIO, AUDIO]))
    panned = len(ugens) - 1
    ugens.append(ugen("Out", AUDIO, [zero, (panned, 0), (panned, 1)], []))
    body = pstring("dawgbench")
    body += struct.pack(">i", len(constants)) + b"".join(struct.pack(">f", c) for c in constants)
    body += struct.pack(">i", len(params)) + b"".join(struct.pack(">f", p) for p in params)
    body += struct.pack(">i", len(names)) + b"".join(pstring(n) + struct.pack(">i", i) for n, i in names)
    body += struct.pack(">i", len(ugens)) + b"".join(ugens)
    body += struct.pack(">h", 0)                  # no variants
    return b"SCgf" + struct.pack(">ih", 2, 1) + body
