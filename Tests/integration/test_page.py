"""The studio page, driven in headless Chromium (selenium): the mixer moves the engine
and the engine moves the mixer, a take recorded from the page appears on its timeline
and can be chosen there, clips are edited by dragging, a tone sung into an input shows
its note and cents in the singer's view, and on an open bind nothing works without
the token. Screenshots go to .build/artifacts/ (listed at the end of the run)."""
import json
import re
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
import websockets
import websockets.sync.client as wsclient
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException

from helpers import RATE, Dawg, Peer, Source, write_wav
from pagehelpers import ARTIFACTS, fader_law, singer, until, write_patch

@pytest.fixture(scope="module")
def browser():
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,860"]:
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.implicitly_wait(0)
    yield d
    d.quit()


def open_page(browser, dawg, view, query=""):
    browser.get("about:blank")
    browser.get_log("browser")  # what the last test's page said as its dawg went away
    browser.get(f"http://127.0.0.1:{dawg.http_port}/{query}#{view}")
    until(lambda: browser.find_element(By.ID, "link-status").text == "connected", 10)
    until(lambda: browser.execute_script("return window.dawg.store.state !== null"), 10)


def shot(browser, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"page-{name}.png"
    browser.save_screenshot(str(path))
    return path


def page_errors(browser):
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]


def settled(action):
    """`action()` again if the page rebuilt the element between finding and using it."""
    for _ in range(20):
        try:
            return action()
        except StaleElementReferenceException:
            time.sleep(0.05)
    return action()


def text_of(browser, css):
    return settled(lambda: browser.find_element(By.CSS_SELECTOR, css).text)


def attribute(browser, css, name):
    return settled(lambda: browser.find_element(By.CSS_SELECTOR, css).get_attribute(name))


def click(browser, css):
    settled(lambda: browser.find_element(By.CSS_SELECTOR, css).click())


def test_the_mixer_moves_the_engine_and_the_engine_moves_the_mixer(jackd, project, browser):
    patch = write_patch(project, [{"id": 1, "name": "noise", "file": "noise.wav", "strip": {"gain": -6}},
                                  {"id": 2, "name": "vox", "input": 1}], transport={"loop": True, "loopStart": 0, "loopEnd": 4, "play": True})
    dawg = Dawg(jackd.name, project, patch=patch)
    peer = Peer(dawg.osc_port)
    try:
        assert re.search(rf"page http://127\.0\.0\.1:{dawg.http_port}/\s*$", "".join(dawg.stdout)), "the ready line gives the page's address"
        open_page(browser, dawg, "mixer")
        fader = browser.find_element(By.CSS_SELECTOR, '[data-fader="1"]')
        assert abs(float(fader.get_attribute("value")) - fader_law(-6)) < 0.002
        assert text_of(browser, '[data-gain="1"]') == "−6.0"
        # A hand on the fader, well above where it is: the engine's gain follows, and
        # the page shows the gain the engine has.
        ActionChains(browser).move_to_element_with_offset(fader, 0, -70).click().perform()
        def engine_gain():
            return peer.request("/strip/1/gain")[0]
        until(lambda: engine_gain() > 0, 3)
        gain = engine_gain()
        until(lambda: text_of(browser, '[data-gain="1"]') == f"+{gain:.1f}", 3)
        # Another surface moves it: the fader follows.
        peer.send("/strip/1/gain", -20.0)
        until(lambda: text_of(browser, '[data-gain="1"]') == "−20.0", 3)
        assert abs(float(fader.get_attribute("value")) - fader_law(-20)) < 0.002
        peer.send("/strip/1/fader", 0.5)
        until(lambda: text_of(browser, '[data-gain="1"]') == "−12.0", 3)
        # Mute and solo both ways; the compressor's threshold from OSC into the strip's panel.
        click(browser, '[data-mute="1"]')
        until(lambda: peer.request("/strip/1/mute") == [1], 3)
        peer.send("/strip/1/solo", 1)
        until(lambda: attribute(browser, '[data-solo="1"]', "aria-pressed") == "true", 3)
        click(browser, '[data-strip="1"] .strip-name')
        peer.send("/strip/1/comp/threshold", -30.0)
        until(lambda: "-30.0" in browser.find_element(By.ID, "strip-detail").text, 3)
        click(browser, '[data-mute="1"]')
        peer.send("/strip/1/solo", 0)
        peer.send("/strip/1/gain", -6.0)
        # Meters move with the loop playing.
        until(lambda: browser.execute_script("const m = window.dawg.store.meters.get(1); return !!m && m.peak > -40"), 3)
        time.sleep(0.3)
        print(f"screenshot: {shot(browser, 'mixer')}")
        # A tablet, upright: every view fits the width (the mixer scrolls in its row).
        browser.set_window_size(768, 1024)
        try:
            for view in ["mixer", "timeline", "singer"]:
                browser.execute_script(f"location.hash = '#{view}'")
                time.sleep(0.2)
                assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), view
        finally:
            browser.set_window_size(1280, 860)
        assert not page_errors(browser), page_errors(browser)
    finally:
        peer.close()
        assert dawg.stop() == 0, dawg.log()


