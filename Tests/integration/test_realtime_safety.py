"""Zero allocations, frees, locks, waits, sleeps, I/O and page faults on the process
thread, counted by an LD_PRELOAD shim around the running engine while it plays, edits its
graph, loads files, follows JACK transport and takes an OSC storm, with studio pages
on the WebSocket reading feedback at 60 Hz and moving faders."""
import json
import subprocess
import threading
import time
import urllib.request

import jack
import mido
import pytest
import websockets.sync.client as wsclient

from helpers import Dawg, Peer, REPO

SHIM_SOURCE = REPO / "Tests" / "rtcheck" / "rtcheck.c"
# Armed input tracks recording throughout the busy session.
RECORDED = 32


@pytest.fixture(scope="module")
def shim(tmp_path_factory):
    out = tmp_path_factory.mktemp("rtcheck") / "rtcheck.so"
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(out), str(SHIM_SOURCE), "-ldl", "-ljack"], check=True)
    return str(out)


def run_under_shim(jackd, project, shim, tmp_path, workload, canary=False, inputs=2, extra=()):
    report = tmp_path / ("canary.json" if canary else "rt.json")
    env = {"RTCHECK_OUT": str(report)}
    if canary:
        env["RTCHECK_CANARY"] = "1"
    d = Dawg(jackd.name, project, env=env, preload=shim, inputs=inputs, extra=extra)
    try:
        workload(d)
    finally:
        assert d.stop() == 0, d.log()
    return json.loads(report.read_text())


def dense_midi(path):
    """Four seconds of sixteenth-note drums (channel 10), chords on a sustain pedal,
    and a bass with pitch bends: every kind of message a MIDI track plays."""
    f = mido.MidiFile(type=0, ticks_per_beat=480)
    t = mido.MidiTrack()
    f.tracks.append(t)
    events = [(0, mido.Message("program_change", program=0, channel=0)), (0, mido.Message("program_change", program=33, channel=1))]
    for step in range(32):
        at = step * 120
        events += [(at, mido.Message("note_on", channel=9, note=(36, 42, 38, 42)[step % 4], velocity=90)),
                   (at + 60, mido.Message("note_off", channel=9, note=(36, 42, 38, 42)[step % 4]))]
        events += [(at, mido.Message("pitchwheel", channel=1, pitch=(step % 8) * 1000 - 4000))]
        if step % 4 == 0:
            events += [(at, mido.Message("control_change", channel=0, control=64, value=127))]
            events += [(at, mido.Message("note_on", channel=0, note=n + step % 12, velocity=70)) for n in (60, 64, 67)]
            events += [(at + 400, mido.Message("note_off", channel=0, note=n + step % 12)) for n in (60, 64, 67)]
            events += [(at + 470, mido.Message("control_change", channel=0, control=64, value=0))]
            events += [(at, mido.Message("note_on", channel=1, note=36 + step % 12, velocity=100)),
                       (at + 440, mido.Message("note_off", channel=1, note=36 + step % 12))]
    now = 0
    for at, m in sorted(events, key=lambda e: e[0]):
        t.append(m.copy(time=at - now))
        now = at
    f.save(path)


class Pages:
    """Studio pages on the WebSocket while the session runs: subscribed at 60 Hz and
    reading, one of them also moving faders, and waveform overviews fetched."""

    def __init__(self, d, count=3):
        self.stop = threading.Event()
        self.frames = [0] * count
        self.threads = [threading.Thread(target=self.page, args=(d, i), daemon=True) for i in range(count)]
        for t in self.threads:
            t.start()

    def page(self, d, i):
        with wsclient.connect(f"ws://127.0.0.1:{d.http_port}/ws", max_size=None) as ws:
            ws.send(json.dumps({"address": "/feedback/subscribe", "args": [60]}))
            n = 0
            while not self.stop.is_set():
                if i == 0 and n % 20 == 0:
                    ws.send(json.dumps({"address": "/master/gain", "args": [-float(n % 12)]}))
                    urllib.request.urlopen(f"http://127.0.0.1:{d.http_port}/overview?path=stereo.wav", timeout=5).read()
                try:
                    ws.recv(timeout=0.5)
                    self.frames[i] += 1
                except TimeoutError:
                    pass
                n += 1

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(5)


