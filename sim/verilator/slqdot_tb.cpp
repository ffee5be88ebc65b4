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

extern "C" {
#include "rng.h"
#include "slqhw.h"
}

static const int N = SLQDOT_N;

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
    lq_format f = lq_format_default();
    f.scheme = LQ_SLQ;
    f.bits = SLQDOT_W;
    f.fsr = fsr;
    f.max_words = max_words;
    f.is_signed = true;
    f.theta = theta;
    {
        char fmsg[200];
        if (lq_format_check(&f, fmsg, sizeof fmsg) != 0) {
            printf("FAIL: slqdot_tb: %s\n", fmsg);
            return 1;
        }
    }
    lq_framing fr = (lq_framing)framing;
    long nweights = 0, nwords = 0, nbits_tag = 0, nbits_special = 0, nsw = 0;
    int exact = SLQDOT_F >= (1 << (SLQDOT_W - 1)) - 1;

    // Activations and per-lane beats.
    std::vector<int64_t> act;
    std::vector<int> act_last;
    std::vector<std::vector<lq_slqhw_beat>> beats(N);
    std::vector<std::vector<uint32_t>> lwords(N);   // the stream words of each lane
    std::vector<std::vector<int>> llast(N);         // and their `last`
    std::vector<int> vec_ok;          // no lane corrupted in this vector
    std::vector<std::vector<int64_t>> exact_dot; // per vector, per lane (mod 2^ACC)
    lq_slqhw_dec dec[SLQDOT_N];
    for (int j = 0; j < N; j++)
        lq_slqhw_dec_reset(&dec[j], &f, fr);
    int64_t amax = ((int64_t)1 << (SLQDOT_A - 1)) - 1;
    for (int vi = 0; vi < vectors; vi++) {
        int k = sigma > 0.0 ? 16 : 1 + (int)lq_rng_below(&r, 12);
        f.rounding = sigma > 0.0 ? LQ_NEAREST : lq_rng_below(&r, 2) ? LQ_FLOOR : LQ_NEAREST;
        int corrupt = !full && lq_rng_below(&r, 5) == 0;
        std::vector<int64_t> xs(k);
        for (int i = 0; i < k; i++) {
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
                if (lq_slq_value_fixed(&f, &v, SLQDOT_F - fsr, &wf) == 0)
                    dot += (uint64_t)(xs[i] * wf);
                else
                    exact = 0;
            }
            dots[j] = sext(dot, SLQDOT_ACC);
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
                lwords[j].push_back(words[i]);
                llast[j].push_back(i + 1 == words.size());
            }
        }
        vec_ok.push_back(!corrupt);
        exact_dot.push_back(dots);
    }

    // The model's outputs. Stop at the first step a lane cannot complete (a lane whose
    // frames ran short at the end): later activations are not driven either.
    lq_slqmac m;
    lq_slqmac_reset(&m, N, SLQDOT_A, SLQDOT_F, SLQDOT_ACC);
    std::vector<const lq_slqhw_beat *> bp(N);
    std::vector<size_t> bn(N), pos(N, 0);
    for (int j = 0; j < N; j++) {
        bp[j] = beats[j].data();
        bn[j] = beats[j].size();
    }
    std::vector<std::vector<int64_t>> exp_out;
    std::vector<std::vector<int>> exp_err;
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
        }
    }
    while (nact > 0 && !act_last[nact - 1])
        nact--; // drive whole vectors only
    steps_full = m.steps;
    if (brk && exp_out.size() > 2)
        exp_out[2][0] ^= 1;
    printf("%zu activations, %zu vectors expected, model cycles %ld for %ld steps: %.4f cycles "
           "per weight if the lanes were in lockstep%s\n", nact, exp_out.size(), m.cycles, steps_full,
           steps_full ? (double)m.cycles / (double)steps_full : 0.0,
           exact ? "; model == exact dot products checked" : "");

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

    size_t ap = 0, op = 0;
    std::vector<size_t> lp(N, 0);
    std::vector<int> lv(N, 0);
    int av = 0, pa = 100, pt = 100, po = 100;
    long cycle = 0, idle = 0, errors = model_errors, first_act = -1, last_out = -1;
    while (op < exp_out.size() && !lq_waves::interrupted) {
        if (!full && cycle % 300 == 0) {
            static const int ps[] = {100, 90, 60, 30};
            pa = ps[lq_rng_below(&r, 4)];
            pt = ps[lq_rng_below(&r, 4)];
            po = ps[lq_rng_below(&r, 4)];
        }
        top.clk = 0;
        if (!av && ap < nact)
            av = (int)lq_rng_below(&r, 100) < pa;
        top.s_act_valid = av;
        top.s_act_data = (uint32_t)(av ? act[ap] : 0) & (uint32_t)((1ull << SLQDOT_A) - 1);
        top.s_act_last = av ? act_last[ap] : 0;
        for (int j = 0; j < N; j++) {
            if (!lv[j] && lp[j] < lwords[j].size())
                lv[j] = (int)lq_rng_below(&r, 100) < pt;
            set_bits(top.s_w_valid, j, 1, (uint64_t)lv[j]);
            set_bits(top.s_w_data, j * SW, SW,
                     lv[j] ? (uint64_t)lwords[j][lp[j]] : lq_rng_u64(&r)); // garbage when idle
            set_bits(top.s_w_last, j, 1, lv[j] ? (uint64_t)llast[j][lp[j]] : lq_rng_below(&r, 2));
        }
        top.m_ready = (int)lq_rng_below(&r, 100) < po;
        top.eval();
        dump.at(tick++);
        int progress = 0;
        if (top.m_valid && top.m_ready) {
            for (int j = 0; j < N; j++) {
                int64_t a = sext(get_bits(top.m_data, j * SLQDOT_ACC, SLQDOT_ACC), SLQDOT_ACC);
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
            if (lv[j] && get_bits(top.s_w_ready, j, 1)) {
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
        if (idle > 1000) {
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
        return lq_waves::interrupted_exit("slqdot_tb", cycle);
    }
    long span = last_out - first_act;
    if (full && errors == 0)
        printf("RTL: %ld cycles from the first activation taken to the last result out for %ld "
               "steps: %.4f cycles per weight (queued, Q = %d); lockstep model: %.4f\n", span,
               steps_full, steps_full ? (double)span / (double)steps_full : 0.0, SLQDOT_Q,
               steps_full ? (double)m.cycles / (double)steps_full : 0.0);
    if (sigma > 0.0 && errors == 0)
        printf("MEASURE W=%d L=%d FSR=%d theta=%g sigma=%g seed=%llu lanes=%d Q=%d framing=%s: %ld weights, "
               "words/weight %.4f, bits/weight tag %.3f special %.3f, stream words/weight %.4f, "
               "cycles/weight queued %.4f (RTL), lockstep %.4f (model)\n",
               SLQDOT_W, max_words, fsr, theta, sigma, (unsigned long long)seed, N, SLQDOT_Q,
               lq_framing_name(fr), nweights, (double)nwords / (double)nweights,
               (double)nbits_tag / (double)nweights, (double)nbits_special / (double)nweights,
               (double)nsw / (double)nweights,
               (double)span / (double)m.steps, (double)m.cycles / (double)m.steps);
    top.final();
    if (errors) {
        printf("FAIL: %s seed %llu: %ld errors (rerun: %s)\n", SLQDOT_NAME,
               (unsigned long long)seed, errors, rerun);
        return 1;
    }
    printf("PASS: %s seed %llu%s: %zu vectors\n", SLQDOT_NAME, (unsigned long long)seed,
           full ? " full-throughput" : "", exp_out.size());
    return 0;
}
