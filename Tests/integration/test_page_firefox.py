"""The studio page in Firefox (ESR, headless, driven over WebDriver BiDi by bidi.py):
the mixer moves the engine and the engine moves the mixer at a laptop's and a tablet's
size, a clip is dragged on the timeline with a real pointer, and a tone sung into an
input shows its note and cents in the singer's view — what test_page.py proves in
Chromium. Screenshots go to .build/artifacts/."""
import json
import time

import numpy as np
import pytest

from bidi import Firefox
from helpers import RATE, Dawg, Peer, write_wav
from pagehelpers import ARTIFACTS, fader_law, singer, until, write_patch

LAPTOP, TABLET = (1280, 860), (768, 1024)


@pytest.fixture(scope="module")
def firefox():
    f = Firefox(width=LAPTOP[0], height=LAPTOP[1])
    yield f
    f.close()


def open_page(firefox, dawg, view, size=LAPTOP):
    firefox.resize(*size)
    firefox.get("about:blank")
    firefox.events.clear()
    firefox.get(f"http://127.0.0.1:{dawg.http_port}/#{view}")
    until(lambda: firefox.run("document.getElementById('link-status').textContent") == "connected", 15)
    until(lambda: firefox.run("window.dawg.store.state !== null"), 10)


def text_of(firefox, css):
    return firefox.run(f"document.querySelector({json.dumps(css)})?.textContent ?? null")


def shot(firefox, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"firefox-{name}.png"
    firefox.screenshot(path)
    return path


def fits_the_width(firefox):
    """Nothing pokes out sideways: the document is no wider than the window (the mixer
    scrolls inside its own row)."""
    return firefox.run("document.documentElement.scrollWidth <= window.innerWidth")


def test_in_firefox_the_mixer_moves_the_engine_and_back_on_a_laptop_and_a_tablet(jackd, project, firefox):
    patch = write_patch(project, [{"id": 1, "name": "noise", "file": "noise.wav", "strip": {"gain": -6}},
                                  {"id": 2, "name": "vox", "input": 1}],
                        transport={"loop": True, "loopStart": 0, "loopEnd": 4, "play": True})
    dawg = Dawg(jackd.name, project, patch=patch)
    peer = Peer(dawg.osc_port)
    try:
        open_page(firefox, dawg, "mixer")
        assert abs(float(firefox.run("document.querySelector('[data-fader=\"1\"]').value")) - fader_law(-6)) < 0.002
        assert text_of(firefox, '[data-gain="1"]') == "−6.0"
        firefox.click_at('[data-fader="1"]', 0, -70)  # well above where it is
        until(lambda: peer.request("/strip/1/gain")[0] > 0, 3)
        gain = peer.request("/strip/1/gain")[0]
        until(lambda: text_of(firefox, '[data-gain="1"]') == f"+{gain:.1f}", 3)
        peer.send("/strip/1/gain", -20.0)
        until(lambda: text_of(firefox, '[data-gain="1"]') == "−20.0", 3)
        assert abs(float(firefox.run("document.querySelector('[data-fader=\"1\"]').value")) - fader_law(-20)) < 0.002
        until(lambda: firefox.run("(window.dawg.store.meters.get(1)?.peak ?? -200) > -60"), 3)
        assert fits_the_width(firefox)
        time.sleep(0.3)
        print(f"screenshot: {shot(firefox, 'mixer')}")

        # A tablet, upright: the same page fits, and its buttons still work.
        open_page(firefox, dawg, "mixer", TABLET)
        assert fits_the_width(firefox)
        firefox.click_at('[data-mute="2"]')
        until(lambda: peer.request("/strip/2/mute") == [1], 3)
        peer.send("/strip/2/solo", 1)
        until(lambda: firefox.run("document.querySelector('[data-solo=\"2\"]').getAttribute('aria-pressed')") == "true", 3)
        for view in ["timeline", "singer"]:
            firefox.run(f"location.hash = '#{view}'")
            time.sleep(0.2)
            assert fits_the_width(firefox), view
        firefox.run("location.hash = '#mixer'")
        time.sleep(0.3)
        print(f"screenshot: {shot(firefox, 'mixer-tablet')}")
        assert not firefox.errors(), firefox.errors()
    finally:
        peer.close()
        assert dawg.stop() == 0, dawg.log()


def test_in_firefox_a_clip_is_dragged_on_the_timeline(jackd, project, firefox):
    write_wav(project / "ramp.wav", [list(np.linspace(-0.8, 0.8, RATE * 2))])
    patch = write_patch(project, [{"id": 1, "name": "ramp", "file": "ramp.wav", "position": 1.0}])
    dawg = Dawg(jackd.name, project, patch=patch)
    peer = Peer(dawg.osc_port)
    try:
        open_page(firefox, dawg, "timeline")
        firefox.run("(() => { const t = window.dawg.timeline; t.scroll = 0; t.pps = 100; })()")
        until(lambda: firefox.run("window.dawg.timeline.loaded.get('ramp.wav')?.peaks.length > 0"), 5)
        width, height = firefox.run("(() => { const r = document.querySelector('.tl-canvas').getBoundingClientRect(); return [r.width, r.height]; })()")
        lane = 28 + 40  # the first lane, below the ruler
        firefox.drag(".tl-canvas", 150 - width / 2, lane - height / 2, 200)  # the clip's body, 2 s later
        def track1():
            return next(t for t in json.loads(peer.request("/state", reply="/state.reply")[0])["tracks"] if t["id"] == 1)
        until(lambda: abs(track1().get("position", 0) - 3.0) < 0.02, 3)
        time.sleep(0.3)
        print(f"screenshot: {shot(firefox, 'timeline')}")
        assert not firefox.errors(), firefox.errors()
    finally:
        peer.close()
        assert dawg.stop() == 0, dawg.log()


def test_in_firefox_the_singers_view_shows_the_note_and_cents(jackd, project, firefox):
    flat = -20  # cents below A4: out of tune
    dawg, peer, src = singer(jackd, project, flat)
    try:
        open_page(firefox, dawg, "singer")
        firefox.click_at("#singer-enable")
        until(lambda: peer.request("/pitch/enable", 1) == [1, 1], 3)
        until(lambda: text_of(firefox, "#singer-note") == "A4", 5)
        cents = []
        for _ in range(5):
            time.sleep(0.1)
            cents.append(float(firefox.run("document.getElementById('singer-cents').dataset.cents")))
        assert all(abs(c - flat) < 3 for c in cents), cents
        assert "in" not in firefox.run("document.getElementById('singer-light').className").split()
        until(lambda: firefox.run("document.querySelectorAll('#singer-messages li').length") > 0, 8)
        time.sleep(1.0)
        print(f"screenshot: {shot(firefox, 'singer')}")
        assert not firefox.errors(), firefox.errors()
    finally:
        src.close()
        peer.close()
        assert dawg.stop() == 0, dawg.log()
