// Co-simulation of a generated SLQ successive shift-MAC (logq gen slqmac) against the
// model lq_slqmac (cmodel/slqhw.c). The generated NAME.h is force-included (SLQMAC_*).
// Each lane gets its own weight matrix row as a stream of frames (one frame per vector),
// encoded with lq_slq_encode and turned into term beats by the decoder model
// lq_slqhw_dec; some frames are corrupted (error beats, frames that end early or late).
// The activation stream and every lane's term stream stall at random, as does m_ready.
// Every output beat (N accumulators and N error flags) must equal the model's; for
// well-formed vectors the model must equal the exact dot product (when F >= 2^(W-1)-1).
// Usage: Vdut [--seed S] [--vectors V] [--full] [--break]
//              [--gauss SIGMA] [--max-words L] [--fsr F] [--framing tag|special]
//   --full: no stalls, well-formed streams; the cycles per step must equal the model's.
//   --gauss SIGMA: the measurement: --full with vectors of 16 weights N(0, SIGMA^2)
//           (lq_rng_gauss); prints words, bits and cycles per weight.
//   --max-words, --fsr, --framing override NAME.h (the MAC itself does not depend on
//           them; they shape the weight streams).
//   +trace[=FILE]: an FST (default slqmac.fst; builds with --trace-fst only: make
//           slq-mac-sim WAVES=1). SIGINT/SIGTERM stop the run and close the dump (exit 130).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vdut.h"
#include "verilated.h"
#include "waves.h"
#include "faults.h"
#include "slq_stim.h" // rng.h, slqhw.h

static const int N = SLQMAC_N;
using lq_slq_stim::get_bits;
using lq_slq_stim::set_bits;
using lq_slq_stim::sext;

