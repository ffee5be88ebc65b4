// Faults for the Verilator harnesses (mac_tb, logacc_tb, slqdec_tb, slqmac_tb):
//   +midreset     rst high for 1-3 cycles at random moments: at random, in the middle of
//                 a vector, or while an output waits for its ready; the harness resets
//                 its model and forgets what it expected, so any output after the reset
//                 must belong to input sent after it (each block's docs page, "Reset")
//   +hold=N       the output's ready held low for N cycles at random moments
//   +holdin=N     the input's valid held low for N cycles at random moments (only
//                 between transfers: a valid, once high, stays until taken)
//   +stale-model  test only: with +midreset the model is not reset; the run must fail
// The faults draw from their own random stream (seeded from the run's seed), so the
// stimulus is the same with and without them. Usage, per cycle of the harness:
//   if (f.rst_left > 0 || f.reset_now(mid_vector, output_waiting)) { reset cycle;
//       if (f.reset_done()) { reset the model unless f.stale; forget expectations } }
//   valid = ... && !(not yet offered && f.in_held());   ready = ... && !f.out_held();
#ifndef LOGQ_SIM_FAULTS_H
#define LOGQ_SIM_FAULTS_H

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "verilated.h"
#include "waves.h"

extern "C" {
#include "../../cmodel/rng.h"
}

namespace lq_faults {

struct Faults {
    bool midreset = false, stale = false;
    long hold = 0, holdin = 0;
    lq_rng rng;
    long rst_left = 0, hold_left = 0, holdin_left = 0, armed_age = 0;
    int armed = -1;   // the moment a reset waits for: 0 any, 1 mid-vector, 2 output waiting
    uint64_t resets[3] = {0, 0, 0}, holds = 0, holdins = 0;

    // Read the plusargs; false (after a message) when a value is out of range.
    bool parse(VerilatedContext* ctx, const char* who)
    {
        const char* s;
        if ((s = ctx->commandArgsPlusMatch("midreset")) && *s) midreset = true;
        if ((s = ctx->commandArgsPlusMatch("stale-model")) && *s) stale = true;
        if ((s = ctx->commandArgsPlusMatch("hold=")) && *s) hold = std::atol(s + 6);
        if ((s = ctx->commandArgsPlusMatch("holdin=")) && *s) holdin = std::atol(s + 8);
        if (hold < 0 || hold > 1000000 || holdin < 0 || holdin > 1000000) {
            std::fprintf(stderr, "%s: +hold and +holdin take 0 to 1000000 cycles\n", who);
            return false;
        }
        lq_rng_seed(&rng, 1);
        return true;
    }
    void seed(uint64_t s) { lq_rng_seed(&rng, s ^ 0x5eed5eedu); }
    bool any() const { return midreset || hold || holdin; }

    // Start a reset now? mid: a vector is partly sent; waiting: an output waits.
    bool reset_now(bool mid, bool waiting)
    {
        if (!midreset || rst_left > 0) return false;
        if (armed < 0) {
            if (lq_rng_below(&rng, 400) != 0) return false;
            armed = (int)lq_rng_below(&rng, 3);
            armed_age = 0;
        }
        bool now = armed == 0 || (armed == 1 && mid) || (armed == 2 && waiting);
        if (!now && ++armed_age < 3000) return false;
        resets[now ? armed : 0]++;
        armed = -1;
        rst_left = 1 + (long)lq_rng_below(&rng, 3);
        return true;
    }
    // After one reset cycle: true when it was the last (the block is as after power-up).
    bool reset_done() { return --rst_left == 0; }
    bool out_held()
    {
        if (hold_left == 0 && hold > 0 && lq_rng_below(&rng, 200) == 0) {
            hold_left = hold;
            holds++;
        }
        if (hold_left == 0) return false;
        hold_left--;
        return true;
    }
    bool in_held()
    {
        if (holdin_left == 0 && holdin > 0 && lq_rng_below(&rng, 200) == 0) {
            holdin_left = holdin;
            holdins++;
        }
        if (holdin_left == 0) return false;
        holdin_left--;
        return true;
    }
    void report(const char* who) const
    {
        if (!any()) return;
        std::printf("%s: faults: %" PRIu64 " resets at random, %" PRIu64 " mid-vector, %" PRIu64
                    " with an output waiting%s; %" PRIu64 " ready holds of %ld cycles, %" PRIu64
                    " valid holds of %ld cycles\n",
                    who, resets[0], resets[1], resets[2], stale ? " (STALE MODEL: test)" : "",
                    holds, hold, holdins, holdin);
    }
};

// One reset cycle of a harness that dumps through lq_waves::Dump at half-cycle ticks:
// rst and no output handshake (the caller has set its input valids low).
template <typename Top, typename Dump> void reset_cycle(Top& top, Dump& dump, uint64_t& tick)
{
    top.clk = 0;
    top.rst = 1;
    top.m_ready = 0;
    top.eval();
    dump.at(tick++);
    top.clk = 1;
    top.eval();
    dump.at(tick++);
    top.rst = 0;
}

// The start of a harness with faults (slqdec_tb, slqmac_tb): the context with random
// reset values and the plusargs, the faults parsed and seeded from the run's seed (ok
// false after a message), the top, its dump (+trace[=FILE], default fst; closed before
// the top is destroyed) and the dump's tick. Members in construction order:
//   lq_faults::Bench<Vdut> bench(argc, argv, "slqdec_tb", "slqdec.fst", seed);
//   auto &[ctx, flt, ok, top, dump, tick] = bench;
template <typename Top> struct Bench {
    VerilatedContext ctx;
    Faults flt;
    bool ok;
    Top top;
    lq_waves::Dump dump;
    uint64_t tick = 0;

    Bench(int argc, char **argv, const char *who, const char *fst, uint64_t seed)
        : ok(start(argc, argv, who, seed)), top(&ctx), dump(who)
    {
        dump.open(&ctx, &top, lq_waves::trace_arg(&ctx, fst));
    }
    bool start(int argc, char **argv, const char *who, uint64_t seed)
    {
        ctx.randReset(2);
        ctx.commandArgs(argc, argv);
        if (!flt.parse(&ctx, who)) return false;
        flt.seed(seed);
        return true;
    }
    // Power-up: four reset cycles (the caller has set the input valids low).
    void power_up()
    {
        for (int i = 0; i < 4; i++) reset_cycle(top, dump, tick);
    }
};

}  // namespace lq_faults

#endif
