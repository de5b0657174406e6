#!/usr/bin/env python3
"""The README's pictures of the studio page: dawg serve on the default patch under a
private jackd, a JACK client singing the patch's melody into input 1 (vibrato, a few
notes off), a take of it recorded and scored, and headless Chromium's screenshots of
the mixer, the timeline and the singer's view.

    .venv/bin/python scripts/screenshots.py [--out docs/images]
"""
import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import jack
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from helpers import Dawg, Jackd, Peer, RATE  # noqa: E402


class Singer:
    """Sings the reference melody where JACK transport is: each note at its pitch with a
    5.5 Hz vibrato of ±25 cents; every fifth note 30 cents flat."""

    def __init__(self, server, notes):
        self.notes = notes
        self.client = jack.Client("singer", servername=server, no_start_server=True)
        self.out = self.client.outports.register("out")
        self.phase = 0.0

        @self.client.set_process_callback
        def process(frames):
            state, pos = self.client.transport_query()
            t = pos["frame"] / RATE
            note = next((i for i, n in enumerate(self.notes) if n["start"] <= t < n["end"] - 0.03), None)
            if state != jack.ROLLING or note is None:
                self.out.get_array()[:] = 0
                return
            n = self.notes[note]
            cents = 25 * np.sin(2 * np.pi * 5.5 * (t + np.arange(frames) / RATE)) - (30 if note % 5 == 4 else 0)
            hz = 440 * 2 ** ((n["key"] - 69) / 12 + cents / 1200)
            phases = self.phase + np.cumsum(2 * np.pi * hz / RATE)
            self.phase = float(phases[-1]) % (2 * np.pi)
            self.out.get_array()[:] = (sum(np.sin(k * phases) / k for k in range(1, 7)) * 0.2).astype(np.float32)

        self.client.activate()
        self.client.connect(self.out, "dawg:in_1")

    def close(self):
        self.client.deactivate()
        self.client.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(REPO / "docs" / "images"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    project = Path(tempfile.mkdtemp(prefix="dawg-screenshots-"))
    shutil.copytree(REPO / "patches", project / "patches")  # the default patch and its files
    jackd = Jackd()
    dawg = Dawg(jackd.name, project, extra=["--log-level", "warning"])
    peer = Peer(dawg.osc_port)
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,820", "--hide-scrollbars"]:
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    notes = json.load(urllib.request.urlopen(f"http://127.0.0.1:{dawg.http_port}/notes?path=patches/midi/melody.mid"))
    melody = [n for n in notes if n["channel"] != 9 and n["track"] == min(m["track"] for m in notes if m["channel"] != 9)]
    singer = Singer(jackd.name, melody)
    try:
        base = f"http://127.0.0.1:{dawg.http_port}/"
        # A take of the singer, scored against the melody when it ends.
        peer.send("/transport/stop")
        peer.send("/transport/loop/off")
        peer.send("/transport/locate", 0.0)
        peer.send("/track/2/arm", 1)
        browser.get(base + "#singer")
        time.sleep(1)
        peer.send("/record/start")
        time.sleep(8.2)
        peer.send("/transport/stop")
        peer.send("/record/stop")  # the take is done; what follows is heard, not recorded
        deadline = time.time() + 20
        while time.time() < deadline and not browser.execute_script("return !!document.getElementById('singer-total')"):
            time.sleep(0.2)
        # Sung again along the melody, and looked at just before its end.
        peer.send("/transport/locate", 0.0)
        peer.send("/transport/play")
        time.sleep(7.4)
        browser.save_screenshot(str(out / "page-singer.png"))
        # The loop again, with the take on the timeline.
        peer.send("/track/2/arm", 0)
        peer.send("/transport/loop", 0.0, 8.0)
        browser.get(base + "#mixer")
        time.sleep(3)
        browser.save_screenshot(str(out / "page-mixer.png"))
        browser.get(base + "#timeline")
        time.sleep(1.5)
        browser.execute_script("window.dawg.timeline.fit()")
        time.sleep(0.5)
        browser.save_screenshot(str(out / "page-timeline.png"))
        print(f"wrote {', '.join(str(out / n) for n in ('page-mixer.png', 'page-timeline.png', 'page-singer.png'))}")
    finally:
        singer.close()
        browser.quit()
        peer.close()
        dawg.stop()
        jackd.stop()
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
