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

extern "C" {
#include "rng.h"
#include "slqhw.h"
}

static const int N = SLQMAC_N;

// Verilator packs wide ports into words (uint32_t arrays above 64 bits).
template <typename T> static void set_bits(T &port, int lsb, int width, uint64_t v)
{
    for (int i = 0; i < width; i++) {
        uint64_t b = (v >> i) & 1u;
        int p = lsb + i;
        if constexpr (std::is_integral<T>::value) {
            port = (T)((port & ~((T)1 << p)) | ((T)b << p));
        } else {
            port[p / 32] = (port[p / 32] & ~(1u << (p % 32))) | ((uint32_t)b << (p % 32));
        }
    }
}
template <typename T> static uint64_t get_bits(const T &port, int lsb, int width)
{
    uint64_t v = 0;
    for (int i = 0; i < width; i++) {
        int p = lsb + i;
        uint64_t b;
        if constexpr (std::is_integral<T>::value)
            b = (uint64_t)(port >> p) & 1u;
        else
            b = (port[p / 32] >> (p % 32)) & 1u;
        v |= b << i;
    }
    return v;
}

static int64_t sext(uint64_t v, int bits)
{
    uint64_t m = bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
    uint64_t s = (uint64_t)1 << (bits - 1);
    return (int64_t)(((v & m) ^ s) - s);
}

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
    lq_format f = lq_format_default();
    f.scheme = LQ_SLQ;
    f.bits = SLQMAC_W;
    f.fsr = fsr;
    f.max_words = max_words;
    f.is_signed = true;
    lq_framing fr = (lq_framing)framing;
    long nweights = 0, nwords = 0, nbits_tag = 0, nbits_special = 0, nsw = 0;
    int exact = SLQMAC_F >= (1 << (SLQMAC_W - 1)) - 1;

    // Activations and per-lane beats.
    std::vector<int64_t> act;
    std::vector<int> act_last;
    std::vector<std::vector<lq_slqhw_beat>> beats(N);
    std::vector<int> vec_ok;          // no lane corrupted in this vector
    std::vector<std::vector<int64_t>> exact_dot; // per vector, per lane (mod 2^ACC)
    lq_slqhw_dec dec[SLQMAC_N];
    for (int j = 0; j < N; j++)
        lq_slqhw_dec_reset(&dec[j], &f, fr);
    int64_t amax = ((int64_t)1 << (SLQMAC_A - 1)) - 1;
    for (int vi = 0; vi < vectors; vi++) {
        int k = sigma > 0.0 ? 16 : 1 + (int)lq_rng_below(&r, 12);
        f.rounding = sigma > 0.0 ? LQ_NEAREST : lq_rng_below(&r, 2) ? LQ_FLOOR : LQ_NEAREST;
        int corrupt = !full && lq_rng_below(&r, 5) == 0;
        // A third of the vectors aim at the terms where floor and truncation toward
        // zero differ: x * 2^F negative and not a multiple of 2^shift, that is odd
        // negative activations and weights small enough for shifts beyond F (possible
        // only when F < 2^(W-1) - 1, the largest shift).
        int low = sigma == 0.0 && SLQMAC_F < (1 << (SLQMAC_W - 1)) - 1 && lq_rng_below(&r, 3) == 0;
        std::vector<int64_t> xs(k);
        for (int i = 0; i < k; i++) {
            if (low && lq_rng_below(&r, 4) != 0) {
                xs[i] = -2 * (int64_t)lq_rng_below(&r, (uint64_t)(amax + 1) / 2) - 1; // -1 .. -amax
                act.push_back(xs[i]);
                act_last.push_back(i == k - 1);
                continue;
            }
            switch (lq_rng_below(&r, 8)) {
            case 0: xs[i] = amax; break;
            case 1: xs[i] = -amax - 1; break;
            case 2: xs[i] = (int64_t)lq_rng_below(&r, 3) - 1; break;
            default: xs[i] = (int64_t)lq_rng_below(&r, (uint64_t)(2 * amax + 2)) - amax - 1;
            }
            act.push_back(xs[i]);
            act_last.push_back(i == k - 1);
        }
        std::vector<int64_t> dots(N, 0);
        for (int j = 0; j < N; j++) {
            std::vector<uint32_t> words;
            uint64_t dot = 0;
            double scale = ldexp(1.0, fsr - 1 - (int)lq_rng_below(&r, 3));
            if (low) // first-word shifts from F + 1 up to the largest
                scale = ldexp(1.0, fsr - SLQMAC_F - 1 -
                                       (int)lq_rng_below(&r, (uint64_t)((1 << (SLQMAC_W - 1)) - 1 - SLQMAC_F)));
            for (int i = 0; i < k; i++) {
                double x = sigma > 0.0 ? lq_rng_gauss(&r) * sigma
                           : lq_rng_below(&r, 6) == 0 ? 0.0 : lq_rng_gauss(&r) * scale;
                lq_slq_value v = lq_slq_encode(&f, x);
                uint32_t w[2 * LQ_SLQ_WORDS_MAX];
                int n = lq_slq_frame_value(&f, fr, &v, w);
                nweights++;
                nwords += v.n;
                nsw += n;
                nbits_tag += lq_slq_value_bits(&f, LQ_FRAMING_TAG, v.n);
                nbits_special += lq_slq_value_bits(&f, LQ_FRAMING_SPECIAL, v.n);
                words.insert(words.end(), w, w + n);
                int64_t wf;
                if (lq_slq_value_fixed(&f, &v, SLQMAC_F - fsr, &wf) == 0)
                    dot += (uint64_t)(xs[i] * wf);
                else
                    exact = 0;
            }
            dots[j] = sext(dot, SLQMAC_ACC);
            if (corrupt && lq_rng_below(&r, 2)) {
                size_t p = (size_t)lq_rng_below(&r, words.size());
                switch (lq_rng_below(&r, 3)) {
                case 0: words[p] = (uint32_t)lq_rng_u64(&r) & ((1u << lq_slq_stream_width(&f, fr)) - 1); break;
                case 1: words.erase(words.begin() + (long)p); break;
                default: words.insert(words.begin() + (long)p, words[p]); break;
                }
                if (words.empty())
                    words.push_back(0);
            }
            for (size_t i = 0; i < words.size(); i++) {
                lq_slqhw_beat b[LQ_SLQHW_BEATS_MAX];
                int nb = lq_slqhw_dec_step(&dec[j], words[i], i + 1 == words.size(), b);
                beats[j].insert(beats[j].end(), b, b + nb);
            }
        }
        vec_ok.push_back(!corrupt);
        exact_dot.push_back(dots);
    }

    // The model's outputs. Stop at the first step a lane cannot complete (a lane whose
    // frames ran short at the end): later activations are not driven either. Where
    // each vector starts (its first activation, every lane's next beat) is kept: after
    // a reset (+midreset) the vector in flight is sent again from there, and the
    // expected outputs are a fresh model's from there.
    lq_slqmac m;
    lq_slqmac_reset(&m, N, SLQMAC_A, SLQMAC_F, SLQMAC_ACC);
    std::vector<const lq_slqhw_beat *> bp(N);
    std::vector<size_t> bn(N), pos(N, 0);
    for (int j = 0; j < N; j++) {
        bp[j] = beats[j].data();
        bn[j] = beats[j].size();
    }
    std::vector<std::vector<int64_t>> exp_out;
    std::vector<std::vector<int>> exp_err;
    std::vector<size_t> vstart_act(1, 0);
    std::vector<std::vector<size_t>> vstart_pos(1, std::vector<size_t>(N, 0));
    size_t nact = 0;
    long model_errors = 0, steps_full = 0;
    for (; nact < act.size(); nact++) {
        std::vector<int64_t> o(N);
        std::vector<int> e(N);
        int rc = lq_slqmac_step(&m, act[nact], act_last[nact], bp.data(), bn.data(), pos.data(),
                                o.data(), e.data());
        if (rc < 0)
            break;
        if (rc == 1) {
            size_t vi = exp_out.size();
            for (int j = 0; j < N; j++) {
                if (vec_ok[vi] && (e[j] || (exact && o[j] != exact_dot[vi][j]))) {
                    if (model_errors++ < 10)
                        printf("MODEL vector %zu lane %d: acc %lld err %d, exact dot %lld\n", vi, j,
                               (long long)o[j], e[j], (long long)exact_dot[vi][j]);
                }
            }
            exp_out.push_back(o);
            exp_err.push_back(e);
            vstart_act.push_back(nact + 1);
            vstart_pos.push_back(pos);
        }
    }
    // After a reset: the expected outputs of vectors v.. from a fresh model (the
    // output list then starts at vector v).
    auto model_from = [&](size_t v) {
        lq_slqmac mr;
        lq_slqmac_reset(&mr, N, SLQMAC_A, SLQMAC_F, SLQMAC_ACC);
        std::vector<size_t> p = vstart_pos[v];
        exp_out.resize(v);
        exp_err.resize(v);
        for (size_t k = vstart_act[v]; k < nact; k++) {
            std::vector<int64_t> o(N);
            std::vector<int> e(N);
            int rc = lq_slqmac_step(&mr, act[k], act_last[k], bp.data(), bn.data(), p.data(),
                                    o.data(), e.data());
            if (rc < 0)
                break;
            if (rc == 1) {
                exp_out.push_back(o);
                exp_err.push_back(e);
            }
        }
    };
    while (nact > 0 && !act_last[nact - 1])
        nact--; // drive whole vectors only
    steps_full = m.steps;
    if (brk && exp_out.size() > 2)
        exp_out[2][0] ^= 1;
    printf("%zu activations, %zu vectors expected, model cycles %ld for %ld steps: %.4f cycles "
           "per weight (lanes in lockstep)%s\n", nact, exp_out.size(), m.cycles, steps_full,
           steps_full ? (double)m.cycles / (double)steps_full : 0.0,
           exact ? "; model == exact dot products checked" : "");

    VerilatedContext ctx;
    ctx.randReset(2);
    ctx.commandArgs(argc, argv);
    lq_faults::Faults flt;
    if (!flt.parse(&ctx, "slqmac_tb")) return 2;
    flt.seed(seed);
    Vdut top(&ctx);
    lq_waves::Dump dump("slqmac_tb");  // closed before top is destroyed
    dump.open(&ctx, &top, lq_waves::trace_arg(&ctx, "slqmac.fst"));
    uint64_t tick = 0;
    top.rst = 1;
    top.s_act_valid = 0;
    top.s_t_valid = 0;
    top.m_ready = 0;
    for (int i = 0; i < 4; i++) {
        top.clk = 0; top.eval(); dump.at(tick++);
        top.clk = 1; top.eval(); dump.at(tick++);
    }
    top.rst = 0;

    size_t ap = 0, op = 0;
    std::vector<size_t> lp(N, 0);
    std::vector<int> lv(N, 0);
    int av = 0, pa = 100, pt = 100, po = 100;
    long cycle = 0, idle = 0, errors = model_errors, first_act = -1, last_out = -1;
    int out_waiting = 0;
    while (op < exp_out.size() && !lq_waves::interrupted) {
        if (flt.rst_left > 0 || flt.reset_now(ap > vstart_act[op], out_waiting)) {
            // A synchronous reset, no transfer while it is high; after it the vector in
            // flight (the first not yet out) is sent again on every stream from its
            // start and a fresh model gives the outputs from there.
            top.s_act_valid = 0;
            top.s_t_valid = 0;
            lq_faults::reset_cycle(top, dump, tick);
            cycle++;
            if (flt.reset_done()) {
                // +stale-model: the harness goes on as if nothing had been reset (the
                // model's view): the partly sent vector is finished, not sent again.
                if (!flt.stale) {
                    ap = vstart_act[op];
                    for (int j = 0; j < N; j++)
                        lp[j] = vstart_pos[op][j];
                    model_from(op);
                }
                for (int j = 0; j < N; j++)
                    lv[j] = 0;
                av = 0;
                out_waiting = 0;
                idle = 0;
            }
            continue;
        }
        if (!full && cycle % 300 == 0) {
            static const int ps[] = {100, 90, 60, 30};
            pa = ps[lq_rng_below(&r, 4)];
            pt = ps[lq_rng_below(&r, 4)];
            po = ps[lq_rng_below(&r, 4)];
        }
        top.clk = 0;
        if (!av && ap < nact)
            av = (int)lq_rng_below(&r, 100) < pa && !flt.in_held();
        top.s_act_valid = av;
        top.s_act_data = (uint32_t)(av ? act[ap] : 0) & (uint32_t)((1ull << SLQMAC_A) - 1);
        top.s_act_last = av ? act_last[ap] : 0;
        for (int j = 0; j < N; j++) {
            if (!lv[j] && lp[j] < beats[j].size())
                lv[j] = (int)lq_rng_below(&r, 100) < pt;
            lq_slqhw_beat b = lv[j] ? beats[j][lp[j]] : lq_slqhw_beat{0, 0, 0, 0, 0, 0, 0};
            set_bits(top.s_t_valid, j, 1, (uint64_t)lv[j]);
            set_bits(top.s_t_err, 3 * j, 3, (uint64_t)b.err);
            set_bits(top.s_t_neg, j, 1, (uint64_t)b.neg);
            set_bits(top.s_t_zero, j, 1, (uint64_t)b.zero);
            set_bits(top.s_t_shift, j * (SLQMAC_W - 1), SLQMAC_W - 1, (uint64_t)b.shift);
            set_bits(top.s_t_wlast, j, 1, (uint64_t)b.wlast);
            set_bits(top.s_t_vlast, j, 1, (uint64_t)b.vlast);
        }
        top.m_ready = (int)lq_rng_below(&r, 100) < po;
        if (flt.out_held())
            top.m_ready = 0;
        top.eval();
        dump.at(tick++);
        out_waiting = top.m_valid && !top.m_ready;
        int progress = 0;
        if (top.m_valid && top.m_ready) {
            for (int j = 0; j < N; j++) {
                int64_t a = sext(get_bits(top.m_data, j * SLQMAC_ACC, SLQMAC_ACC), SLQMAC_ACC);
                int ae = (int)get_bits(top.m_err, j, 1);
                if ((a != exp_out[op][j] || ae != exp_err[op][j]) && errors++ < 10)
                    printf("MISMATCH cycle %ld vector %zu lane %d: expected acc %lld err %d, "
                           "actual acc %lld err %d\n", cycle, op, j, (long long)exp_out[op][j],
                           exp_err[op][j], (long long)a, ae);
            }
            op++;
            last_out = cycle;
            progress = 1;
        }
        if (top.s_act_valid && top.s_act_ready) {
            if (first_act < 0)
                first_act = cycle;
            ap++;
            av = 0;
            progress = 1;
        }
        for (int j = 0; j < N; j++) {
            if (lv[j] && get_bits(top.s_t_ready, j, 1)) {
                lp[j]++;
                lv[j] = 0;
                progress = 1;
            }
        }
        top.clk = 1;
        top.eval();
        dump.at(tick++);
        cycle++;
        idle = progress ? 0 : idle + 1;
        if (idle > 1000 + flt.hold) {
            printf("HANG at cycle %ld: %zu/%zu activations, %zu/%zu outputs\n", cycle, ap, nact,
                   op, exp_out.size());
            errors++;
            break;
        }
        if (errors >= 10)
            break;
    }
    dump.close();
    if (lq_waves::interrupted) {
        top.final();
        return lq_waves::interrupted_exit("slqmac_tb", cycle);
    }
    flt.report("slqmac_tb");
    if (full && errors == 0) {
        long span = last_out - first_act;
        printf("RTL: %ld cycles from the first activation taken to the last result out; "
               "model: %ld step cycles + 1 (output register)\n", span, m.cycles);
        if (span != m.cycles + 1) {
            printf("cycle count differs from the model\n");
            errors++;
        }
    }
    if (sigma > 0.0 && errors == 0)
        printf("MEASURE W=%d L=%d FSR=%d sigma=%g seed=%llu lanes=%d: %ld weights, "
               "words/weight %.4f, bits/weight tag %.4f special %.4f, decoder input cycles/weight "
               "(%s) %.4f, MAC cycles/weight %.4f (RTL, lockstep, = model)\n",
               SLQMAC_W, max_words, fsr, sigma, (unsigned long long)seed, N, nweights,
               (double)nwords / (double)nweights, (double)nbits_tag / (double)nweights,
               (double)nbits_special / (double)nweights, lq_framing_name(fr),
               (double)nsw / (double)nweights, (double)m.cycles / (double)m.steps);
    top.final();
    if (errors) {
        printf("FAIL: %s seed %llu: %ld errors (rerun: %s)\n", SLQMAC_NAME,
               (unsigned long long)seed, errors, rerun);
        return 1;
    }
    printf("PASS: %s seed %llu%s: %zu vectors\n", SLQMAC_NAME, (unsigned long long)seed,
           full ? " full-throughput" : "", exp_out.size());
    return 0;
}
