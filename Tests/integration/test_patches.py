"""Patch files: save, load, connections restored, bad patches refused whole."""
import json
import shutil
import time

import pytest

from helpers import Dawg, REPO


def test_save_then_load_round_trips_the_state(jackd, peer, project):
    t, _ = peer.request("/track/add", "keys", reply="/track/added")
    peer.send(f"/track/{t}/load", "noise.wav", 1.5)
    assert peer.expect("/done", 10)
    b, _ = peer.request("/bus/add", "verb", reply="/bus/added")
    peer.send(f"/strip/{t}/gain", -7.5)
    peer.send(f"/strip/{t}/pan", 0.3)
    peer.send(f"/strip/{t}/send/{b}", -12.0)
    peer.send(f"/strip/{t}/send/{b}/pre", 1)
    peer.send(f"/strip/{t}/mute", 1)
    peer.send("/master/gain", -20.0)
    peer.send("/transport/loop", 0.5, 1.5)
    peer.send("/patch/save", "sub/session.json")
    assert peer.expect("/done", 10) == ["/patch/save"]
    saved = json.loads((project / "sub" / "session.json").read_text())
    assert saved["schema"] == "dawg.patch" and saved["version"] == 1
    assert saved["tracks"][0]["file"] == "noise.wav" and saved["tracks"][0]["position"] == 1.5
    assert saved["tracks"][0]["strip"]["sends"] == [{"bus": b, "gain": -12.0, "preFader": True}]
    before = json.loads(peer.request("/state", reply="/state.reply")[0])

    # Change everything, then load the saved patch back.
    peer.send(f"/track/{t}/remove")
    peer.request("/track/add", "other", reply="/track/added")
    peer.send("/patch/load", "sub/session.json")
    assert peer.expect("/done", 10) == ["/patch/load"]
    after = json.loads(peer.request("/state", reply="/state.reply")[0])
    assert after == before


def test_minus_infinity_gain_survives_a_round_trip(peer, project):
    t, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.send(f"/strip/{t}/gain", float("-inf"))
    peer.send("/patch/save", "inf.json")
    assert peer.expect("/done", 10)
    assert json.loads((project / "inf.json").read_text())["tracks"][0]["strip"]["gain"] == "-inf"
    peer.send("/patch/load", "inf.json")
    assert peer.expect("/done", 10)
    assert peer.request(f"/strip/{t}/gain")[0] == float("-inf")


@pytest.mark.parametrize("content,words", [
    ("{not json", "not valid JSON"),
    ('{"schema": "other", "version": 1}', "not a dawg patch"),
    ('{"schema": "dawg.patch", "version": 99}', "version 99"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1, "strip": {"gain": "loud"}}]}', "wrong type"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1}, {"id": 1}]}', "used twice"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1, "strip": {"pan": 4}}]}', "pan must be"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1, "input": 9}]}', "input must be"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1, "file": "../../etc/passwd"}]}', "outside the project"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1, "file": "missing.wav"}]}', "no such file"),
    ('{"schema": "dawg.patch", "version": 1, "tracks": [{"id": 1, "strip": {"sends": [{"bus": 5}]}}]}', "does not exist"),
])
def test_bad_patches_fail_and_change_nothing(peer, project, content, words):
    t, _ = peer.request("/track/add", "keep me", reply="/track/added")
    before = peer.request("/state", reply="/state.reply")
    (project / "bad.json").write_text(content)
    peer.send("/patch/load", "bad.json")
    address, message = peer.expect("/fail", 10)
    assert address == "/patch/load" and words in message, message
    assert peer.request("/state", reply="/state.reply") == before


def test_serve_loads_a_patch_and_restores_its_connections(jackd, project):
    patch = {
        "schema": "dawg.patch", "version": 1, "name": "wired",
        "tracks": [{"id": 1, "name": "loop", "file": "noise.wav"}],
        "connections": {"out_L": ["system:playback_1"], "out_R": ["system:playback_2"],
                        "in_1": ["system:capture_1"], "in_2": ["nobody:nothing"]},
    }
    (project / "wired.json").write_text(json.dumps(patch))
    d = Dawg(jackd.name, project, patch="wired.json")
    try:
        conns = jackd.lsp("-c")
        assert "dawg:out_L\n   system:playback_1" in conns
        assert "dawg:out_R\n   system:playback_2" in conns
        assert "dawg:in_1\n   system:capture_1" in conns
        assert "cannot connect in_2 to nobody:nothing" in d.log()
    finally:
        assert d.stop() == 0


def test_serve_refuses_a_bad_patch_at_start(jackd, project):
    (project / "broken.json").write_text("{")
    with pytest.raises(RuntimeError, match="cannot load patch"):
        Dawg(jackd.name, project, patch="broken.json")


def test_default_patch_loads_and_plays(jackd, tmp_path):
    shutil.copytree(REPO / "patches", tmp_path / "patches")
    d = Dawg(jackd.name, tmp_path)
    try:
        from helpers import Peer
        p = Peer(d.osc_port)
        state = json.loads(p.request("/state", reply="/state.reply")[0])
        assert state["name"] == "default"
        assert [t["name"] for t in state["tracks"]] == ["demo loop", "input 1", "drums", "bass", "chords", "melody"]
        assert all(f"dawg:midi_{t['id']}" in jackd.lsp() for t in state["tracks"] if t.get("midi"))
        time.sleep(0.5)
        assert p.request("/transport", reply="/transport/state")[0] == 1
        p.request("/feedback/subscribe", reply="/feedback/subscribed")
        peak, _, _ = p.expect("/meter/master")
        assert peak > -40
        assert state["buses"][0]["strip"]["reverb"]["on"] is True
        p.close()
    finally:
        assert d.stop() == 0
