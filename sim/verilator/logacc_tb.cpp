// Co-simulation of the generated log-domain accumulator against cmodel/logacc.c.
// Build: verilator --cc --exe logacc_tb.cpp with -I<generated dir> (for logacc.h, the
// generated parameters) and build/liblogq.a. The module must be named logacc.
// Plusargs: +seed=N +vectors=N +maxerr=N +fault (break the model: proves the check
// can fail) +quiet +trace[=FILE] (an FST, default logacc.fst; builds with --trace-fst
// only: WAVES=1), and the faults of faults.h (+midreset, +hold=N, +holdin=N,
// +stale-model). Exit 0 when every result matched, 1 otherwise, 130 after SIGINT or
// SIGTERM (the run stops and the dump is closed).
//
// Stimulus clusters where errors hide: equal exponents (d = 0), differences at and
// around every integer segment boundary of the table and just below and above the
// cut-off, zero terms and all-zero vectors, the largest and smallest exponents
// (state saturation with small E), long vectors; random valid/ready stalls on both
// sides with phases of full throughput and heavy back-pressure.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "Vlogacc.h"
#include "verilated.h"
#include "waves.h"
#include "harness.h"
#include "faults.h"

extern "C" {
#include "../../cmodel/logacc.h"
#include "../../cmodel/rng.h"
}
#include "logacc.h"  // generated: LOGACC_LANES, LOGACC_FRAC, ...

#if LOGACC_DATA_BITS > 64
#define WIDE_DATA 1
#else
#define WIDE_DATA 0
#endif

struct Beat {
    std::vector<lq_lterm> t;
    int last;
};

struct Expect {
    lq_logacc_out o;
    long vec;        // vector index
    long first_beat; // its first beat, counted from 0
    long nbeats;
};

static lq_rng rng;
static int E = LOGACC_EXP_BITS, F = LOGACC_FRAC;
static int emin, emax;

static long rnd(long n) { return (long)lq_rng_below(&rng, (uint64_t)n); }
static int clampe(long e) { return (int)(e < emin ? emin : e > emax ? emax : e); }

// Offsets (in exponent units) that put a difference on a segment boundary of the
// correction or around its cut-off.
static long boundary_offset(long dcut)
{
    int unit = LOGACC_BASE_HALF ? 2 : 1;  // exponent steps per log2 unit
    long cut_units = LOGACC_CORR == 0 ? dcut : (dcut >> F) + 1; // in log2 units, rounded up
    switch (rnd(4)) {
    case 0: return 0;
    case 1: return unit * (rnd(3) - 1 + cut_units) * (rnd(2) ? 1 : -1);
    case 2: return (rnd(2 * cut_units * unit + 3) - cut_units * unit - 1);
    default: return rnd(2) ? 1 : -1;
    }
}

static void gen_vector(std::vector<Beat> &out, long dcut)
{
    int n = LOGACC_LANES;
    long len;
    int mode = (int)rnd(8);
    long r = rnd(100);
    if (r < 45) len = 1 + rnd(3);
    else if (r < 85) len = 1 + rnd(24);
    else if (r < 97) len = 25 + rnd(300);
    else len = 300 + rnd(3000);
    long base = emin + rnd((long)emax - emin + 1);
    if (rnd(5) == 0) base = rnd(2) ? emax : emin;
    int pzero = (int)rnd(4) == 0 ? 60 : (int)rnd(20);
    int allzero = rnd(25) == 0;
    int psign = (int)rnd(3) == 0 ? 0 : (int)rnd(3) == 0 ? 100 : 50;
    for (long b = 0; b < len; b++) {
        Beat bt;
        bt.t.resize(n);
        bt.last = b == len - 1;
        for (int i = 0; i < n; i++) {
            lq_lterm &t = bt.t[i];
            long e;
            t.zero = allzero || rnd(100) < pzero;
            t.sign = rnd(100) < psign;
            switch (mode) {
            case 0: e = base; break;                                   // all equal: d = 0
            case 1: e = base + boundary_offset(dcut); break;           // boundaries, cut-off
            case 2: e = rnd(2) ? emax : emax - rnd(3); break;          // largest: saturation
            case 3: e = rnd(2) ? emin : emin + rnd(3); break;          // smallest
            case 4: e = base + rnd(5) - 2; break;                      // near each other
            case 5: e = base - (long)b; break;                         // decreasing ramp
            default: e = emin + rnd((long)emax - emin + 1); break;     // uniform
            }
            t.exp = clampe(e);
            if (t.zero && rnd(2)) { // garbage in the ignored fields of a zero term
                t.sign = (int)rnd(2);
                t.exp = clampe(emin + rnd((long)emax - emin + 1));
            }
        }
        out.push_back(bt);
    }
}

