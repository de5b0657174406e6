#ifndef DAWG_FLOAT_ENV_H
#define DAWG_FLOAT_ENV_H

/// Flush denormals to zero on the calling thread (x86 SSE MXCSR FTZ|DAZ; ARM
/// FPCR.FZ): a decaying filter or reverb tail then reaches zero instead of crawling
/// through subnormal numbers, which cost a hundred times as much to compute.
/// Called at the top of every process cycle and by the offline driver.
void dawg_flush_denormals(void);

#endif
