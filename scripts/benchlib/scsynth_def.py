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


def synthdef():
    constants = [1.0, 0.0]
    one, zero = (-1, 0), (-1, 1)
    params = [0.0, 1.0, 0.0]                      # buf, amp, pan
    names = [("buf", 0), ("amp", 1), ("pan", 2)]
    ugens = [
        ugen("Control", CONTROL, [], [CONTROL] * 3),
        ugen("PlayBuf", AUDIO, [(0, 0), one, one, zero, one, zero], [AUDIO]),   # buf, rate, trig, start, loop, done
        ugen("BinaryOpUGen", AUDIO, [(1, 0), (0, 1)], [AUDIO], special=2),      # * amp
        ugen("Pan2", AUDIO, [(2, 0), (0, 2), one], [AUDIO, AUDIO]),
        ugen("Out", AUDIO, [zero, (3, 0), (3, 1)], []),
    ]
    body = pstring("dawgbench")
    body += struct.pack(">i", len(constants)) + b"".join(struct.pack(">f", c) for c in constants)
    body += struct.pack(">i", len(params)) + b"".join(struct.pack(">f", p) for p in params)
    body += struct.pack(">i", len(names)) + b"".join(pstring(n) + struct.pack(">i", i) for n, i in names)
    body += struct.pack(">i", len(ugens)) + b"".join(ugens)
    body += struct.pack(">h", 0)                  # no variants
    return b"SCgf" + struct.pack(">ih", 2, 1) + body
