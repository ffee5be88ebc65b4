// Co-simulation of a generated SLQ dot product (logq gen slqdot: decoders, activation
// queues, queued successive MAC) against the models: lq_slqhw_dec (each lane's word
// stream to term beats) and lq_slqmac (the results, which queued scheduling leaves
// unchanged: only the cycles differ, docs/slqdot.md). The generated NAME.h is
// force-included (SLQDOT_*). Each lane gets its own weight matrix row as a stream of
// SLQ words, one frame per vector, encoded with lq_slq_encode; some frames are
// corrupted (random word, deleted or doubled word: malformed groups, frames that end
// early or late). The activation stream, every lane's word stream and m_ready stall at
// random in phases. Every output beat (N accumulators, N error flags) must equal the
// model's; for well-formed vectors the model must equal the exact dot product.
// Usage: Vdut [--seed S] [--vectors V] [--full] [--break] [--gauss SIGMA]
//   --full: no stalls, well-formed streams; prints the RTL's cycles per weight.
//   --gauss SIGMA: the measurement: --full with vectors of 16 weights N(0, SIGMA^2);
//           prints words and cycles per weight, queued (RTL) against lockstep (model).
//   --break: one expected value wrong (the check must fail).
//   --fsr F, --theta T: the weights' FSR (default NAME.h's) and the encoder's stop
//           threshold (default 0: almost every Gaussian weight then uses all L words).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vdut.h"
#include "verilated.h"
#include "waves.h"
#include "slq_stim.h" // rng.h, slqhw.h

static const int N = SLQDOT_N;
using lq_slq_stim::get_bits;
using lq_slq_stim::set_bits;
using lq_slq_stim::sext;

