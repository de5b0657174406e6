// The reference for dawg's CPU figures: a plain C JACK client doing the same mix as
// dawg's strips, and nothing else. Per track: a gain ramp (10 ms to its target),
// constant-power pan, a sum into the stereo master, and peak and RMS meters with the
// same ballistics dawg keeps. Tracks are looped file audio (read whole with
// libsndfile) or capture ports.
//
// Usage: c_mixer SERVER files N FILE...   (track i plays FILE[i % count])
//        c_mixer SERVER inputs N          (track i plays capture port in_{i+1})
// Prints "ready" once active; runs until SIGTERM.
#include <jack/jack.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const float *audio;   // file mode
    long length, position;
    jack_port_t *input;   // input mode
    float gain, target, step; int remaining;
    float left, right;
    float peak, mean_square;
} track_t;

static track_t *tracks;
static int count;
static jack_port_t *out_l, *out_r;
static float peak_fall, rms_keep;
static volatile sig_atomic_t stop;

static int process(jack_nframes_t n, void *arg) {
    (void)arg;
    float *l = jack_port_get_buffer(out_l, n), *r = jack_port_get_buffer(out_r, n);
    memset(l, 0, n * sizeof(float));
    memset(r, 0, n * sizeof(float));
    float fall = powf(peak_fall, (float)n), keep = powf(rms_keep, (float)n);
    for (int t = 0; t < count; t++) {
        track_t *k = &tracks[t];
        const float *src;
        float loop_buffer[8192];
        if (k->input) {
            src = jack_port_get_buffer(k->input, n);
        } else {
            for (jack_nframes_t i = 0; i < n; i++) {
                loop_buffer[i] = k->audio[k->position];
                if (++k->position == k->length) k->position = 0;
            }
            src = loop_buffer;
        }
        float peak = 0, sum = 0;
        for (jack_nframes_t i = 0; i < n; i++) {
            if (k->remaining > 0) { k->gain += k->step; k->remaining--; }
            float x = src[i] * k->gain;
            float a = fabsf(x);
            if (a > peak) peak = a;
            sum += x * x;
            l[i] += x * k->left;
            r[i] += x * k->right;
        }
        float held = k->peak * fall;
        k->peak = peak > held ? peak : held;
        k->mean_square = k->mean_square * keep + (1 - keep) * sum / n;
    }
    return 0;
}

static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: c_mixer SERVER files N FILE... | c_mixer SERVER inputs N\n"); return 2; }
    int files = strcmp(argv[2], "files") == 0;
    count = atoi(argv[3]);
    jack_status_t status;
    jack_client_t *c = jack_client_open("cmix", JackServerName | JackNoStartServer, &status, argv[1]);
    if (!c) { fprintf(stderr, "cannot open a client on %s\n", argv[1]); return 1; }
    float rate = (float)jack_get_sample_rate(c);
    peak_fall = powf(10.0f, -20.0f / 20.0f / rate);   // 20 dB/s fall-back
    rms_keep = expf(-1.0f / (0.3f * rate));            // 300 ms average
    tracks = calloc(count, sizeof(track_t));
    int nfiles = argc - 4;
    float **audio = calloc(nfiles > 0 ? nfiles : 1, sizeof(float *));
    long *lengths = calloc(nfiles > 0 ? nfiles : 1, sizeof(long));
    for (int f = 0; files && f < nfiles; f++) {
        SF_INFO info = {0};
        SNDFILE *s = sf_open(argv[4 + f], SFM_READ, &info);
        if (!s) { fprintf(stderr, "cannot read %s\n", argv[4 + f]); return 1; }
        audio[f] = malloc(info.frames * info.channels * sizeof(float));
        sf_readf_float(s, audio[f], info.frames);
        lengths[f] = info.frames;
        sf_close(s);
    }
    for (int t = 0; t < count; t++) {
        track_t *k = &tracks[t];
        if (files) {
            k->audio = audio[t % nfiles];
            k->length = lengths[t % nfiles];
        } else {
            char name[32];
            snprintf(name, sizeof name, "in_%d", t + 1);
            k->input = jack_port_register(c, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        }
        float pan = ((t % 9) - 4) / 4.0f, theta = (pan + 1) * (float)M_PI / 4;
        k->left = cosf(theta);
        k->right = sinf(theta);
        k->target = powf(10.0f, -18.0f / 20.0f);
        k->remaining = (int)(0.01f * rate);
        k->step = k->target / k->remaining;
    }
    out_l = jack_port_register(c, "out_L", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    out_r = jack_port_register(c, "out_R", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(c, process, NULL);
    signal(SIGTERM, on_term);
    jack_activate(c);
    printf("ready\n");
    fflush(stdout);
    while (!stop) pause();
    jack_deactivate(c);
    jack_client_close(c);
    return 0;
}