int main(int argc, char **argv)
{
    lq_waves::install_signals();
    uint64_t seed = 1;
    int vectors = 300, full = 0, brk = 0;
    int max_words = SLQMAC_L, fsr = SLQMAC_FSR, framing = SLQMAC_FRAMING;
    double sigma = 0.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--gauss") && i + 1 < argc) { sigma = atof(argv[++i]); full = 1; continue; }
        if (!strcmp(argv[i], "--max-words") && i + 1 < argc) { max_words = atoi(argv[++i]); continue; }
        if (!strcmp(argv[i], "--fsr") && i + 1 < argc) { fsr = atoi(argv[++i]); continue; }
        if (!strcmp(argv[i], "--framing") && i + 1 < argc) {
            framing = !strcmp(argv[++i], "special") ? LQ_FRAMING_SPECIAL : LQ_FRAMING_TAG;
            continue;
        }
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--vectors") && i + 1 < argc) vectors = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--full")) full = 1;
        else if (!strcmp(argv[i], "--break")) brk = 1;
    }
    char rerun[256];
    if (max_words < 1 || max_words > LQ_SLQ_WORDS_MAX)
        max_words = 2;
    snprintf(rerun, sizeof rerun, "%s --seed %llu --vectors %d%s%s --max-words %d --fsr %d "
             "--framing %s", argv[0], (unsigned long long)seed, vectors, full ? " --full" : "",
             brk ? " --break" : "", max_words, fsr, lq_framing_name((lq_framing)framing));
    if (sigma > 0.0)
        snprintf(rerun + strlen(rerun), sizeof rerun - strlen(rerun), " --gauss %g", sigma);
    printf("slqmac_tb %s: N=%d W=%d A=%d F=%d ACC=%d L=%d FSR=%d framing=%s seed=%llu\n"
           "rerun: %s\n", SLQMAC_NAME, N, SLQMAC_W, SLQMAC_A, SLQMAC_F, SLQMAC_ACC, max_words,
           fsr, lq_framing_name((lq_framing)framing), (unsigned long long)seed, rerun);

    lq_rng r;
    lq_rng_seed(&r, seed);
    lq_format f = lq_slq_stim::format(SLQMAC_W, fsr, max_words);
    lq_framing fr = (lq_framing)framing;
    const lq_slq_stim::Shape shape = {N, SLQMAC_W, SLQMAC_A, SLQMAC_F, SLQMAC_ACC};
    lq_slq_stim::Stim st;
    lq_slq_stim::make(&r, &f, fr, shape, vectors, sigma, full, true, st);
    lq_slq_stim::Expect ex(shape, st);
    ex.run(brk);
    long steps_full = ex.m.steps;
    printf("%zu activations, %zu vectors expected, model cycles %ld for %ld steps: %.4f cycles "
           "per weight (lanes in lockstep)%s\n", ex.nact, ex.exp_out.size(), ex.m.cycles, steps_full,
           steps_full ? (double)ex.m.cycles / (double)steps_full : 0.0,
           st.exact ? "; model == exact dot products checked" : "");

    lq_faults::Bench<Vdut> bench(argc, argv, "slqmac_tb", "slqmac.fst", seed);
    auto &[ctx, flt, ok, top, dump, tick] = bench;
    if (!ok) return 2;
    top.s_act_valid = 0;
    top.s_t_valid = 0;
    bench.power_up();

    lq_slq_stim::Drive d(ex);
    int out_waiting = 0;
    while (d.op < ex.exp_out.size() && !lq_waves::interrupted) {
        if (flt.rst_left > 0 || flt.reset_now(d.ap > ex.vstart_act[d.op], out_waiting)) {
            // A synchronous reset, no transfer while it is high; after it the vector in
            // flight (the first not yet out) is sent again on every stream from its
            // start and a fresh model gives the outputs from there.
            top.s_act_valid = 0;
            top.s_t_valid = 0;
            lq_faults::reset_cycle(top, dump, tick);
            d.cycle++;
            if (flt.reset_done()) {
                // +stale-model: the harness goes on as if nothing had been reset (the
                // model's view): the partly sent vector is finished, not sent again.
                if (!flt.stale) {
                    d.ap = ex.vstart_act[d.op];
                    for (int j = 0; j < N; j++)
                        d.lp[j] = ex.vstart_pos[d.op][j];
                    ex.from(d.op);
                }
                for (int j = 0; j < N; j++)
                    d.lv[j] = 0;
                d.av = 0;
                out_waiting = 0;
                d.idle = 0;
            }
            continue;
        }
        if (!full && d.cycle % 300 == 0)
            d.stalls.pick(&r);
        top.clk = 0;
        d.drive_act(&r, top, [&] { return !flt.in_held(); });
        for (int j = 0; j < N; j++) {
            d.offer_lane(&r, j, st.beats[j].size());
            lq_slqhw_beat b = d.lv[j] ? st.beats[j][d.lp[j]] : lq_slqhw_beat{0, 0, 0, 0, 0, 0, 0};
            set_bits(top.s_t_valid, j, 1, (uint64_t)d.lv[j]);
            set_bits(top.s_t_err, 3 * j, 3, (uint64_t)b.err);
            set_bits(top.s_t_neg, j, 1, (uint64_t)b.neg);
            set_bits(top.s_t_zero, j, 1, (uint64_t)b.zero);
            set_bits(top.s_t_shift, j * (SLQMAC_W - 1), SLQMAC_W - 1, (uint64_t)b.shift);
            set_bits(top.s_t_wlast, j, 1, (uint64_t)b.wlast);
            set_bits(top.s_t_vlast, j, 1, (uint64_t)b.vlast);
        }
        top.m_ready = (int)lq_rng_below(&r, 100) < d.stalls.po;
        if (flt.out_held())
            top.m_ready = 0;
        top.eval();
        dump.at(tick++);
        out_waiting = top.m_valid && !top.m_ready;
        int progress = d.transfers(top, top.s_t_ready);
        top.clk = 1;
        top.eval();
        dump.at(tick++);
        if (d.stop(progress, flt.hold))
            break;
    }
    dump.close();
    if (lq_waves::interrupted) {
        top.final();
        return lq_waves::interrupted_exit("slqmac_tb", d.cycle);
    }
    flt.report("slqmac_tb");
    if (full && d.errors == 0) {
        long span = d.last_out - d.first_act;
        printf("RTL: %ld cycles from the first activation taken to the last result out; "
               "model: %ld step cycles + 1 (output register)\n", span, ex.m.cycles);
        if (span != ex.m.cycles + 1) {
            printf("cycle count differs from the model\n");
            d.errors++;
        }
    }
    if (sigma > 0.0 && d.errors == 0)
        printf("MEASURE W=%d L=%d FSR=%d sigma=%g seed=%llu lanes=%d: %ld weights, "
               "words/weight %.4f, bits/weight tag %.4f special %.4f, decoder input cycles/weight "
               "(%s) %.4f, MAC cycles/weight %.4f (RTL, lockstep, = model)\n",
               SLQMAC_W, max_words, fsr, sigma, (unsigned long long)seed, N, st.nweights,
               (double)st.nwords / (double)st.nweights, (double)st.nbits_tag / (double)st.nweights,
               (double)st.nbits_special / (double)st.nweights, lq_framing_name(fr),
               (double)st.nsw / (double)st.nweights, (double)ex.m.cycles / (double)ex.m.steps);
    top.final();
    return lq_slq_stim::verdict(SLQMAC_NAME, seed, d.errors, rerun, full, ex.exp_out.size());
}