def test_a_take_recorded_from_the_page_is_on_its_timeline_and_clips_are_edited_there(jackd, project, browser):
    write_wav(project / "ramp.wav", [list(np.linspace(-0.8, 0.8, RATE * 2))])
    patch = write_patch(project, [{"id": 1, "name": "ramp", "file": "ramp.wav", "position": 1.0},
                                  {"id": 2, "name": "vox", "input": 1}])
    dawg = Dawg(jackd.name, project, patch=patch)
    peer = Peer(dawg.osc_port)
    src = Source(jackd.name, lambda n: (0.3 * np.sin(2 * np.pi * 330 * np.asarray(n) / RATE)).astype(np.float32))
    try:
        open_page(browser, dawg, "mixer")
        click(browser, '[data-arm="2"]')
        until(lambda: peer.request("/track/2/arm") == [1], 3)
        click(browser, '[data-transport="record"]')
        until(lambda: peer.request("/record", reply="/record/state") == [1], 3)
        time.sleep(1.5)
        click(browser, '[data-transport="stop"]')
        browser.get(f"http://127.0.0.1:{dawg.http_port}/#timeline")
        until(lambda: browser.find_elements(By.CSS_SELECTOR, '[data-take="2:1"]'), 10)
        # Disarmed, the track plays take 1 when it is chosen on the timeline.
        peer.send("/track/2/arm", 0)
        click(browser, '[data-take="2:1"]')
        until(lambda: peer.request("/track/2/take") == [1], 5)
        until(lambda: attribute(browser, '[data-take="2:1"]', "aria-pressed") == "true", 3)
        # Its overview was drawn from the take's file.
        takes = browser.execute_script("return window.dawg.store.takes.get(2)")
        assert len(takes) == 1 and takes[0]["length"] > 1.0
        until(lambda: browser.execute_script(
            f"return window.dawg.timeline.loaded.get({json.dumps(takes[0]['path'])})?.peaks.length > 0"), 5)

        # The clip: drag its body 2 s later, its right edge 0.5 s in, its fade-in handle 0.25 s.
        browser.execute_script("const t = window.dawg.timeline; t.scroll = 0; t.pps = 100;")
        until(lambda: browser.execute_script("return window.dawg.timeline.loaded.get('ramp.wav')?.seconds === 2"), 5)
        canvas = browser.find_element(By.CSS_SELECTOR, ".tl-canvas")
        box = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", canvas)
        left, top = -box[0] / 2, -box[1] / 2  # offsets from the canvas's centre
        lane = 28 + 72 * 0 + 40  # the first lane, below the ruler
        def drag(x0, y0, dx):
            ActionChains(browser).move_to_element_with_offset(canvas, left + x0, top + y0).click_and_hold() \
                .move_by_offset(dx / 2, 0).move_by_offset(dx / 2, 0).release().perform()
        def track1():
            return next(t for t in json.loads(peer.request("/state", reply="/state.reply")[0])["tracks"] if t["id"] == 1)
        drag(150, lane, 200)
        until(lambda: abs(track1().get("position", 0) - 3.0) < 0.02, 3)
        drag(500, lane, -50)   # the clip now ends at 5 s: 500 px
        until(lambda: abs(track1().get("clip", {}).get("length", 0) - 1.5) < 0.02, 3)
        assert track1()["clip"].get("trim", 0) == 0
        drag(300, 28 + 6, 25)  # the fade-in handle sits at the clip's start, at the top
        until(lambda: abs(track1()["clip"].get("fadeIn", 0) - 0.25) < 0.02, 3)
        assert abs(track1()["position"] - 3.0) < 0.02, "a fade moves nothing else"
        drag(300, lane, 30)    # the left edge: trims the start, the audio stays where it was
        until(lambda: abs(track1()["clip"].get("trim", 0) - 0.3) < 0.02, 3)
        clip = track1()
        assert abs(clip["position"] - 3.3) < 0.02 and abs(clip["clip"]["length"] - 1.2) < 0.02, clip
        # The take the input track plays is a clip too: dragged 1 s later, its end trimmed.
        start = takes[0]["start"]
        def track2():
            return next(t for t in json.loads(peer.request("/state", reply="/state.reply")[0])["tracks"] if t["id"] == 2)
        drag(100 * start + 50, 28 + 72 + 40, 100)
        until(lambda: abs(track2().get("position", -1) - (start + 1.0)) < 0.02, 3)
        end = 100 * (start + 1.0 + takes[0]["length"])
        drag(end, 28 + 72 + 40, -40)
        until(lambda: abs(track2().get("clip", {}).get("length", 0) - (takes[0]["length"] - 0.4)) < 0.02, 3)
        # Another take chosen: the edits were take 1's.
        peer.send("/track/2/take", 0)
        until(lambda: "clip" not in track2() and "position" not in track2(), 3)
        time.sleep(0.3)
        print(f"screenshot: {shot(browser, 'timeline')}")
        assert not page_errors(browser), page_errors(browser)
    finally:
        src.close()
        peer.close()
        assert dawg.stop() == 0, dawg.log()