int main(int argc, char **argv)
{
    lq_waves::install_signals();
    uint64_t seed = 1;
    int vectors = 300, full = 0, brk = 0;
    int max_words = SLQDOT_L, fsr = SLQDOT_FSR, framing = SLQDOT_FRAMING;
    const int SW = SLQDOT_SW;
    double sigma = 0.0, theta = 0.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--gauss") && i + 1 < argc) { sigma = atof(argv[++i]); full = 1; continue; }
        if (!strcmp(argv[i], "--theta") && i + 1 < argc) { theta = atof(argv[++i]); continue; }
        if (!strcmp(argv[i], "--fsr") && i + 1 < argc) { fsr = atoi(argv[++i]); continue; }
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--vectors") && i + 1 < argc) vectors = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--full")) full = 1;
        else if (!strcmp(argv[i], "--break")) brk = 1;
    }
    char rerun[256];
    if (max_words < 1 || max_words > LQ_SLQ_WORDS_MAX)
        max_words = 2;
    snprintf(rerun, sizeof rerun, "%s --seed %llu --vectors %d%s%s", argv[0],
             (unsigned long long)seed, vectors, full ? " --full" : "", brk ? " --break" : "");
    if (sigma > 0.0)
        snprintf(rerun + strlen(rerun), sizeof rerun - strlen(rerun), " --gauss %g", sigma);
    if (theta > 0.0 || fsr != SLQDOT_FSR)
        snprintf(rerun + strlen(rerun), sizeof rerun - strlen(rerun), " --theta %g --fsr %d",
                 theta, fsr);
    printf("slqdot_tb %s: N=%d W=%d A=%d F=%d ACC=%d L=%d FSR=%d framing=%s Q=%d seed=%llu\n"
           "rerun: %s\n", SLQDOT_NAME, N, SLQDOT_W, SLQDOT_A, SLQDOT_F, SLQDOT_ACC, max_words,
           fsr, lq_framing_name((lq_framing)framing), SLQDOT_Q, (unsigned long long)seed, rerun);

    lq_rng r;
    lq_rng_seed(&r, seed);
    lq_format f = lq_slq_stim::format(SLQDOT_W, fsr, max_words, LQ_NEAREST, theta);
    {
        char fmsg[200];
        if (lq_format_check(&f, fmsg, sizeof fmsg) != 0) {
            printf("FAIL: slqdot_tb: %s\n", fmsg);
            return 1;
        }
    }
    lq_framing fr = (lq_framing)framing;
    const lq_slq_stim::Shape shape = {N, SLQDOT_W, SLQDOT_A, SLQDOT_F, SLQDOT_ACC};
    lq_slq_stim::Stim st;
    lq_slq_stim::make(&r, &f, fr, shape, vectors, sigma, full, false, st);
    lq_slq_stim::Expect ex(shape, st);
    ex.run(brk);
    long steps_full = ex.m.steps;
    printf("%zu activations, %zu vectors expected, model cycles %ld for %ld steps: %.4f cycles "
           "per weight if the lanes were in lockstep%s\n", ex.nact, ex.exp_out.size(), ex.m.cycles, steps_full,
           steps_full ? (double)ex.m.cycles / (double)steps_full : 0.0,
           st.exact ? "; model == exact dot products checked" : "");

    VerilatedContext ctx;
    ctx.randReset(2);
    ctx.commandArgs(argc, argv);
    Vdut top(&ctx);
    lq_waves::Dump dump("slqdot_tb");  // closed before top is destroyed
    dump.open(&ctx, &top, lq_waves::trace_arg(&ctx, "slqdot.fst"));
    uint64_t tick = 0;
    top.rst = 1;
    top.s_act_valid = 0;
    top.s_w_valid = 0;
    top.m_ready = 0;
    for (int i = 0; i < 4; i++) {
        top.clk = 0; top.eval(); dump.at(tick++);
        top.clk = 1; top.eval(); dump.at(tick++);
    }
    top.rst = 0;

    lq_slq_stim::Drive d(ex);
    while (d.op < ex.exp_out.size() && !lq_waves::interrupted) {
        if (!full && d.cycle % 300 == 0)
            d.stalls.pick(&r);
        top.clk = 0;
        d.drive_act(&r, top, [] { return true; });
        for (int j = 0; j < N; j++) {
            d.offer_lane(&r, j, st.lwords[j].size());
            set_bits(top.s_w_valid, j, 1, (uint64_t)d.lv[j]);
            set_bits(top.s_w_data, j * SW, SW,
                     d.lv[j] ? (uint64_t)st.lwords[j][d.lp[j]] : lq_rng_u64(&r)); // garbage when d.idle
            set_bits(top.s_w_last, j, 1, d.lv[j] ? (uint64_t)st.llast[j][d.lp[j]] : lq_rng_below(&r, 2));
        }
        top.m_ready = (int)lq_rng_below(&r, 100) < d.stalls.po;
        top.eval();
        dump.at(tick++);
        int progress = d.transfers(top, top.s_w_ready);
        top.clk = 1;
        top.eval();
        dump.at(tick++);
        if (d.stop(progress, 0))
            break;
    }
    dump.close();
    if (lq_waves::interrupted) {
        top.final();
        return lq_waves::interrupted_exit("slqdot_tb", d.cycle);
    }
    long span = d.last_out - d.first_act;
    if (full && d.errors == 0)
        printf("RTL: %ld cycles from the first activation taken to the last result out for %ld "
               "steps: %.4f cycles per weight (queued, Q = %d); lockstep model: %.4f\n", span,
               steps_full, steps_full ? (double)span / (double)steps_full : 0.0, SLQDOT_Q,
               steps_full ? (double)ex.m.cycles / (double)steps_full : 0.0);
    if (sigma > 0.0 && d.errors == 0)
        printf("MEASURE W=%d L=%d FSR=%d theta=%g sigma=%g seed=%llu lanes=%d Q=%d framing=%s: %ld weights, "
               "words/weight %.4f, bits/weight tag %.3f special %.3f, stream words/weight %.4f, "
               "cycles/weight queued %.4f (RTL), lockstep %.4f (model)\n",
               SLQDOT_W, max_words, fsr, theta, sigma, (unsigned long long)seed, N, SLQDOT_Q,
               lq_framing_name(fr), st.nweights, (double)st.nwords / (double)st.nweights,
               (double)st.nbits_tag / (double)st.nweights, (double)st.nbits_special / (double)st.nweights,
               (double)st.nsw / (double)st.nweights,
               (double)span / (double)ex.m.steps, (double)ex.m.cycles / (double)ex.m.steps);
    top.final();
    return lq_slq_stim::verdict(SLQDOT_NAME, seed, d.errors, rerun, full, ex.exp_out.size());
}
