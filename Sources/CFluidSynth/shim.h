#include <fluidsynth.h>

/* One MIDI channel message into the synth: the dispatch a MIDI driver would do,
   so Swift hands over the three bytes as they are. Called on the process thread;
   every branch is a plain synth call (no allocation with synth.threadsafe-api off). */
static inline void dawg_fluid_message(fluid_synth_t *synth, unsigned char status, unsigned char d1, unsigned char d2) {
    int chan = status & 0x0F;
    switch (status & 0xF0) {
    case 0x80: fluid_synth_noteoff(synth, chan, d1); break;
    case 0x90: if (d2 == 0) fluid_synth_noteoff(synth, chan, d1); else fluid_synth_noteon(synth, chan, d1, d2); break;
    case 0xA0: fluid_synth_key_pressure(synth, chan, d1, d2); break;
    case 0xB0: fluid_synth_cc(synth, chan, d1, d2); break;
    case 0xC0: fluid_synth_program_change(synth, chan, d1); break;
    case 0xD0: fluid_synth_channel_pressure(synth, chan, d1); break;
    case 0xE0: fluid_synth_pitch_bend(synth, chan, d1 | (d2 << 7)); break;
    default: break;
    }
}

static void dawg_fluid_silent(int level, const char *message, void *data) { (void)level; (void)message; (void)data; }

/* FluidSynth logs to stderr from any thread, the process thread included (a missing
   instrument, a voice it could not allocate): dawg reports failures from return codes
   instead. */
static inline void dawg_fluid_quiet(void) {
    for (int level = FLUID_PANIC; level <= FLUID_DBG; level++) fluid_set_log_function(level, dawg_fluid_silent, 0);
}

/* Render len frames, stereo, into two buffers (replacing what they held). */
static inline void dawg_fluid_render(fluid_synth_t *synth, int len, float *left, float *right) {
    fluid_synth_write_float(synth, len, left, 0, 1, right, 0, 1);
}
