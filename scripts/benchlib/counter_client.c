// The recording bench's source: N output ports, each a counter (sample n of channel c
// is ((n + c * 30011) mod 2^20 + 1) / 2^22, exact in a float), connected to
// dawg:in_1 … dawg:in_N. Plain C, so the source is never the late client.
// Usage: counter_client SERVER N    prints "ready" once connected; runs until killed.
#include <jack/jack.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static jack_port_t **ports;
static int count;
static unsigned long frame;

static int process(jack_nframes_t n, void *arg) {
    (void)arg;
    for (int c = 0; c < count; c++) {
        float *out = jack_port_get_buffer(ports[c], n);
        for (jack_nframes_t i = 0; i < n; i++) {
            unsigned long k = (frame + i + (unsigned long)c * 30011) % (1ul << 20);
            out[i] = (float)(k + 1) / (float)(1 << 22);
        }
    }
    frame += n;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: counter_client SERVER N\n"); return 2; }
    count = atoi(argv[2]);
    jack_status_t status;
    jack_client_t *client = jack_client_open("counters", JackServerName | JackNoStartServer, &status, argv[1]);
    if (!client) { fprintf(stderr, "cannot open a client on %s\n", argv[1]); return 1; }
    ports = calloc(count, sizeof *ports);
    for (int c = 0; c < count; c++) {
        char name[32];
        snprintf(name, sizeof name, "out_%d", c + 1);
        ports[c] = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    }
    jack_set_process_callback(client, process, NULL);
    jack_activate(client);
    for (int c = 0; c < count; c++) {
        char from[64], to[32];
        snprintf(from, sizeof from, "counters:out_%d", c + 1);
        snprintf(to, sizeof to, "dawg:in_%d", c + 1);
        if (jack_connect(client, from, to)) { fprintf(stderr, "cannot connect %s to %s\n", from, to); return 1; }
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
