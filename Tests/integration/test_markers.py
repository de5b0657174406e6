"""Section markers over OSC: added, moved, renamed, removed, listed in timeline order,
echoed to subscribers, located to, saved in patches; bad requests refused; a generated
song leaves its sections as markers."""
import json
import time

from helpers import Peer


def test_markers_are_made_edited_located_and_saved(dawg, project):
    p, watcher = Peer(dawg.osc_port), Peer(dawg.osc_port)
    try:
        watcher.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
        chorus = p.request("/marker/add", "chorus", 16.0, reply="/marker/added")
        verse = p.request("/marker/add", "verse", 4.0, reply="/marker/added")
        assert chorus[1:] == ["chorus", 16.0] and verse[1:] == ["verse", 4.0] and chorus[0] != verse[0]
        assert watcher.expect("/marker/added")[1] == "chorus"
        p.send(f"/marker/{chorus[0]}/move", 12.5)
        p.send(f"/marker/{verse[0]}/rename", "verse 1")
        assert watcher.expect("/marker") == [chorus[0], "chorus", 12.5]
        assert watcher.expect("/marker") == [verse[0], "verse 1", 4.0]
        p.send("/markers")
        listed = [p.expect("/marker"), p.expect("/marker")]
        assert p.expect("/markers.end") == [2]
        assert [m[1] for m in listed] == ["verse 1", "chorus"] and listed[1][2] == 12.5
        p.send("/transport/locate/marker", chorus[0])
        deadline = time.time() + 3
        while abs(p.request("/transport", reply="/transport/state")[1] - 12.5) > 1e-3:
            assert time.time() < deadline, "the transport did not go to the marker"
            time.sleep(0.05)
        for address, args in (("/marker/add", ["x"]), ("/marker/add", ["x", -1.0]), ("/marker/add", ["x", float("nan")]),
                              ("/marker/add", ["", 1.0]), (f"/marker/999/move", [1.0]), (f"/marker/{verse[0]}/rename", [3]),
                              ("/transport/locate/marker", [999]), ("/marker/999/remove", [])):
            p.send(address, *args)
            assert p.expect("/error")[0] == address, (address, args)
        p.send("/patch/save", "markers.json")
        assert p.expect("/done", timeout=10) == ["/patch/save"]
        saved = json.loads((project / "markers.json").read_text())["markers"]
        assert [(m["name"], m["seconds"]) for m in saved] == [("verse 1", 4.0), ("chorus", 12.5)]
        p.send(f"/marker/{verse[0]}/remove")
        assert p.expect("/marker/removed") == [verse[0]]
        p.send("/patch/load", "markers.json")
        assert p.expect("/done", timeout=10) == ["/patch/load"]
        p.send("/markers")
        assert [p.expect("/marker")[1], p.expect("/marker")[1]] == ["verse 1", "chorus"]
    finally:
        p.close()
        watcher.close()


def test_a_generated_song_leaves_its_sections_as_markers(dawg):
    p = Peer(dawg.osc_port)
    try:
        p.send("/generate/song", "rock", 120.0, 16, "simple", 2)
        done = p.expect("/done", timeout=30)
        assert done[0] == "/generate/song"
        p.send("/markers")
        names, starts = [], []
        while True:
            try:
                args = p.expect("/marker", timeout=1)
            except AssertionError:
                break
            names.append(args[1])
            starts.append(args[2])
        assert names == ["intro", "verse", "chorus", "bridge", "chorus", "outro"]
        bar = 2.0  # 4 beats at 120 BPM
        assert [round((s - starts[0]) / bar) for s in starts] == [0, 1, 5, 9, 11, 15]
    finally:
        p.close()
