"""/generate over OSC into the running engine: the parts become MIDI tracks playing
from the next bar at the material's tempo, heard at the master; bad requests are refused
at once with what is allowed."""
import time

from helpers import Capture, Peer


def test_a_generated_beat_and_song_join_the_running_engine(jackd, dawg, project):
    p = Peer(dawg.osc_port)
    try:
        p.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
        p.send("/transport/play")
        time.sleep(0.6)
        p.send("/generate/beat", "hip-hop", 90.0, 4, "medium", 7)
        done = p.expect("/done", timeout=20)
        assert done[0] == "/generate/beat" and len(done) == 2, done
        drums = done[1]
        assert p.request("/transport/tempo", reply="/transport/tempo")[0] == 90.0
        state = p.request("/state", reply="/state.reply")[0]
        import json
        tracks = {t["id"]: t for t in json.loads(state)["tracks"]}
        track = tracks[drums]
        assert track["midi"].startswith("generated/beat-") and track["midi"].endswith("-drums.mid")
        bar = 60 / 90 * 4
        # From the next bar after the request (the transport had rolled about 0.6 s).
        assert track["position"] > 0.6 and abs(track["position"] / bar - round(track["position"] / bar)) < 1e-6
        assert (project / track["midi"]).exists()
        p.send("/generate/song", "pop", 0.0, 16, "simple", 3, "D")
        done = p.expect("/done", timeout=30)
        assert done[0] == "/generate/song" and len(done) == 5, done  # drums, chords, bass, melody
        capture = Capture(jackd.name, seconds=4)
        try:
            heard = capture.record(2.5)
        finally:
            capture.close()
        assert abs(heard).max() > 0.01, "the generated tracks are heard at the master"
        for args, allowed in ((("polka", 120.0, 8), "allowed: ambient"), (("pop", 300.0, 8), "60 to 200"),
                              (("pop", 120.0, 5), "4, 8, 16, 32"), (("pop", 120.0, 8, "wild"), "simple, medium, complex"),
                              (("pop", 120.0, 8, "simple", 1, "H"), "allowed: C"), (("pop", 120.0, 8, "simple", 1, "C", "bebop"), "pentatonic")):
            p.send("/generate/chords", *args)
            error = p.expect("/error")
            assert error[0] == "/generate/chords" and allowed in error[1], error
        p.send("/generate/song", "pop", 120.0, 8)
        assert "16, 32, 64" in p.expect("/error")[1]
        p.send("/generate/harmony", drums + 1000)
        assert p.expect("/error")[0] == "/generate/harmony"
    finally:
        p.send("/transport/stop")
        p.close()
