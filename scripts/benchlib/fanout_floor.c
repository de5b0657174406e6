/* The floor under feedback fan-out, for page_bench.py: a plain C sender that does only
 * what any server must to feed N pages over loopback TCP — every 1/rate s, one write()
 * of a ready WebSocket frame of the same size to each connection — and prints the CPU
 * it took (user + system, the kernel's loopback delivery included) as a share of one
 * core. No encoding, no event loop, no thread hand-off: what is left is the kernel's.
 *
 *   fanout_floor PORT PAGES RATE_HZ FRAME_BYTES SECONDS
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: fanout_floor PORT PAGES RATE_HZ FRAME_BYTES SECONDS\n");
        return 2;
    }
    int port = atoi(argv[1]), pages = atoi(argv[2]);
    double rate = atof(argv[3]), seconds = atof(argv[5]);
    size_t bytes = (size_t)atol(argv[4]);
    int *fds = calloc(pages, sizeof(int));
    /* An unmasked server-to-client text frame: header, then payload. */
    unsigned char *frame = malloc(bytes + 10);
    size_t header = bytes < 126 ? 2 : bytes < 65536 ? 4 : 10;
    frame[0] = 0x81;
    if (header == 2) frame[1] = (unsigned char)bytes;
    else if (header == 4) { frame[1] = 126; frame[2] = bytes >> 8; frame[3] = bytes & 0xff; }
    else { frame[1] = 127; for (int i = 0; i < 8; i++) frame[2 + i] = (bytes >> (56 - 8 * i)) & 0xff; }
    memset(frame + header, '7', bytes);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    for (int i = 0; i < pages; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  /* as NIO sets it */
        if (connect(fds[i], (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
    }
    double period = 1.0 / rate, start = now(), c0 = cpu_seconds();
    struct timespec due;
    clock_gettime(CLOCK_MONOTONIC, &due);
    long sent = 0;
    while (now() - start < seconds) {
        for (int i = 0; i < pages; i++)
            if (write(fds[i], frame, header + bytes) == (ssize_t)(header + bytes)) sent++;
        due.tv_nsec += (long)(period * 1e9);
        while (due.tv_nsec >= 1000000000L) { due.tv_nsec -= 1000000000L; due.tv_sec++; }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
    }
    double wall = now() - start, cpu = cpu_seconds() - c0;
    printf("%.4f %ld\n", cpu / wall, sent);
    for (int i = 0; i < pages; i++) close(fds[i]);
    return 0;
}