def busy_session(jackd, d):
    p = Peer(d.osc_port)
    other = jack.Client("daw-rt", servername=jackd.name, no_start_server=True)
    other.activate()
    pages = Pages(d)
    try:
        p.request("/feedback/subscribe", 100.0, reply="/feedback/subscribed")
        tracks = []
        for i in range(6):
            t, _ = p.request("/track/add", f"t{i}", reply="/track/added")
            tracks.append(t)
            p.send(f"/track/{t}/load", "noise.wav" if i % 2 else "stereo.wav", float(i) * 0.1)
        bus, _ = p.request("/bus/add", "fx", reply="/bus/added")
        group, _ = p.request("/bus/add", "group", reply="/bus/added")
        p.send(f"/bus/{bus}/output", group)
        p.send(f"/track/{tracks[0]}/input", 1)
        # Every processor on every strip: all EQ bands, the gate and the compressor,
        # one of them keyed by another track.
        for s in [str(t) for t in tracks] + [str(bus), str(group), "master"]:
            base = "/master" if s == "master" else f"/strip/{s}"
            for band in ("hpf", "lowshelf", "peak1", "peak2", "peak3", "peak4", "highshelf", "lpf"):
                p.send(f"{base}/eq/{band}/on", 1)
            p.send(f"{base}/eq/hpf/slope", 24)
            p.send(f"{base}/comp/on", 1)
            p.send(f"{base}/comp/threshold", -30.0)
            p.send(f"{base}/gate/on", 1)
            p.send(f"{base}/loudness", 1)  # a BS.1770 meter on every strip (the master's is on anyway)
        for b in (bus, group):
            p.send(f"/bus/{b}/reverb/on", 1)
            p.send(f"/bus/{b}/delay/on", 1)
            p.send(f"/bus/{b}/delay/pingpong", 1)
        # 32 armed inputs, recording every loop pass as a take.
        armed = []
        for k in range(RECORDED):
            t, _ = p.request("/track/add", f"in{k}", reply="/track/added")
            p.send(f"/track/{t}/input", k + 1)
            p.send(f"/track/{t}/arm", 1)
            armed.append(t)
        p.send("/record/enable", 1)
        # MIDI tracks through the General MIDI synth and out of their JACK MIDI ports.
        midi = []
        for k in range(3):
            t, _ = p.request("/track/add", f"midi{k}", reply="/track/added")
            p.send(f"/track/{t}/midi", "dense.mid", 0.05 * k)
            midi.append(t)
        # Live pitch trackers on four file tracks and four armed inputs.
        for t in tracks[:4] + armed[:4]:
            p.send("/pitch/enable", t, 1)
        p.sync()
        p.drain(0.1)  # the switches' own feedback
        assert p.request("/pitch/enable", armed[3], reply="/pitch/enable") == [armed[3], 1]
        p.send(f"/strip/{tracks[1]}/comp/sidechain", tracks[2])
        p.send(f"/strip/{tracks[3]}/preset", "vocal")
        p.send("/transport/loop", 0.2, 0.9)
        p.send("/transport/play")
        p.sync(timeout=20)
        deadline = time.time() + 6
        i = 0
        while time.time() < deadline:
            t = tracks[i % len(tracks)]
            p.send(f"/strip/{t}/gain", -float(i % 30))
            p.send(f"/strip/{t}/pan", ((i % 21) - 10) / 10)
            p.send(f"/strip/{t}/mute", i % 2)
            p.send(f"/strip/{t}/solo", (i // 7) % 2)
            p.send(f"/strip/{t}/send/{bus}", -float(i % 20))
            p.send(f"/strip/{t}/send/{bus}/pre", (i // 3) % 2)
            p.send("/strip/9999/gain", float("nan"))       # refused
            if i % 50 == 0:
                p.send(f"/strip/{t}/loudness/reset")
            p.send(f"/strip/{t}/gain", "loud")             # refused
            p.send_raw(b"\x00garbage")                     # refused
            p.bundle(time.time() + 0.05, [(f"/strip/{t}/invert", [i % 2])])
            p.send(f"/strip/{t}/eq/peak{1 + i % 4}/freq", 100.0 + (i % 50) * 150)
            p.send(f"/strip/{t}/eq/peak{1 + i % 4}/gain", float(i % 25 - 12))
            p.send(f"/strip/{t}/eq/lpf/slope", 12 if i % 2 else 24)
            p.send(f"/strip/{t}/comp/ratio", 1.0 + i % 10)
            p.send(f"/strip/{t}/comp/detect", "rms" if i % 2 else "peak")
            p.send(f"/strip/{t}/gate/threshold", -float(30 + i % 30))
            p.send(f"/master/eq/peak2/gain", float(i % 7 - 3))
            p.send(f"/bus/{bus}/reverb/size", 0.5 + (i % 16) / 10)
            p.send(f"/bus/{bus}/reverb/decay", 0.5 + i % 5)
            p.send(f"/bus/{group}/delay/note", ("1/4", "1/8d", "1/16t")[i % 3])
            p.send("/transport/tempo", 90.0 + i % 60)
            p.send(f"/track/{midi[i % len(midi)]}/program", i % 128)
            p.send(f"/track/{tracks[2]}/clip/1/gain", -float(i % 12))   # clip edits while it plays
            if i % 7 == 0:
                p.send(f"/track/{tracks[2]}/clip/1/fadein", 0.05 * (i % 5), ("linear", "equal-power", "s-curve")[i % 3])
                p.send(f"/track/{tracks[2]}/clip/1/trim", 0.01 * (i % 10))
            if i % 7 == 3:                                  # a streamed file's clip: read into its second lane
                p.send(f"/track/{tracks[1]}/clip/1/gain", -float(i % 12))
                p.send(f"/track/{tracks[1]}/clip/1/trim", 0.01 * (i % 10))
            if i % 40 == 20:
                p.send(f"/strip/{t}/inserts", "comp", "eq", "gate")
                p.send(f"/strip/{t}/eq/on", i % 80 // 40)
                p.send(f"/strip/{t}/comp/sidechain", tracks[(i + 1) % len(tracks)])
            if i % 50 == 0:                                 # graph edits while playing
                n, _ = p.request("/track/add", "extra", reply="/track/added")
                p.send(f"/track/{n}/load", "noise44k.wav")
                p.send(f"/track/{n}/remove")
                m, _ = p.request("/track/add", "extra midi", reply="/track/added")
                p.send(f"/track/{m}/midi", "dense.mid")
                p.send(f"/track/{m}/remove")
                b2, _ = p.request("/bus/add", "b2", reply="/bus/added")
                p.send(f"/bus/{b2}/remove")
                p.send("/patch/save", "rt.json")
            if i % 30 == 15:                                # the recorder: arm, record, punch
                p.send(f"/track/{armed[i % RECORDED]}/arm", (i // 30) % 2)
            if i % 200 == 100:
                p.send("/record/enable", 0)
                p.send("/record/punch", 0.3, 0.7)
                p.send("/record/enable", 1)
            if i % 200 == 0:
                p.send("/record/punch/off")
            if i % 80 == 0:                                 # another client moves JACK transport
                other.transport_frame = 4800 * (i % 7)
            if i % 120 == 60:
                p.send("/patch/load", "rt.json")
            if i % 10 == 0:
                time.sleep(0.01)
            i += 1
        p.sync(timeout=30)
        assert min(pages.frames) > 100, f"the pages were reading feedback: {pages.frames} frames"
        return i
    finally:
        pages.close()
        other.deactivate()
        other.close()
        p.close()


def test_process_thread_makes_no_allocation_lock_or_io(jackd, project, shim, tmp_path):
    dense_midi(project / "dense.mid")
    result = run_under_shim(jackd, project, shim, tmp_path, lambda d: busy_session(jackd, d),
                            inputs=RECORDED, extra=("--record-buffer", "1", "--stream-threshold", "2"))  # noise.wav (4 s) streams
    assert len(list((project / "takes").glob("*/*.wav"))) >= RECORDED, "the recorder was running"
    assert result["cycles"] > 1000, result
    assert all(v == 0 for v in result["counts"].values()), result
    assert result["page_faults"] == 0, result


def test_the_shim_catches_an_allocation_and_a_page_fault(jackd, project, shim, tmp_path):
    # The same shim, told to allocate once inside the callback and, once warmed up, to
    # write a page nobody has touched, must see both.
    result = run_under_shim(jackd, project, shim, tmp_path, lambda d: time.sleep(2), canary=True)
    assert result["counts"]["malloc"] >= 1 and result["counts"]["free"] >= 1, result
    assert result["page_faults"] >= 1, result
