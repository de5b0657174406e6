"""The OSC address space over a WebSocket (GET /ws on the HTTP port), as JSON both ways:
commands, queries, errors and feedback from the same router as OSC; a change made over
OSC reaches the page, and a page that stops reading does not hold up the others."""
import asyncio
import json
import time

import websockets

from helpers import Peer


async def call(ws, address, *args, reply=None, timeout=3.0):
    await ws.send(json.dumps({"address": address, "args": list(args)}))
    return await expect(ws, reply or address, timeout)


async def expect(ws, address, timeout=3.0):
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        assert left > 0, f"no {address} within {timeout} s"
        m = json.loads(await asyncio.wait_for(ws.recv(), left))
        if m["address"] == address:
            return m["args"]


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
            meters = 0
            deadline = time.time() + 2
            while time.time() < deadline:
                m = json.loads(await asyncio.wait_for(page.recv(), 1))
                meters += m["address"].startswith("/meter")
            assert meters > 20, "meters at the page's rate while another page reads nothing"

    asyncio.run(session())
    peer.close()