static void drive_data(Vlogacc *top, const Beat &bt)
{
    const int lw = LOGACC_LANE_BITS;
#if WIDE_DATA
    const int words = (LOGACC_DATA_BITS + 31) / 32;
    for (int w = 0; w < words; w++)
        top->s_data[w] = 0;
#else
    uint64_t d = 0;
#endif
    for (int i = 0; i < LOGACC_LANES; i++) {
        const lq_lterm &t = bt.t[i];
        uint64_t field = ((uint64_t)(uint32_t)t.exp & ((1ull << E) - 1)) |
                         ((uint64_t)(t.sign & 1) << E) | ((uint64_t)(t.zero & 1) << (E + 1));
#if WIDE_DATA
        for (int k = 0; k < lw; k++) {
            int bit = i * lw + k;
            if ((field >> k) & 1)
                top->s_data[bit / 32] |= 1u << (bit % 32);
        }
#else
        d |= field << (i * lw);
#endif
    }
#if !WIDE_DATA
    top->s_data = d;
#endif
}

static uint64_t mask_sw(int64_t v) { return (uint64_t)v & ((1ull << LOGACC_STATE_BITS) - 1); }

int main(int argc, char **argv)
{
    VerilatedContext *ctx = new VerilatedContext;
    lq_waves::install_signals();
    ctx->commandArgs(argc, argv);
    ctx->randReset(2);
    const std::string trace = lq_waves::trace_arg(ctx, "logacc.fst");
    const char *a;
    uint64_t seed = 1;
    long nvec = 2000, maxerr = 10;
    int fault = 0, quiet = 0;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a) seed = strtoull(a + 6, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("vectors=")) && *a) nvec = strtol(a + 9, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("maxerr=")) && *a) maxerr = strtol(a + 8, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("fault")) && *a) fault = 1;
    if ((a = ctx->commandArgsPlusMatch("quiet")) && *a) quiet = 1;
    lq_faults::Faults flt;
    if (!flt.parse(ctx, "logacc_tb")) return 2;
    flt.seed(seed);
    std::string rerun = std::string(argv[0]) + " +seed=" + std::to_string(seed) +
                        " +vectors=" + std::to_string(nvec) + (fault ? " +fault" : "");
    printf("logacc_tb: lanes %d base %s E %d F %d %s pipe %d; seed %llu, %ld vectors\n",
           LOGACC_LANES, LOGACC_BASE_HALF ? "sqrt2" : "2", E, F,
           LOGACC_CORR ? "table" : "paper", LOGACC_PIPE, (unsigned long long)seed, nvec);
    printf("logacc_tb: rerun: %s\n", rerun.c_str());

    lq_logacc_cfg cfg;
    cfg.lanes = LOGACC_LANES;
    cfg.half = LOGACC_BASE_HALF;
    cfg.exp_bits = E;
    cfg.frac = F;
    cfg.corr = LOGACC_CORR ? LQ_CORR_TABLE : LQ_CORR_PAPER;
    cfg.fault = fault;
    lq_logacc m;
    char msg[256];
    if (lq_logacc_init(&m, &cfg, msg, sizeof msg) != 0) {
        printf("FAIL: logacc_tb model init: %s\n", msg);
        return 1;
    }
    if (m.state_bits != LOGACC_STATE_BITS || m.dcut != LOGACC_DCUT) {
        printf("FAIL: logacc_tb: generated constants differ from the model (SW %d/%d, DCUT "
               "%lld/%lld)\n",
               m.state_bits, LOGACC_STATE_BITS, (long long)m.dcut, (long long)LOGACC_DCUT);
        return 1;
    }
    std::vector<uint64_t> cov((size_t)m.dcut + 2, 0);
    m.cov = cov.data();
    emin = -(1 << (E - 1));
    emax = (1 << (E - 1)) - 1;
    lq_rng_seed(&rng, seed);

    Vlogacc *top = new Vlogacc{ctx};
    lq_waves::Dump dump("logacc_tb");
    dump.open(ctx, top, trace);
    std::deque<Beat> pending;
    std::deque<Expect> expq;
    std::vector<Beat> vb;
    long vec_made = 0, vec_checked = 0, errors = 0, beats_in = 0, cycle = 0;
    long cur_vec_first = 0, sat_seen = 0, zero_seen = 0;
    lq_harness::Phases ph; // full rate until cycle 500
    int holding = 0;
    Beat cur;

    top->s_last = 0;
    lq_harness::reset(top, dump, cycle);
    long idle_limit = 0;
    int out_waiting = 0;   // last cycle: m_valid high, m_ready low
    while (errors < maxerr && !lq_waves::interrupted) {
        if (flt.rst_left > 0 || flt.reset_now(cur_vec_first != beats_in, out_waiting)) {
            // A synchronous reset, no transfer while it is high; after it the model too
            // starts afresh, the vector in flight is dropped and nothing is expected.
            top->rst = 1;
            top->s_valid = 0;
            top->m_ready = 0;
            lq_harness::clock(top, dump, cycle, 1);
            top->rst = 0;
            if (flt.reset_done()) {
                if (!flt.stale) {
                    lq_logacc_reset(&m);
                    vec_checked += (long)expq.size();
                    expq.clear();
                }
                pending.clear();
                holding = 0;
                cur_vec_first = beats_in;
                out_waiting = 0;
                idle_limit = 0;
            }
            continue;
        }
        if (cycle % 500 == 0)
            ph.pick((int)rnd(5));
        if (pending.empty() && vec_made < nvec) {
            vb.clear();
            gen_vector(vb, m.dcut);
            for (auto &b : vb) pending.push_back(b);
            vec_made++;
        }
        // Input side: hold a presented beat until accepted.
        if (!holding && !pending.empty() && rnd(100) < ph.pv && !flt.in_held()) {
            cur = pending.front();
            pending.pop_front();
            holding = 1;
        }
        top->s_valid = holding;
        if (holding) {
            drive_data(top, cur);
            top->s_last = cur.last;
        } else {
            top->s_last = rnd(2); // garbage while not valid
        }
        top->m_ready = rnd(100) < ph.pr;
        if (flt.out_held()) top->m_ready = 0;
        lq_harness::fall(top, dump, cycle);
        int in_fire = top->s_valid && top->s_ready;
        int out_fire = top->m_valid && top->m_ready;
        out_waiting = top->m_valid && !top->m_ready;
        if (out_fire) {
            if (expq.empty()) {
                printf("MISMATCH cycle %ld: result with no vector pending\n", cycle);
                errors++;
            } else {
                Expect x = expq.front();
                expq.pop_front();
                uint64_t ap = top->m_pos, an = top->m_neg;
                int apz = top->m_pos_z, anz = top->m_neg_z;
                int ok = apz == x.o.pos.zero && anz == x.o.neg.zero &&
                         ap == mask_sw(x.o.pos.v) && an == mask_sw(x.o.neg.v);
                if (!ok) {
                    errors++;
                    printf("MISMATCH cycle %ld: vector %ld (beats %ld..%ld, %ld beats)\n"
                           "  expected pos z=%d v=0x%llx neg z=%d v=0x%llx\n"
                           "  actual   pos z=%d v=0x%llx neg z=%d v=0x%llx\n"
                           "  seed %llu, rerun: %s\n",
                           cycle, x.vec, x.first_beat, x.first_beat + x.nbeats - 1, x.nbeats,
                           x.o.pos.zero, (unsigned long long)mask_sw(x.o.pos.v), x.o.neg.zero,
                           (unsigned long long)mask_sw(x.o.neg.v), apz,
                           (unsigned long long)ap, anz, (unsigned long long)an,
                           (unsigned long long)seed, rerun.c_str());
                }
                vec_checked++;
            }
        }
        if (in_fire) {
            lq_logacc_out o;
            if (!quiet && beats_in < 3)
                printf("  beat %ld: lane0 z=%d s=%d e=%d last=%d\n", beats_in, cur.t[0].zero,
                       cur.t[0].sign, cur.t[0].exp, cur.last);
            if (lq_logacc_step(&m, cur.t.data(), cur.last, &o)) {
                Expect x;
                x.o = o;
                x.vec = vec_checked + (long)expq.size();
                x.first_beat = cur_vec_first;
                x.nbeats = beats_in + 1 - cur_vec_first;
                expq.push_back(x);
                cur_vec_first = beats_in + 1;
                sat_seen += (!o.pos.zero && o.pos.v == m.vmax) || (!o.neg.zero && o.neg.v == m.vmax);
                zero_seen += o.pos.zero && o.neg.zero;
            }
            beats_in++;
            holding = 0;
        }
        lq_harness::rise(top, dump, cycle);
        if (vec_made >= nvec && pending.empty() && !holding &&
            lq_harness::drained(expq.size(), idle_limit, 100 + 10 * LOGACC_LATENCY + flt.hold,
                                cycle, "result", errors, ph.pr))
            break;
    }
    lq_harness::expect_quiet(top, dump, cycle, LOGACC_LATENCY, "result", errors, maxerr);
    dump.close();
    top->final();
    if (lq_waves::interrupted) {
        delete top;
        delete ctx;
        lq_logacc_free(&m);
        return lq_waves::interrupted_exit("logacc_tb", cycle);
    }
    printf("logacc_tb: %ld vectors, %ld beats, %ld cycles, %ld saturated, %ld all-zero, "
           "%ld mismatches\n",
           vec_checked, beats_in, cycle, sat_seen, zero_seen, errors);
    {
        long hit = 0;
        for (long d = 0; d < m.dcut; d++)
            hit += cov[d] != 0;
        printf("logacc_tb: coverage of d: %ld of %lld correction entries hit; d=0: %llu, "
               "cut-off-1: %llu, cut-off: %llu, beyond: %llu\n",
               hit, (long long)m.dcut, (unsigned long long)cov[0],
               (unsigned long long)cov[m.dcut - 1], (unsigned long long)cov[m.dcut],
               (unsigned long long)cov[m.dcut + 1]);
        if (!cov[0] || !cov[m.dcut - 1] || !cov[m.dcut] || !cov[m.dcut + 1])
            printf("logacc_tb: WARNING: a corner of d was never reached\n");
    }
    flt.report("logacc_tb");
    if (errors >= maxerr)
        printf("logacc_tb: stopped after %ld mismatches\n", errors);
    delete top;
    delete ctx;
    lq_logacc_free(&m);
    return errors ? 1 : 0;
}
