"""Every patch save is a version in the project store: listed over OSC and by
`dawg project versions`, compared by `dawg project diff`, taken back by the engine
(`/patch/checkout`) or written back to a file (`dawg project checkout`)."""
import json
import sqlite3
import subprocess

from helpers import DAWG


def state(peer):
    return json.loads(peer.request("/state", reply="/state.reply")[0])


def project_cmd(project, *args):
    return subprocess.run([str(DAWG), "project", *map(str, args), "--project-dir", str(project)],
                          capture_output=True, text=True, timeout=30)


def test_saves_are_versions_that_can_be_compared_and_taken_back(dawg, peer, project):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/strip/{t}/gain", -6.0)
    peer.send("/patch/save", "mix.json")
    assert peer.expect("/done", 10) == ["/patch/save"]
    peer.send(f"/strip/{t}/gain", -12.0)
    peer.send(f"/strip/{t}/pan", 0.5)
    peer.send("/patch/save", "mix.json")
    assert peer.expect("/done", 10) == ["/patch/save"]

    peer.send("/patch/versions")
    v1, v2 = peer.expect("/patch/version"), peer.expect("/patch/version")
    assert peer.expect("/patch/versions.end") == [2]
    assert (v1[1], v2[1]) == ("mix.json", "mix.json") and v1[0] < v2[0]
    rows = sqlite3.connect(project / "dawg.sqlite").execute("SELECT id, path, content FROM patch_versions ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [v1[0], v2[0]]
    assert json.loads(rows[1][2]) == json.loads((project / "mix.json").read_text()), "the version is the file as written"

    listed = project_cmd(project, "versions")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2 and "mix.json" in listed.stdout
    diff = project_cmd(project, "diff", v1[0], v2[0])
    assert diff.returncode == 0, diff.stderr
    changed = [l for l in diff.stdout.splitlines() if l.startswith(("- ", "+ "))]
    assert any(l.startswith("- ") and '"gain" : -6' in l for l in changed), diff.stdout
    assert any(l.startswith("+ ") and '"gain" : -12' in l for l in changed), diff.stdout
    assert any(l.startswith("+ ") and '"pan" : 0.5' in l for l in changed), diff.stdout

    # The engine takes version 1 back; the file stays as it is.
    peer.send("/patch/checkout", v1[0])
    assert peer.expect("/done", 10) == ["/patch/checkout"]
    strip = next(x for x in state(peer)["tracks"] if x["id"] == t)["strip"]
    assert strip["gain"] == -6 and strip.get("pan", 0) == 0
    assert json.loads((project / "mix.json").read_text())["tracks"][0]["strip"]["gain"] == -12

    # Or a version goes back to a file, to load like any patch.
    out = project_cmd(project, "checkout", v1[0], "--to", "old.json")
    assert out.returncode == 0 and json.loads((project / "old.json").read_text()) == json.loads(rows[0][2])

    peer.send("/patch/checkout", 9999)
    assert "no patch version 9999" in peer.expect("/fail", 10)[1]
    assert peer.request("/patch/checkout", "latest", reply="/error")[0] == "/patch/checkout"
    assert project_cmd(project, "diff", v1[0], 9999).returncode != 0
    assert project_cmd(project, "checkout", v1[0], "--to", "../escape.json").returncode != 0
