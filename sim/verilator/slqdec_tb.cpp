// Co-simulation of a generated SLQ decoder (logq gen slqdec) against the stream model
// lq_slqhw_dec (cmodel/slqhw.c). The generated NAME.h is force-included (SLQDEC_*).
// Streams: Gaussian weights (both roundings), zero weights, the paper's 0.4375 example,
// groups of exactly L and L+1 words, mutated and random (malformed) frames. Random
// stalls on both sides, in phases. The output transactions (terms and error reports)
// must equal the model's, in order; the run stops after 10 mismatches.
// Usage: Vdut [--seed S] [--frames N] [--full] [--break] [--trace] [+trace[=FILE]]
//   --trace: print every cycle. +trace[=FILE]: an FST (default slqdec.fst; builds with
//           --trace-fst only: make slq-sim WAVES=1). SIGINT/SIGTERM stop the run and
//           close the dump (exit 130).
//   --full: no stalls on either side and well-formed frames only; then s_ready must
//           never be low (one word per clock).
//   --break: corrupt one expected beat (proves the check can fail).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vdut.h"
#include "verilated.h"
#include "waves.h"
#include "faults.h"
#include "slq_stim.h"

extern "C" {
#include "rng.h"
#include "slqhw.h"
}

struct Word {
    uint32_t w;
    int last;
};

static lq_format fmt_of(int rounding)
{
    return lq_slq_stim::format(SLQDEC_W, SLQDEC_FSR, SLQDEC_L, rounding ? LQ_FLOOR : LQ_NEAREST);
}

static const lq_framing FR = (lq_framing)SLQDEC_FRAMING;
static const uint32_t SWMASK = (1u << SLQDEC_SW) - 1u;

static void push_value(std::vector<Word> &s, const lq_format &f, const lq_slq_value &v)
{
    uint32_t w[2 * LQ_SLQ_WORDS_MAX + 2];
    int n = lq_slq_frame_value(&f, FR, &v, w);
    for (int i = 0; i < n; i++)
        s.push_back({w[i], 0});
}

// A frame of well-formed values.
static void good_frame(std::vector<Word> &s, lq_rng *r, int kind)
{
    lq_format f = fmt_of((int)lq_rng_below(r, 2));
    int k = 1 + (int)lq_rng_below(r, 12);
    double scale = ldexp(1.0, SLQDEC_FSR - 1 - (int)lq_rng_below(r, 4));
    size_t start = s.size();
    for (int i = 0; i < k; i++) {
        double x = lq_rng_gauss(r) * scale;
        if (kind == 1 && lq_rng_below(r, 3) == 0)
            x = 0.0;
        if (kind == 2 && SLQDEC_W == 5 && SLQDEC_FSR == 0)
            x = lq_rng_below(r, 2) ? 0.4375 : -0.4375;
        lq_slq_value v = lq_slq_encode(&f, x);
        push_value(s, f, v);
    }
    (void)start;
    s.back().last = 1;
}

// A group of exactly n value words (n may exceed L: malformed).
static void raw_group(std::vector<Word> &s, lq_rng *r, int n, int allow_zero)
{
    int kmax = (1 << (SLQDEC_W - 1)) - 1;
    lq_format f = fmt_of(0);
    for (int i = 0; i < n; i++) {
        int k = 1 + (int)lq_rng_below(r, (uint64_t)kmax);
        if (lq_rng_below(r, 2))
            k = -k;
        if (allow_zero && lq_rng_below(r, 4) == 0)
            k = 0;
        uint32_t w = lq_slq_word(&f, k);
        if (FR == LQ_FRAMING_TAG) {
            s.push_back({w | ((i + 1 < n ? 1u : 0u) << SLQDEC_W), 0});
        } else {
            if (i > 0)
                s.push_back({lq_slq_special(&f), 0});
            s.push_back({w, 0});
        }
    }
}

static uint32_t random_word(lq_rng *r)
{
    lq_format f = fmt_of(0);
    switch (lq_rng_below(r, 6)) {
    case 0: return lq_slq_special(&f) | (uint32_t)(lq_rng_below(r, 2) << SLQDEC_W & SWMASK);
    case 1: return (uint32_t)(lq_rng_below(r, 2) << SLQDEC_W) & SWMASK;
    default: return (uint32_t)lq_rng_u64(r) & SWMASK;
    }
}