def test_the_singers_view_shows_the_note_and_cents_of_a_tone_sung_into_an_input(jackd, project, browser):
    sharp = 12  # cents above A4
    dawg, peer, src = singer(jackd, project, sharp)
    try:
        open_page(browser, dawg, "singer")
        assert browser.find_element(By.ID, "singer-track").get_attribute("value") == "1"
        assert not browser.find_element(By.ID, "singer-enable").is_selected()
        browser.find_element(By.ID, "singer-enable").click()
        until(lambda: peer.request("/pitch/enable", 1) == [1, 1], 3)
        until(lambda: text_of(browser, "#singer-note") == "A4", 5)
        cents = [float(browser.find_element(By.ID, "singer-cents").get_attribute("data-cents")) for _ in range(5) if time.sleep(0.1) is None]
        assert all(abs(c - sharp) < 3 for c in cents), cents
        assert text_of(browser, "#singer-cents") in {f"+{c} ¢" for c in range(sharp - 3, sharp + 4)}
        assert "in" in browser.find_element(By.ID, "singer-light").get_attribute("class").split()
        # The coach's words for this track reach the list.
        until(lambda: browser.find_elements(By.CSS_SELECTOR, "#singer-messages li"), 8)
        until(lambda: browser.execute_script("return window.dawg.singer.reference.length") == 1, 3)
        time.sleep(1.0)
        print(f"screenshot: {shot(browser, 'singer')}")
        assert not page_errors(browser), page_errors(browser)
    finally:
        src.close()
        peer.close()
        assert dawg.stop() == 0, dawg.log()


def status(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_on_an_open_bind_the_page_and_its_websocket_need_the_token(jackd, project, browser):
    dawg = Dawg(jackd.name, project, extra=["--bind", "0.0.0.0"])
    peer = Peer(dawg.osc_port)
    try:
        line = "".join(dawg.stdout)
        token = re.search(r"page http://\S+/\?token=([0-9a-f]{32})", line).group(1)
        base = f"http://127.0.0.1:{dawg.http_port}"
        t, _ = peer.request("/track/add", "t", reply="/track/added")
        for path in ["/", "/index.html", "/js/main.js", "/overview?path=noise.wav", "/notes?path=x.mid", f"/?token={token[:-1]}{'1' if token[-1] == '0' else '0'}"]:
            code, _, body = status(base + path)
            assert code == 401 and b"token" in body, (path, code)
        # (A refused WebSocket upgrade is answered 400 by hummingbird-websocket, whatever
        # the reason; the page's own requests get the 401.)
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            wsclient.connect(f"ws://127.0.0.1:{dawg.http_port}/ws")
        assert refused.value.response.status_code == 400
        assert status(base + "/health")[0] == 200, "monitors need no token"
        # With it: the page, its files and the WebSocket, by query, bearer or cookie.
        code, headers, _ = status(f"{base}/?token={token}")
        assert code == 200 and f"dawg_token={token}" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        assert status(base + "/js/main.js", {"Authorization": f"Bearer {token}"})[0] == 200
        assert status(base + "/style.css", {"Cookie": f"dawg_token={token}"})[0] == 200
        with wsclient.connect(f"ws://127.0.0.1:{dawg.http_port}/ws", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            ws.send(json.dumps({"address": "/ping"}))
            assert json.loads(ws.recv(timeout=3))["address"] == "/pong"
        # The browser, from the printed address: the cookie carries it to the WebSocket.
        browser.delete_all_cookies()
        open_page(browser, dawg, "mixer", f"?token={token}")
        click(browser, f'[data-mute="{t}"]')
        until(lambda: peer.request(f"/strip/{t}/mute") == [1], 3)
    finally:
        peer.close()
        assert dawg.stop() == 0, dawg.log()


def test_only_the_pages_own_files_are_served_with_their_types(dawg):
    base = f"http://127.0.0.1:{dawg.http_port}"
    for path, kind in [("/", "text/html"), ("/style.css", "text/css"), ("/js/main.js", "javascript")]:
        code, headers, _ = status(base + path)
        assert code == 200 and kind in headers["Content-Type"], (path, headers)
    for path in ["/../Package.swift", "/%2e%2e/Package.swift", "/js/..%2f..%2fPackage.swift", "/..%2fREADME.md", "/etc/passwd", "/Package.swift"]:
        req = urllib.request.Request(base + path)
        code = status(req.full_url)[0]
        assert code in (400, 404), (path, code)
    # The overview of a file outside the project is refused; one inside it is bytes.
    assert status(base + "/overview?path=/etc/passwd")[0] == 404
    assert status(base + "/overview?path=../x.wav")[0] == 404
    code, headers, body = status(base + "/overview?path=noise.wav")
    assert code == 200 and int(headers["X-Frames"]) == RATE * 4 and len(body) == 2 * (RATE * 4 // 256)
