#ifndef DAWG_THREAD_NAME_H
#define DAWG_THREAD_NAME_H

/// Names the calling thread for the kernel (top -H, /proc, perf); at most 15 bytes kept.
void dawg_set_thread_name(const char *name);

#endif
