// Co-simulation of the generated log-domain dot product (`logq gen logdot`) against
// its model lq_logdot (cmodel/logdot.c). Build: verilator --cc --exe --prefix Vdut
// with -I cmodel, -include the generated NAME.h (LOGDOT_* macros) and liblogq.a
// (tests/logdot.sh). Plusargs: +seed=N +vectors=N +maxerr=N +fault (one table entry of
// the model off by one: the check must fail) +quiet +trace[=FILE] (WAVES=1 builds).
// Stimulus per vector: uniform codes, zero-heavy codes (the negative zero included),
// the largest magnitudes (the result saturates with narrow outputs), equal codes,
// one sign only, all-zero vectors; lengths 1-3 (40 %), up to 24, up to 300 and up to
// 2000 beats. Valid/ready stalls in phases on both sides. Every result (m_data,
// m_sat) must equal the model's; the run reports which conversion table entries it
// reached.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "Vdut.h"
#include "ports.h"
#include "verilated.h"
#include "waves.h"
#include "harness.h"

extern "C" {
#include "logdot.h"
#include "quant.h"
#include "rng.h"
}

static const int N = LOGDOT_LANES, BA = LOGDOT_ACT_BITS, BW = LOGDOT_BITS;
static const int AW = (LOGDOT_A_DATA_BITS + 31) / 32 + 1, WW = (LOGDOT_W_DATA_BITS + 31) / 32 + 1;

struct Beat {
    uint32_t a[N], w[N];
    int last;
};
struct Expect {
    lq_logdot_out o;
    long vec, nbeats;
};

static lq_rng rng;
static long rnd(long n) { return (long)lq_rng_below(&rng, (uint64_t)n); }

// A code of format f: mode 0 uniform, 1 zero-heavy, 2 the largest magnitudes, 3 the
// given base code, 4 positive only.
static uint32_t code(const lq_format &f, int mode, uint32_t base)
{
    int b = f.is_signed ? f.bits - 1 : f.bits;
    uint32_t mmax = (1u << b) - 1, sbit = f.is_signed ? 1u << b : 0;
    uint32_t c = (uint32_t)lq_rng_u64(&rng) & ((1u << f.bits) - 1);
    switch (mode) {
    case 1: return rnd(2) ? (rnd(2) ? sbit : 0) : c;
    case 2: return (rnd(2) ? sbit : 0) | (mmax - (uint32_t)rnd(2));
    case 3: return rnd(8) ? base : c;
    case 4: return c & mmax;
    default: return c;
    }
}

static void gen_vector(std::vector<Beat> &out, const lq_logdot_cfg &c)
{
    long len, r = rnd(100);
    if (r < 40) len = 1 + rnd(3);
    else if (r < 85) len = 1 + rnd(24);
    else if (r < 98) len = 25 + rnd(275);
    else len = 300 + rnd(1700);
    int mode = (int)rnd(5), allzero = rnd(25) == 0;
    uint32_t ba = (uint32_t)lq_rng_u64(&rng) & ((1u << BA) - 1);
    uint32_t bw = (uint32_t)lq_rng_u64(&rng) & ((1u << BW) - 1);
    for (long b = 0; b < len; b++) {
        Beat bt;
        bt.last = b + 1 == len;
        for (int i = 0; i < N; i++) {
            bt.a[i] = allzero ? 0 : code(c.act, mode, ba);
            bt.w[i] = code(c.wgt, mode, bw);
        }
        out.push_back(bt);
    }
}

