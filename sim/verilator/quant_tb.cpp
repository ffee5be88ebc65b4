// Co-simulation of the generated hardware quantizer (`logq gen quant`) against its
// model lq_qhw (cmodel/quanthw.c: lq_quantize of the exact value of every input).
// Build: verilator --cc --exe --prefix Vdut with -I cmodel, -include the generated
// NAME.h (QUANT_* macros) and build/liblogq.a (mk/quant.mk, tests/quant.sh).
// Plusargs: +seed=N +beats=N +exhaustive (every input value in every lane, A <= 20:
// beat k gives lane i the field (k + i * stride) mod 2^A) +full (no stalls: checks one
// beat per clock) +fault (the model quantizes |v| + 1: proves the check fails at the
// thresholds) +maxerr=N +quiet +trace[=FILE] (FST, WAVES=1 builds).
// Stimulus: first every lane sees both integer neighbours of every threshold
// ceil(2^(p/4) 2^n) and 2^n of every octave, both signs (the flush and saturation
// thresholds are among them), 0, +-1 and the extremes; then uniform fields,
// octave-biased fields (a random field shifted right by 0..A-1) and corners again;
// `last` on random beats. Valid/ready stalls on both sides in phases (full rate,
// 90/100, 50/50, 20/90, 100/20 percent). Exit 0 when every output matched.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "Vdut.h"
#include "verilated.h"
#include "ports.h"
#include "waves.h"
#include "harness.h"

extern "C" {
#include "quanthw.h"
#include "rng.h"
}

static const int N = QUANT_LANES, A = QUANT_IN_BITS, B = QUANT_OUT_BITS;
static const int IW = (QUANT_IN_DATA_BITS + 31) / 32 + 1, OW = (QUANT_OUT_DATA_BITS + 31) / 32 + 1;

using lq_ports::get;
using lq_ports::put;
using lq_ports::unpack;
static void pack(const uint32_t *f, int bits, uint32_t *w, int nw) { lq_ports::pack(f, N, bits, w, nw); }

struct Beat {
    uint32_t f[N];
    int last;
    long idx;
};

static lq_rng rng;
static long rnd(long n) { return (long)lq_rng_below(&rng, (uint64_t)n); }
static const uint32_t FMASK = (uint32_t)((1ull << A) - 1);

// Both integer neighbours of every threshold, both signs, and the extremes.
static std::vector<uint32_t> corners()
{
    std::vector<uint32_t> c;
    const int64_t umax = QUANT_IN_SIGNED ? (int64_t)1 << (A - 1) : ((int64_t)1 << A) - 1;
    for (int n = 0; n < A; n++)
        for (int p = 0; p < 4; p++) {
            int64_t t = p == 0 ? (int64_t)1 << n : (int64_t)lq_qhw_threshold(n + 1, p);
            for (int64_t u = t - 1; u <= t; u++) {
                if (u < 0 || u > umax) continue;
                c.push_back((uint32_t)u & FMASK);
                if (QUANT_IN_SIGNED && u > 0) c.push_back((uint32_t)(-u) & FMASK);
            }
        }
    c.push_back(FMASK);                                   // -1 or the largest
    if (QUANT_IN_SIGNED) c.push_back(FMASK >> 1);         // the largest positive
    return c;
}

