"""The OSC address space over a WebSocket (GET /ws on the HTTP port), as JSON both ways:
commands, queries, errors and feedback from the same router as OSC; a change made over
OSC reaches the page, and a page that stops reading does not hold up the others."""
import asyncio
import base64
import json
import os
import socket
import time

import numpy as np
import websockets

from helpers import RATE, Peer, Source


async def call(ws, address, *args, reply=None, timeout=3.0):
    await ws.send(json.dumps({"address": address, "args": list(args)}))
    return await expect(ws, reply or address, timeout)


backlog = {}


async def frame(ws, timeout):
    """The messages of the next frame: one, or an array of them."""
    data = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return data if isinstance(data, list) else [data]


async def count(ws, seconds):
    """The feedback ticks (frames with the position) a page reads in `seconds`."""
    ticks, end = 0, time.time() + seconds
    while (left := end - time.time()) > 0:
        try:
            got = await frame(ws, left)
        except asyncio.TimeoutError:
            break
        ticks += any(m["address"] == "/transport/position" for m in got)
    return ticks


async def expect(ws, address, timeout=3.0):
    """The next message at `address`; others that came in the same frames wait in
    `backlog` (a feedback tick is one frame)."""
    kept = backlog.setdefault(id(ws), [])
    for i, m in enumerate(kept):
        if m.get("address") == address:
            return kept.pop(i)["args"]
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        assert left > 0, f"no {address} within {timeout} s"
        for m in await frame(ws, left):
            if m.get("address") == address:
                return m["args"]
            kept.append(m)


def test_the_address_space_over_a_websocket(dawg):
    peer = Peer(dawg.osc_port)

    async def session():
        url = f"ws://127.0.0.1:{dawg.http_port}/ws"
        async with websockets.connect(url, close_timeout=1) as page, websockets.connect(url, close_timeout=1) as stalled:
            assert await call(page, "/ping", reply="/pong") == []
            t, name = await call(page, "/track/add", "ws track", reply="/track/added")
            assert name == "ws track"
            await page.send(json.dumps({"address": f"/strip/{t}/gain", "args": [-3.0]}))
            await call(page, "/sync", 7, reply="/synced")
            assert peer.request(f"/strip/{t}/gain", reply=f"/strip/{t}/gain") == [-3.0]
            # Errors come back as they do over OSC.
            error = await call(page, f"/strip/{t}/gain", "loud", reply="/error")
            assert error[0] == f"/strip/{t}/gain" and "number" in error[1]
            await page.send("{not json")
            assert "JSON" in (await expect(page, "/error"))[1]
            # Feedback: a change over OSC reaches the subscribed page; meters flow.
            assert await call(page, "/feedback/subscribe", 60, reply="/feedback/subscribed") == [60.0]
            await stalled.send(json.dumps({"address": "/feedback/subscribe", "args": [200]}))  # and never reads again
            peer.send(f"/strip/{t}/gain", -6.0)
            assert await expect(page, f"/strip/{t}/gain") == [-6.0]
            meters = ticks = 0
            deadline = time.time() + 2
            while time.time() < deadline:
                got = await frame(page, 1)
                meters += sum(m["address"].startswith("/meter") for m in got)
                # A tick is one frame: every strip's meter and the position together.
                ticks += any(m["address"] == "/transport/position" for m in got) and sum(m["address"].startswith("/meter") for m in got) >= 2
            assert meters > 20 and ticks > 20, "meters at the page's rate while another page reads nothing"

    asyncio.run(session())
    peer.close()


def test_live_pitch_also_comes_in_the_shape_coaching_front_ends_use(jackd, dawg, peer):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/input", 1)
    peer.send("/pitch/enable", t, 1)
    src = Source(jackd.name, lambda n: (0.3 * np.sin(2 * np.pi * 440 * 2 ** (-20 / 1200) * np.asarray(n) / RATE)).astype(np.float32))

    async def session():
        async with websockets.connect(f"ws://127.0.0.1:{dawg.http_port}/ws", close_timeout=1) as page:
            await call(page, "/feedback/subscribe", 30, reply="/feedback/subscribed")
            typed = []
            deadline = time.time() + 3
            while time.time() < deadline and len(typed) < 20:
                got = await frame(page, 1)
                for i, m in enumerate(got):
                    if m.get("type") == "pitch":
                        # Right after its OSC form, in the same frame.
                        assert got[i - 1]["address"] == "/pitch" and got[i - 1]["args"][1] == m["frequency"]
                        typed.append(m)
            assert len(typed) >= 20
            last = typed[-1]
            assert last["track"] == t and last["note"] == "A4" and last["voiced"] is True
            assert abs(last["cents"] + 20) < 2 and last["isInTune"] is False and last["confidence"] > 0.9
            assert abs(last["frequency"] - 440 * 2 ** (-20 / 1200)) < 0.5 and isinstance(last["frameTime"], int)
            src.signal_fn = lambda n: np.zeros(len(n), dtype=np.float32)
            deadline = time.time() + 2
            while time.time() < deadline:
                quiet = [m for m in await frame(page, 1) if m.get("type") == "pitch" and not m["voiced"]]
                if quiet:
                    assert quiet[0]["frequency"] == 0 and quiet[0]["note"] == "-"
                    return
            raise AssertionError("no unvoiced pitch message after the tone stopped")

    try:
        asyncio.run(session())
    finally:
        src.close()