int main(int argc, char **argv)
{
    VerilatedContext *ctx = new VerilatedContext;
    lq_waves::install_signals();
    ctx->commandArgs(argc, argv);
    ctx->randReset(2);
    const std::string trace = lq_waves::trace_arg(ctx, "logdot.fst");
    const char *a;
    uint64_t seed = 1;
    long nvec = 2000, maxerr = 10;
    int fault = 0, quiet = 0;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a) seed = strtoull(a + 6, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("vectors=")) && *a) nvec = strtol(a + 9, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("maxerr=")) && *a) maxerr = strtol(a + 8, NULL, 10);
    if ((a = ctx->commandArgsPlusMatch("fault")) && *a) fault = 1;
    if ((a = ctx->commandArgsPlusMatch("quiet")) && *a) quiet = 1;
    std::string rerun = std::string(argv[0]) + " +seed=" + std::to_string(seed) +
                        " +vectors=" + std::to_string(nvec) + (fault ? " +fault" : "");

    lq_logdot_cfg cfg;
    std::memset(&cfg, 0, sizeof cfg);
    cfg.lanes = N;
    cfg.act = lq_format_default();
    cfg.wgt = lq_format_default();
    cfg.act.scheme = cfg.wgt.scheme = LOGDOT_HALF ? LQ_LOGSQRT2 : LQ_LOG2;
    cfg.act.bits = BA;
    cfg.act.fsr = LOGDOT_ACT_FSR;
    cfg.act.is_signed = LOGDOT_ACT_SIGNED;
    cfg.wgt.bits = BW;
    cfg.wgt.fsr = LOGDOT_FSR;
    cfg.wgt.is_signed = LOGDOT_SIGNED;
    cfg.corr = LOGDOT_CORR ? LQ_CORR_TABLE : LQ_CORR_PAPER;
    cfg.frac = LOGDOT_FRAC;
    cfg.table_bits = LOGDOT_TABLE_BITS;
    cfg.out_frac = LOGDOT_OUT_FRAC;
    cfg.out_bits = LOGDOT_OUT_BITS;
    cfg.fault = fault;
    lq_logdot m;
    char msg[256];
    if (lq_logdot_init(&m, &cfg, msg, sizeof msg) != 0) {
        printf("FAIL: logdot_tb: model: %s\n", msg);
        return 1;
    }
    if (m.exp_bits != LOGDOT_EXP_BITS || m.acc.state_bits != LOGDOT_STATE_BITS) {
        printf("FAIL: logdot_tb: the generated widths differ from the model's\n");
        return 1;
    }
    std::vector<uint64_t> hits((size_t)1 << LOGDOT_FRAC, 0);
    m.tab_hits = hits.data();
    printf("logdot_tb: %s: %d lane(s) base %s, act %d/%d%s, wgt %d/%d%s, %s F=%d R=%d, "
           "out %d bits LSB 2^-%d, pipe %d; seed %llu, %ld vectors\n",
           LOGDOT_NAME, N, LOGDOT_HALF ? "sqrt2" : "2", BA, LOGDOT_ACT_FSR,
           LOGDOT_ACT_SIGNED ? "s" : "u", BW, LOGDOT_FSR, LOGDOT_SIGNED ? "s" : "u",
           LOGDOT_CORR ? "table" : "paper", LOGDOT_FRAC, LOGDOT_TABLE_BITS, LOGDOT_OUT_BITS,
           LOGDOT_OUT_FRAC, LOGDOT_PIPE, (unsigned long long)seed, nvec);
    printf("logdot_tb: rerun: %s\n", rerun.c_str());
    lq_rng_seed(&rng, seed);

    Vdut *top = new Vdut{ctx};
    lq_waves::Dump dump("logdot_tb");
    dump.open(ctx, top, trace);
    std::deque<Beat> pending;
    std::deque<Expect> expq;
    std::vector<Beat> vb;
    std::vector<uint32_t> aw(AW), ww(WW);
    long made = 0, checked = 0, errors = 0, beats = 0, cycle = 0, idle = 0, sats = 0;
    long cur_first = 0;
    lq_harness::Phases ph; // full rate until cycle 500
    int holding = 0;
    Beat cur;
    const uint64_t omask = LOGDOT_OUT_BITS >= 64 ? ~0ull : (1ull << LOGDOT_OUT_BITS) - 1;

    lq_harness::reset(top, dump, cycle);
    while (errors < maxerr && !lq_waves::interrupted) {
        if (cycle % 500 == 0)
            ph.pick((int)rnd(5));
        if (pending.empty() && made < nvec) {
            vb.clear();
            gen_vector(vb, cfg);
            for (auto &b : vb) pending.push_back(b);
            made++;
        }
        if (!holding && !pending.empty() && rnd(100) < ph.pv) {
            cur = pending.front();
            pending.pop_front();
            holding = 1;
        }
        top->s_valid = holding;
        if (holding) {
            lq_ports::pack(cur.a, N, BA, aw.data(), AW);
            lq_ports::pack(cur.w, N, BW, ww.data(), WW);
            top->s_last = cur.last;
        } else {
            for (auto &x : aw) x = (uint32_t)lq_rng_u64(&rng);
            for (auto &x : ww) x = (uint32_t)lq_rng_u64(&rng);
            top->s_last = rnd(2);
        }
        lq_ports::put(top->s_a, aw.data());
        lq_ports::put(top->s_w, ww.data());
        top->m_ready = rnd(100) < ph.pr;
        lq_harness::fall(top, dump, cycle);
        if (top->m_valid && top->m_ready) {
            if (expq.empty()) {
                printf("MISMATCH cycle %ld: a result with no vector pending\n", cycle);
                errors++;
            } else {
                Expect x = expq.front();
                expq.pop_front();
                uint32_t dw[3] = {0, 0, 0};
                lq_ports::get(top->m_data, dw);
                uint64_t got = ((uint64_t)dw[0] | ((uint64_t)dw[1] << 32)) & omask;
                uint64_t want = (uint64_t)x.o.result & omask;
                if (got != want || top->m_sat != x.o.sat) {
                    errors++;
                    printf("MISMATCH cycle %ld: vector %ld (%ld beats)\n"
                           "  log sums: pos z=%d v=%lld, neg z=%d v=%lld; linear %lld - %lld\n"
                           "  expected m_data 0x%llx (%lld) m_sat %d\n"
                           "  actual   m_data 0x%llx m_sat %d\n  seed %llu, rerun: %s\n",
                           cycle, x.vec, x.nbeats, x.o.logs.pos.zero,
                           (long long)x.o.logs.pos.v, x.o.logs.neg.zero,
                           (long long)x.o.logs.neg.v, (long long)x.o.lin_pos,
                           (long long)x.o.lin_neg, (unsigned long long)want,
                           (long long)x.o.result, x.o.sat, (unsigned long long)got,
                           top->m_sat, (unsigned long long)seed, rerun.c_str());
                }
                checked++;
            }
        }
        if (holding && top->s_ready) {
            lq_logdot_out o;
            if (!quiet && beats < 2)
                printf("  beat %ld: lane0 a=0x%x w=0x%x last=%d\n", beats, cur.a[0], cur.w[0],
                       cur.last);
            if (lq_logdot_step(&m, cur.a, cur.w, cur.last, &o)) {
                Expect x;
                x.o = o;
                x.vec = checked + (long)expq.size();
                x.nbeats = beats + 1 - cur_first;
                expq.push_back(x);
                cur_first = beats + 1;
                sats += o.sat;
            }
            beats++;
            holding = 0;
        }
        lq_harness::rise(top, dump, cycle);
        if (made >= nvec && pending.empty() && !holding &&
            lq_harness::drained(expq.size(), idle, 100 + 10 * LOGDOT_LATENCY, cycle, "result",
                                errors, ph.pr))
            break;
    }
    lq_harness::expect_quiet(top, dump, cycle, LOGDOT_LATENCY, "result", errors, maxerr);
    dump.close();
    top->final();
    if (lq_waves::interrupted) {
        delete top;
        delete ctx;
        lq_logdot_free(&m);
        return lq_waves::interrupted_exit("logdot_tb", cycle);
    }
    long hit = 0;
    for (uint64_t h : hits) hit += h != 0;
    printf("logdot_tb: %ld vectors, %ld beats, %ld cycles, %ld saturated, %ld mismatches\n",
           checked, beats, cycle, sats, errors);
    printf("logdot_tb: conversion table: %ld of %zu entries reached\n", hit, hits.size());
    if (checked != nvec && errors == 0) {
        printf("MISMATCH: %ld of %ld vectors checked\n", checked, nvec);
        errors++;
    }
    delete top;
    delete ctx;
    lq_logdot_free(&m);
    return errors ? 1 : 0;
}
