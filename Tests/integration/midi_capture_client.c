// A JACK MIDI input that writes down every event it receives with its frame on JACK's
// timeline (the cycle's first frame + the event's offset), so a test can check that a
// MIDI track's notes arrive on the exact frames. A C client, because a Python one can
// miss a cycle on a busy machine, and a missed MIDI cycle is lost notes.
// Usage: midi_capture_client SERVER NAME SOURCE_PORT
// Prints "ready" once connected, then one line per event: "frame status data1 data2".
#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct { uint32_t frame; unsigned char bytes[3]; unsigned char size; } event_t;

static jack_port_t *in;
static jack_ringbuffer_t *ring;

static jack_client_t *client;

static int process(jack_nframes_t n, void *arg) {
    (void)arg;
    void *buffer = jack_port_get_buffer(in, n);
    jack_nframes_t start = jack_last_frame_time(client);
    uint32_t count = jack_midi_get_event_count(buffer);
    for (uint32_t i = 0; i < count; i++) {
        jack_midi_event_t e;
        if (jack_midi_event_get(&e, buffer, i) != 0) continue;
        event_t out = { start + e.time, {0, 0, 0}, (unsigned char)(e.size > 3 ? 3 : e.size) };
        memcpy(out.bytes, e.buffer, out.size);
        if (jack_ringbuffer_write_space(ring) >= sizeof out) jack_ringbuffer_write(ring, (const char *)&out, sizeof out);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: midi_capture_client SERVER NAME SOURCE_PORT\n"); return 2; }
    jack_status_t status;
    client = jack_client_open(argv[2], JackServerName | JackNoStartServer, &status, argv[1]);
    if (!client) { fprintf(stderr, "cannot open client (0x%x)\n", status); return 1; }
    in = jack_port_register(client, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
    ring = jack_ringbuffer_create(1 << 20);
    jack_set_process_callback(client, process, NULL);
    if (jack_activate(client) != 0) { fprintf(stderr, "cannot activate\n"); return 1; }
    char ours[256];
    snprintf(ours, sizeof ours, "%s:in", jack_get_client_name(client));
    if (jack_connect(client, argv[3], ours) != 0) { fprintf(stderr, "cannot connect %s\n", argv[3]); return 1; }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        event_t e;
        while (jack_ringbuffer_read_space(ring) >= sizeof e) {
            jack_ringbuffer_read(ring, (char *)&e, sizeof e);
            printf("%u %u %u %u\n", e.frame, e.bytes[0], e.size > 1 ? e.bytes[1] : 0, e.size > 2 ? e.bytes[2] : 0);
        }
        fflush(stdout);
        usleep(5000);
    }
}
