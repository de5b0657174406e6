// A cable from an output back to an input, as a sound card with a physical loop would
// be, that says truthfully what it costs: it delays by PLAYBACK + CAPTURE frames and
// reports PLAYBACK as its input's playback latency and one period + CAPTURE as its
// output's capture latency (the period is what JACK adds when the loop through dawg
// closes: the signal comes back on the next cycle).
// Usage: loopback_client SERVER NAME PLAYBACK CAPTURE    prints "ready", runs until killed.
#include <jack/jack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static jack_port_t *in, *out;
static jack_client_t *client;
static float *line;
static unsigned delay, playback, capture, at;

static int process(jack_nframes_t n, void *arg) {
    (void)arg;
    const float *src = jack_port_get_buffer(in, n);
    float *dst = jack_port_get_buffer(out, n);
    for (jack_nframes_t i = 0; i < n; i++) {
        if (delay == 0) { dst[i] = src[i]; continue; }
        dst[i] = line[at];
        line[at] = src[i];
        at = (at + 1) % delay;
    }
    return 0;
}

static void latency(jack_latency_callback_mode_t mode, void *arg) {
    (void)arg;
    jack_latency_range_t r;
    if (mode == JackCaptureLatency) {
        r.min = r.max = jack_get_buffer_size(client) + capture;
        jack_port_set_latency_range(out, mode, &r);
    } else {
        r.min = r.max = playback;
        jack_port_set_latency_range(in, mode, &r);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: loopback_client SERVER NAME PLAYBACK CAPTURE\n"); return 2; }
    playback = (unsigned)atoi(argv[3]);
    capture = (unsigned)atoi(argv[4]);
    delay = playback + capture;
    line = calloc(delay ? delay : 1, sizeof(float));
    jack_status_t status;
    client = jack_client_open(argv[2], JackServerName | JackNoStartServer, &status, argv[1]);
    if (!client) { fprintf(stderr, "cannot open a client on %s\n", argv[1]); return 1; }
    in = jack_port_register(client, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    out = jack_port_register(client, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(client, process, NULL);
    jack_set_latency_callback(client, latency, NULL);
    jack_activate(client);
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