def test_each_page_and_surface_gets_its_ticks_at_its_own_rate(dawg):
    """Pages' periodic feedback and surfaces' come from the feedback thread's ticks:
    each at the rate it asked for, and none once unsubscribed."""
    osc = Peer(dawg.osc_port)
    osc.request("/feedback/subscribe", 30.0, reply="/feedback/subscribed")

    async def session():
        url = f"ws://127.0.0.1:{dawg.http_port}/ws"
        async with websockets.connect(url) as fast, websockets.connect(url) as slow:
            assert await call(fast, "/feedback/subscribe", 60, reply="/feedback/subscribed") == [60.0]
            assert await call(slow, "/feedback/subscribe", 10, reply="/feedback/subscribed") == [10.0]
            fast_ticks, slow_ticks = await asyncio.gather(count(fast, 3), count(slow, 3))
            assert 150 <= fast_ticks <= 190, f"{fast_ticks} ticks in 3 s at 60 Hz"
            assert 25 <= slow_ticks <= 33, f"{slow_ticks} ticks in 3 s at 10 Hz"
            osc.drain(0.05)
            surface, end = 0, time.time() + 2
            while time.time() < end:
                surface += sum(a == "/transport/position" for a, _ in osc._read(0.1))
            assert 50 <= surface <= 66, f"the OSC surface's ticks in 2 s at 30 Hz: {surface}"
            # Unsubscribed: the page's ticks stop (the other page's go on).
            assert await call(slow, "/feedback/unsubscribe", reply="/feedback/unsubscribed") == []
            await asyncio.sleep(0.3)
            backlog.pop(id(slow), None)
            while True:
                try:
                    await asyncio.wait_for(slow.recv(), 0.05)
                except asyncio.TimeoutError:
                    break
            assert await count(slow, 1) == 0
            assert await count(fast, 0.5) > 20

    asyncio.run(session())
    osc.close()


def raw_page(port, rcvbuf=4096):
    """A WebSocket page on a plain socket with a small receive buffer, past the
    handshake (nothing of what follows the 101 is read)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return s


def masked_text(text):
    """A client's text frame (clients mask theirs)."""
    payload, mask = text.encode(), os.urandom(4)
    assert len(payload) < 126
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_a_page_that_stops_reading_is_dropped_and_the_others_go_on(dawg, peer):
    """A page subscribed at 200 Hz that never reads fills its connection (dawg keeps
    its kernel buffer small); its ticks are skipped, and once it has taken none for 5 s
    it is dropped and its connection closed — while a page that reads gets every tick
    at its rate."""
    for i in range(8):  # a meter each: ticks of some 700 bytes, as a studio's
        peer.request("/track/add", f"t{i}", reply="/track/added")
    stalled = raw_page(dawg.http_port)
    stalled.sendall(masked_text(json.dumps({"address": "/feedback/subscribe", "args": [200]})))

    async def session():
        async with websockets.connect(f"ws://127.0.0.1:{dawg.http_port}/ws") as page:
            assert await call(page, "/feedback/subscribe", 60, reply="/feedback/subscribed") == [60.0]
            return await count(page, 8)

    ticks = asyncio.run(session())
    assert 440 <= ticks <= 490, f"{ticks} ticks in 8 s at 60 Hz beside a page that reads nothing"
    # What the stalled page was sent before it was dropped, then the end of its connection.
    stalled.settimeout(5)
    got, deadline = 0, time.time() + 10
    while data := stalled.recv(65536):
        got += len(data)
        assert time.time() < deadline, f"the stalled page was kept ({got} bytes read, still coming)"
    assert got < 400_000, "frames went on to the stalled page"
    stalled.close()


def read_frames(sock, seconds):
    """Every whole frame a raw page reads in `seconds`, each checked: a final, unmasked
    text frame of valid JSON — a frame cut into by another would not parse."""
    sock.settimeout(0.05)
    data, frames, end = b"", [], time.time() + seconds
    while time.time() < end:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        assert chunk, "dawg closed the page"
        data += chunk
        while len(data) >= 2:
            assert data[0] == 0x81 and data[1] < 0x80, f"not a whole text frame at a frame's start: {data[:16]!r}"
            n, at = data[1], 2
            if n == 126:
                n, at = int.from_bytes(data[2:4], "big"), 4
            elif n == 127:
                n, at = int.from_bytes(data[2:10], "big"), 10
            if len(data) < at + n:
                break
            got = json.loads(data[at:at + n])
            frames.append(got if isinstance(got, list) else [got])
            data = data[at + n:]
    return frames


def test_a_page_behind_gets_whole_frames_and_every_reply_once_it_reads(dawg, peer):
    """A page at 200 Hz that stops reading for a while: the socket takes frames in part,
    ticks are skipped, replies wait their turn — and once it reads again, every byte is
    a whole frame (none cut into by another), every reply is there, in order, and the
    ticks go on."""
    for i in range(8):
        peer.request("/track/add", f"t{i}", reply="/track/added")
    page = raw_page(dawg.http_port)
    page.sendall(masked_text(json.dumps({"address": "/feedback/subscribe", "args": [200]})))
    time.sleep(2)  # its connection fills
    for i in range(5):
        page.sendall(masked_text(json.dumps({"address": "/sync", "args": [i]})))
        time.sleep(0.1)
    frames = read_frames(page, 3)
    synced = [m["args"][0] for f in frames for m in f if m["address"] == "/synced"]
    assert synced == [0, 1, 2, 3, 4], f"replies while behind: {synced}"
    ticks = [f for f in frames if any(m["address"] == "/transport/position" for m in f)]
    assert len(ticks) > 300, f"only {len(ticks)} ticks in 3 s"
    page.close()