static void make_stream(std::vector<Word> &s, lq_rng *r, int frames, int full)
{
    for (int fi = 0; fi < frames; fi++) {
        int kind = full ? (int)lq_rng_below(r, 4) : (int)lq_rng_below(r, 9);
        size_t start = s.size();
        switch (kind) {
        case 0: case 1: case 2: good_frame(s, r, kind); break;
        case 3: // groups of 1..L words
            for (int g = 1 + (int)lq_rng_below(r, 6); g > 0; g--)
                raw_group(s, r, 1 + (int)lq_rng_below(r, SLQDEC_L), 0);
            s.back().last = 1;
            break;
        case 4: // groups of L+1 and L+2 words, zero words
            for (int g = 1 + (int)lq_rng_below(r, 4); g > 0; g--)
                raw_group(s, r, 1 + (int)lq_rng_below(r, SLQDEC_L + 2), 1);
            s.back().last = 1;
            break;
        case 5: case 6: { // a good frame, mutated
            good_frame(s, r, 0);
            size_t n = s.size() - start;
            for (int m = 1 + (int)lq_rng_below(r, 3); m > 0; m--) {
                size_t p = start + (size_t)lq_rng_below(r, n);
                switch (lq_rng_below(r, 4)) {
                case 0: s[p].w = random_word(r); break;
                case 1: s[p].w ^= 1u << lq_rng_below(r, SLQDEC_SW); break;
                case 2: s.insert(s.begin() + (long)p, Word{random_word(r), 0}); n++; break;
                default: if (n > 1) { s.erase(s.begin() + (long)p); n--; } break;
                }
            }
            for (size_t i = start; i < s.size(); i++)
                s[i].last = 0;
            s.back().last = 1;
            break;
        }
        default: // garbage; sometimes a one-word frame
            for (int g = 1 + (int)lq_rng_below(r, kind == 7 ? 1 : 10); g > 0; g--)
                s.push_back({random_word(r), 0});
            s.back().last = 1;
            break;
        }
    }
}

static void print_beat(const char *what, const lq_slqhw_beat &b)
{
    printf("%s err=%d neg=%d zero=%d shift=%d first=%d wlast=%d vlast=%d", what, b.err, b.neg,
           b.zero, b.shift, b.first, b.wlast, b.vlast);
}

