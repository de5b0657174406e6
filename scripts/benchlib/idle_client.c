// Baseline for the xrun figures: a JACK client that does nothing but count xruns,
// so the machine's own scheduling jitter can be told apart from the engine's work.
// Usage: idle_client SERVER   SIGUSR1 restarts the count; SIGTERM prints it and exits.
#include <jack/jack.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int xruns;
static int process(jack_nframes_t n, void *arg) { (void)n; (void)arg; return 0; }
static int xrun(void *arg) { (void)arg; atomic_fetch_add(&xruns, 1); return 0; }

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: idle_client SERVER\n"); return 2; }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGUSR1);
    sigaddset(&signals, SIGTERM);
    // Blocked before libjack starts its threads, so they inherit the mask and the
    // signals wait for sigwait below.
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    jack_status_t status;
    jack_client_t *c = jack_client_open("idle", JackServerName | JackNoStartServer, &status, argv[1]);
    if (!c) { fprintf(stderr, "cannot open a client on %s\n", argv[1]); return 1; }
    jack_set_process_callback(c, process, NULL);
    jack_set_xrun_callback(c, xrun, NULL);
    jack_activate(c);
    printf("ready\n");
    fflush(stdout);
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGUSR1) atomic_store(&xruns, 0);
    printf("%d\n", atomic_load(&xruns));
    jack_client_close(c);
    return 0;
}
