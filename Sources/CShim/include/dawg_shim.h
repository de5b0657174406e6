#ifndef DAWG_SHIM_H
#define DAWG_SHIM_H
// Small C wrappers for calls Swift cannot make directly (variadic functions) and a
// clock that is safe on the realtime thread.
#include <stdint.h>
#include <time.h>
#include <jack/jack.h>
#include <spawn.h>

/// jack_client_open is variadic; this fixes the one optional argument we use (the
/// server name). `server_name` may be NULL for the default server.
jack_client_t *dawg_jack_client_open(const char *client_name, const char *server_name,
                                     int no_start_server, jack_status_t *status);

/// CLOCK_MONOTONIC in nanoseconds. Served from the vDSO on Linux: no system call,
/// so it may be used on the process thread.
static inline uint64_t dawg_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/// posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29) and POSIX_SPAWN_SETSID, which
/// glibc declares only under _GNU_SOURCE.
int dawg_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int dawg_spawn_setsid_flag(void);
/// posix_spawn_file_actions_addclosefrom_np (glibc ≥ 2.34): the child gets none of the
/// parent's descriptors from `from` up.
int dawg_spawn_closefrom(posix_spawn_file_actions_t *actions, int from);

#endif