int main(int argc, char **argv)
{
    lq_waves::install_signals();
    uint64_t seed = 1;
    int frames = 3000, full = 0, brk = 0, trace = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc) frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--full")) full = 1;
        else if (!strcmp(argv[i], "--break")) brk = 1;
        else if (!strcmp(argv[i], "--trace")) trace = 1;
    }
    char rerun[256];
    snprintf(rerun, sizeof rerun, "%s --seed %llu --frames %d%s%s", argv[0],
             (unsigned long long)seed, frames, full ? " --full" : "", brk ? " --break" : "");
    printf("slqdec_tb %s: W=%d L=%d framing=%s seed=%llu\nrerun: %s\n", SLQDEC_NAME, SLQDEC_W,
           SLQDEC_L, lq_framing_name(FR), (unsigned long long)seed, rerun);

    lq_rng r;
    lq_rng_seed(&r, seed);
    std::vector<Word> in;
    make_stream(in, &r, frames, full);

    // The model's transactions, and their offsets for the reports: of the whole
    // stream, and again from a frame's first word after a reset (+midreset).
    lq_format f = fmt_of(0);
    std::vector<lq_slqhw_beat> exp;
    std::vector<size_t> exp_word;
    long nerr_model = 0, nlast_empty = 0;
    auto model_from = [&](size_t from) {
        lq_slqhw_dec md;
        lq_slqhw_dec_reset(&md, &f, FR);
        exp.clear();
        exp_word.clear();
        for (size_t i = from; i < in.size(); i++) {
            lq_slqhw_beat b[LQ_SLQHW_BEATS_MAX];
            int nb = lq_slqhw_dec_step(&md, in[i].w, in[i].last, b);
            if (in[i].last && nb == 0)
                nlast_empty++;
            for (int j = 0; j < nb; j++) {
                exp.push_back(b[j]);
                exp_word.push_back(i);
                nerr_model += b[j].err != 0;
            }
        }
    };
    model_from(0);
    const size_t nexp_all = exp.size();   // exp is recomputed after resets
    if (brk && exp.size() > 7)
        exp[7].shift ^= 1;
    printf("stream: %zu words, %zu expected beats, %ld error reports\n", in.size(), exp.size(),
           nerr_model);
    if (nlast_empty) {
        printf("FAIL: %s model: %ld frame ends without a beat\n", SLQDEC_NAME, nlast_empty);
        return 1;
    }

    lq_faults::Bench<Vdut> bench(argc, argv, "slqdec_tb", "slqdec.fst", seed);
    auto &[ctx, flt, ok, top, dump, tick] = bench;
    if (!ok) return 2;
    top.s_valid = 0;
    bench.power_up();

    size_t ip = 0, op = 0;
    long cycle = 0, idle = 0, errors = 0, stall_in = 0, first_in = -1, last_in = -1;
    int vin = 0, pin = 100, pout = 100, out_waiting = 0;
    size_t frame_start = 0;   // the first word of the frame being sent
    while ((op < exp.size() || ip < in.size()) && !lq_waves::interrupted) {
        if (flt.rst_left > 0 || flt.reset_now(ip > frame_start, out_waiting)) {
            // A synchronous reset, no transfer while it is high. After it the frame in
            // flight is sent again from its first word, and the expected beats are a
            // fresh model's from there (+stale-model keeps the old expectations).
            top.s_valid = 0;
            lq_faults::reset_cycle(top, dump, tick);
            cycle++;
            if (flt.reset_done()) {
                ip = frame_start;
                vin = 0;
                out_waiting = 0;
                idle = 0;
                if (!flt.stale) {
                    long n_err = nerr_model;   // the report counts the whole stream's
                    model_from(frame_start);
                    nerr_model = n_err;
                    op = 0;
                }
            }
            continue;
        }
        if (!full && cycle % 400 == 0) {
            static const int ps[] = {100, 95, 60, 25};
            pin = ps[lq_rng_below(&r, 4)];
            pout = ps[lq_rng_below(&r, 4)];
        }
        top.clk = 0;
        if (!vin && ip < in.size())
            vin = (int)lq_rng_below(&r, 100) < pin && !flt.in_held();
        top.s_valid = vin;
        top.s_data = vin ? in[ip].w : 0;
        top.s_last = vin ? in[ip].last : 0;
        top.m_ready = (int)lq_rng_below(&r, 100) < pout;
        if (flt.out_held())
            top.m_ready = 0;
        top.eval();
        dump.at(tick++);
        int in_fire = top.s_valid && top.s_ready;
        int out_fire = top.m_valid && top.m_ready;
        out_waiting = top.m_valid && !top.m_ready;
        if (top.s_valid && !top.s_ready)
            stall_in++;
        if (out_fire) {
            lq_slqhw_beat a = {top.m_err, top.m_neg, top.m_zero, top.m_shift, top.m_first,
                               top.m_wlast, top.m_vlast};
            if (op >= exp.size()) {
                if (errors++ < 10) {
                    printf("MISMATCH cycle %ld: extra beat after the %zu expected ", cycle, exp.size());
                    print_beat("actual", a);
                    printf("\n");
                }
            } else {
                const lq_slqhw_beat &e = exp[op];
                if (memcmp(&a, &e, sizeof a) != 0 && errors++ < 10) {
                    printf("MISMATCH cycle %ld beat %zu (from word %zu = 0x%x last=%d): ", cycle,
                           op, exp_word[op], in[exp_word[op]].w, in[exp_word[op]].last);
                    print_beat("expected", e);
                    print_beat(" actual", a);
                    printf("\n");
                }
            }
            op++;
        }
        if (trace)
            printf("c%ld in %d:%x/%d rdy %d out %d\n", cycle, vin, top.s_data, top.s_last,
                   top.s_ready, out_fire);
        if (in_fire) {
            if (first_in < 0)
                first_in = cycle;
            last_in = cycle;
            if (in[ip].last)
                frame_start = ip + 1;
            ip++;
            vin = 0;
        }
        top.clk = 1;
        top.eval();
        dump.at(tick++);
        cycle++;
        idle = (in_fire || out_fire) ? 0 : idle + 1;
        if (idle > 1000 + flt.hold) {
            printf("HANG at cycle %ld: %zu/%zu words in, %zu/%zu beats out\n", cycle, ip,
                   in.size(), op, exp.size());
            errors++;
            break;
        }
        if (errors >= 10)
            break;
    }
    dump.close();
    if (lq_waves::interrupted) {
        top.final();
        return lq_waves::interrupted_exit("slqdec_tb", cycle);
    }
    long span = last_in - first_in + 1;
    printf("cycles %ld, words in over %ld cycles (%.4f words/cycle), input stalls %ld\n", cycle,
           span, (double)in.size() / (double)span, stall_in);
    flt.report("slqdec_tb");
    if (full && stall_in != 0) {
        printf("full-throughput run: s_ready was low %ld times\n", stall_in);
        errors++;
    }
    top.final();
    if (errors) {
        printf("FAIL: %s seed %llu: %ld errors (rerun: %s)\n", SLQDEC_NAME,
               (unsigned long long)seed, errors, rerun);
        return 1;
    }
    printf("PASS: %s seed %llu%s: %zu words, %zu beats, %ld error reports\n", SLQDEC_NAME,
           (unsigned long long)seed, full ? " full-throughput" : "", in.size(), nexp_all,
           nerr_model);
    return 0;
}
