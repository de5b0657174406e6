#define _GNU_SOURCE
#include "dawg_shim.h"

jack_client_t *dawg_jack_client_open(const char *client_name, const char *server_name,
                                     int no_start_server, jack_status_t *status) {
    jack_options_t options = JackNullOption;
    if (no_start_server) options |= JackNoStartServer;
    if (server_name) {
        options |= JackServerName;
        return jack_client_open(client_name, options, status, server_name);
    }
    return jack_client_open(client_name, options, status);
}

int dawg_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int dawg_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

int dawg_spawn_closefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