int main(int argc, char **argv)
{
    VerilatedContext *ctx = new VerilatedContext;
    lq_waves::install_signals();
    ctx->commandArgs(argc, argv);
    ctx->randReset(2);
    const std::string trace = lq_waves::trace_arg(ctx, "quant.fst");
    const char *a;
    uint64_t seed = 1;
    long nbeats = 20000, maxerr = 10;
    int fault = 0, quiet = 0, exhaustive = 0, full = 0;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a) seed = strtoull(a + 6, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("beats=")) && *a) nbeats = strtol(a + 7, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("maxerr=")) && *a) maxerr = strtol(a + 8, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("fault")) && *a) fault = 1;
    if ((a = ctx->commandArgsPlusMatch("quiet")) && *a) quiet = 1;
    if ((a = ctx->commandArgsPlusMatch("exhaustive")) && *a) exhaustive = 1;
    if ((a = ctx->commandArgsPlusMatch("full")) && *a) full = 1;
    if (exhaustive && A > 20) {
        printf("FAIL: quant_tb: +exhaustive needs at most 20 input bits (A = %d)\n", A);
        return 1;
    }
    if (exhaustive) nbeats = 1L << A;
    std::string rerun = std::string(argv[0]) + " +seed=" + std::to_string(seed) +
                        (exhaustive ? std::string(" +exhaustive")
                                    : " +beats=" + std::to_string(nbeats)) +
                        (full ? " +full" : "") + (fault ? " +fault" : "");

    lq_qhw_cfg cfg;
    std::memset(&cfg, 0, sizeof cfg);
    cfg.lanes = N;
    cfg.in_bits = A;
    cfg.in_signed = QUANT_IN_SIGNED;
    cfg.in_lsb = QUANT_IN_LSB;
    cfg.relu = QUANT_RELU;
    cfg.out = lq_format_default();
    cfg.out.scheme = QUANT_SCHEME_HALF ? LQ_LOGSQRT2 : LQ_LOG2;
    cfg.out.bits = B;
    cfg.out.is_signed = QUANT_OUT_SIGNED;
    cfg.out.fsr = QUANT_FSR;
    cfg.out.rounding = QUANT_FLOOR ? LQ_FLOOR : LQ_NEAREST;
    cfg.fault = fault;
    lq_qhw m;
    char msg[256];
    if (lq_qhw_init(&m, &cfg, msg, sizeof msg) != 0) {
        printf("FAIL: quant_tb: model: %s\n", msg);
        return 1;
    }
    if (m.k.c0 != QUANT_C0 || m.k.nthr != QUANT_NTHR || m.k.k[0] != QUANT_K0 ||
        m.k.k[1] != QUANT_K1) {
        printf("FAIL: quant_tb: the generated constants differ from the model's\n");
        return 1;
    }
    printf("quant_tb: %s: %d lane(s), %s A=%d LSB 2^%d%s -> %s %s B=%d FSR %d %s, pipe %d; "
           "seed %llu, %ld beats%s%s\n",
           QUANT_NAME, N, QUANT_IN_SIGNED ? "signed" : "unsigned", A, QUANT_IN_LSB,
           QUANT_RELU ? " relu" : "", QUANT_OUT_SIGNED ? "signed" : "unsigned",
           QUANT_SCHEME_HALF ? "logsqrt2" : "log2", B, QUANT_FSR,
           QUANT_FLOOR ? "floor" : "nearest", QUANT_PIPE, (unsigned long long)seed, nbeats,
           exhaustive ? " (exhaustive)" : "", full ? " (full rate)" : "");
    printf("quant_tb: rerun: %s\n", rerun.c_str());
    lq_rng_seed(&rng, seed);
    const std::vector<uint32_t> cor = corners();
    const long ncor = (long)cor.size();
    const uint64_t stride = ((1ull << A) / N) | 1;

    Vdut *top = new Vdut{ctx};
    lq_waves::Dump dump("quant_tb");
    dump.open(ctx, top, trace);
    std::deque<Beat> expq;  // accepted beats whose outputs are due
    std::vector<uint32_t> inw(IW), outw(OW);
    long made = 0, checked = 0, errors = 0, cycle = 0, idle = 0, flushed = 0, saturated = 0;
    long first_in = -1, last_out = -1, stalled_full = 0;
    lq_harness::Phases ph; // full rate until cycle 500
    int holding = 0;
    Beat cur;
    std::vector<char> cor_seen((size_t)ncor, 0);
    const uint32_t mmax = (1u << m.k.b) - 1;

    top->s_last = 0;
    lq_harness::reset(top, dump, cycle);
    while (errors < maxerr && !lq_waves::interrupted) {
        if (cycle % 500 == 0) {
            ph.pick((int)rnd(5));
            if (full) ph.pv = ph.pr = 100;
        }
        if (!holding && made < nbeats && rnd(100) < ph.pv) {
            cur.idx = made;
            cur.last = rnd(8) == 0 || made + 1 == nbeats;
            long kind = made < ncor ? 3 : rnd(10);
            for (int i = 0; i < N; i++) {
                uint32_t f;
                if (exhaustive)
                    f = (uint32_t)(((uint64_t)made + (uint64_t)i * stride) & FMASK);
                else if (kind == 3)
                    f = cor[(size_t)((made + i) % ncor)];
                else if (kind < 3)
                    f = (uint32_t)lq_rng_u64(&rng) & FMASK;
                else if (kind < 7)
                    f = ((uint32_t)lq_rng_u64(&rng) & FMASK) >> rnd(A);
                else
                    f = cor[(size_t)rnd(ncor)];
                if (kind >= 3 && kind < 7 && QUANT_IN_SIGNED && rnd(2)) f = (0u - f) & FMASK;
                cur.f[i] = f;
            }
            made++;
            holding = 1;
        }
        top->s_valid = holding;
        if (holding) {
            pack(cur.f, A, inw.data(), IW);
            put(top->s_data, inw.data());
            top->s_last = cur.last;
        } else {
            for (auto &w : inw) w = (uint32_t)lq_rng_u64(&rng);  // garbage while idle
            put(top->s_data, inw.data());
            top->s_last = rnd(2);
        }
        top->m_ready = rnd(100) < ph.pr;
        lq_harness::fall(top, dump, cycle);
        if (full && holding && !top->s_ready) stalled_full++;
        if (top->m_valid && top->m_ready) {
            if (expq.empty()) {
                printf("MISMATCH cycle %ld: an output with no beat pending\n", cycle);
                errors++;
            } else {
                Beat x = expq.front();
                expq.pop_front();
                uint32_t want[N];
                lq_qhw_step(&m, x.f, want);
                get(top->m_data, outw.data());
                int bad = top->m_last != x.last;
                for (int i = 0; i < N; i++) {
                    uint32_t got = unpack(outw.data(), B, i);
                    uint32_t mag = want[i] & mmax;
                    flushed += mag == 0 && lq_qhw_value(&cfg, x.f[i]) != 0.0;
                    saturated += mag == mmax;
                    if (got == want[i]) continue;
                    bad = 1;
                    if (errors < maxerr)
                        printf("MISMATCH cycle %ld: beat %ld lane %d: input 0x%x (%.17g)\n"
                               "  expected code 0x%x, actual 0x%x\n",
                               cycle, x.idx, i, x.f[i], lq_qhw_value(&cfg, x.f[i]), want[i], got);
                }
                if (bad) {
                    if (top->m_last != x.last)
                        printf("MISMATCH cycle %ld: beat %ld: m_last %d, expected %d\n", cycle,
                               x.idx, top->m_last, x.last);
                    printf("  seed %llu, rerun: %s\n", (unsigned long long)seed, rerun.c_str());
                    errors++;
                }
                if (x.idx < ncor)
                    for (int i = 0; i < N; i++) cor_seen[(size_t)((x.idx + i) % ncor)] = 1;
                checked++;
                last_out = cycle;
            }
        }
        if (holding && top->s_ready) {
            if (!quiet && cur.idx < 2)
                printf("  beat %ld: lane0 0x%x last=%d\n", cur.idx, cur.f[0], cur.last);
            if (first_in < 0) first_in = cycle;
            expq.push_back(cur);
            holding = 0;
        }
        lq_harness::rise(top, dump, cycle);
        if (made >= nbeats && !holding &&
            lq_harness::drained(expq.size(), idle, 100 + 10 * QUANT_LATENCY, cycle, "output",
                                errors, ph.pr))
            break;
    }
    lq_harness::expect_quiet(top, dump, cycle, QUANT_LATENCY, "output", errors, maxerr);
    dump.close();
    top->final();
    if (lq_waves::interrupted) {
        delete top;
        delete ctx;
        return lq_waves::interrupted_exit("quant_tb", cycle);
    }
    long cov = 0;
    for (char s : cor_seen) cov += s;
    printf("quant_tb: %ld beats (%ld lane inputs) checked, %ld flushed, %ld at the largest magnitude, "
           "%ld mismatches\n", checked, checked * N, flushed, saturated, errors);
    if (!exhaustive)
        printf("quant_tb: corners: %ld of %ld threshold neighbours checked in every lane\n", cov,
               ncor);
    if (full) {
        long span = last_out - first_in + 1;
        printf("quant_tb: full rate: %ld beats in %ld cycles from the first input to the last "
               "output (latency %d), s_ready low %ld times\n",
               checked, span, QUANT_LATENCY, stalled_full);
        if (span != checked + QUANT_LATENCY || stalled_full) {
            printf("MISMATCH: not one beat per clock\n");
            errors++;
        }
    }
    if (checked != nbeats && errors == 0) {
        printf("MISMATCH: %ld of %ld beats checked\n", checked, nbeats);
        errors++;
    }
    if (!exhaustive && cov != ncor && errors == 0 && nbeats >= ncor) {
        printf("MISMATCH: a threshold neighbour was never checked\n");
        errors++;
    }
    delete top;
    delete ctx;
    return errors ? 1 : 0;
}
