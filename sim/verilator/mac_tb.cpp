// Verilator co-simulation of a `logq gen mac` array against the C model (liblogq).
//
// Built by sim/verilator/mac_build.sh with -DMAC_PREFIX=<NAME upper case>,
// -DMAC_HEADER="<NAME>.h", -DVTOP=V<name>, -DVTOP_HEADER="V<name>.h".
//
// Plusargs:
//   +seed=N         random seed (default 1)          +beats=N     beats to send (100000)
//   +stall=PCT      % of cycles with s_valid / m_ready low (default 30; 0 = full rate)
//   +exhaustive     one beat per vector over every (a, w) pair (one lane, <= 20 bits)
//   +nocheck        do not run the model (throughput reference)
//   +wrong-model    test only: a deliberately wrong model; the run must fail
//   +max-errors=N   stop after N mismatches (default 10)
//   +midreset       assert rst for 1-3 cycles at random moments (at random, in the middle
//                   of a vector, while an output waits for m_ready), the model reset
//                   alongside: beats before the reset are lost, and any output after it
//                   must belong to a vector sent after it (docs/mac.md, "Reset")
//   +hold=N         hold m_ready low for N cycles at random moments
//   +holdin=N       hold s_valid low for N cycles at random moments (between beats)
//   +stale-model    test only: with +midreset, the model is not reset; the run must fail
//   +trace[=FILE]   write an FST waveform (builds with --trace-fst only)
//   +vectors=DIR    also write the accepted beats and the model's sums as hex files
//                   (a.hex, w.hex, l.hex, o.hex, params.vh) for the Icarus replay
//                   (sim/icarus/mac_replay.v)
// Prints its seed and the command that reruns it, and beats per second.
#include <verilated.h>
#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

#include <chrono>
#include <csignal>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "mac_cfg.h"
#include "faults.h"

// ---- ports of any width ----
static void put(CData& p, const uint32_t* w) { p = (CData)w[0]; }
static void put(SData& p, const uint32_t* w) { p = (SData)w[0]; }
static void put(IData& p, const uint32_t* w) { p = w[0]; }
static void put(QData& p, const uint32_t* w) { p = (QData)w[0] | ((QData)w[1] << 32); }
template <std::size_t N> static void put(VlWide<N>& p, const uint32_t* w)
{
    for (std::size_t i = 0; i < N; i++) p[i] = w[i];
}
static void get(const CData& p, uint32_t* w) { w[0] = p; }
static void get(const SData& p, uint32_t* w) { w[0] = p; }
static void get(const IData& p, uint32_t* w) { w[0] = p; }
static void get(const QData& p, uint32_t* w)
{
    w[0] = (uint32_t)p;
    w[1] = (uint32_t)(p >> 32);
}
template <std::size_t N> static void get(const VlWide<N>& p, uint32_t* w)
{
    for (std::size_t i = 0; i < N; i++) w[i] = p[i];
}

// Pack lane codes (BITS bits each, lane 0 in the LSBs) into 32-bit words, a whole code
// per step (the words array has one spare word for the straddling code). BITS and
// LANES are constants, so the positions fold away.
// The inverse of pack: lane codes from the port words.
template <int BITS> static void unpack(const uint32_t* words, uint32_t* codes)
{
    const uint64_t m = BITS >= 32 ? 0xffffffffull : (1ull << BITS) - 1;
#pragma GCC unroll 16
    for (int i = 0; i < LANES; i++) {
        const int pos = i * BITS;
        uint64_t v = words[pos / 32] >> (pos % 32);
        if (pos % 32 + BITS > 32) v |= (uint64_t)words[pos / 32 + 1] << (32 - pos % 32);
        codes[i] = (uint32_t)(v & m);
    }
}

template <int BITS> static void pack(const uint32_t* codes, uint32_t* words, int nwords)
{
    const uint64_t m = BITS >= 32 ? 0xffffffffull : (1ull << BITS) - 1;
    std::memset(words, 0, sizeof(uint32_t) * nwords);
#pragma GCC unroll 16
    for (int i = 0; i < LANES; i++) {
        const int pos = i * BITS;
        uint64_t v = ((uint64_t)codes[i] & m) << (pos % 32);
        words[pos / 32] |= (uint32_t)v;
        if (pos % 32 + BITS > 32) words[pos / 32 + 1] |= (uint32_t)(v >> 32);
    }
}

static lq_wide wide_from_words(const uint32_t* w, int bits)
{
    lq_wide x;
    std::memset(&x, 0, sizeof x);
    for (int i = 0; i < (bits + 31) / 32; i++)
        x.limb[i / 2] |= (uint64_t)w[i] << (32 * (i % 2));
    lq_wide_sext(&x, bits);
    return x;
}

static int wide_cmp(const lq_wide& x, const lq_wide& y)
{
    int sx = (int)(x.limb[LQ_MAC_LIMBS - 1] >> 63), sy = (int)(y.limb[LQ_MAC_LIMBS - 1] >> 63);
    if (sx != sy) return sx ? -1 : 1;
    for (int i = LQ_MAC_LIMBS - 1; i >= 0; i--)
        if (x.limb[i] != y.limb[i]) return x.limb[i] < y.limb[i] ? -1 : 1;
    return 0;
}

struct Beat {
    uint32_t a[LANES];
    uint32_t w[LANES];
    int last;
};

// An expected output: the model's sum (as int64 when OUT_BITS <= 64: sum64).
struct Expect {
    lq_wide sum;
    int64_t sum64;
    uint64_t vector;
    long beats;
    Beat last_beat;
};

// Hex of the low `bits` bits of packed words.
static void words_hex(FILE* fp, const uint32_t* w, int bits)
{
    for (int d = (bits + 3) / 4 - 1; d >= 0; d--) {
        int v = 0;
        for (int b = 3; b >= 0; b--) {
            int i = 4 * d + b;
            v = 2 * v + (i < bits ? (int)((w[i / 32] >> (i % 32)) & 1u) : 0);
        }
        std::fputc("0123456789abcdef"[v], fp);
    }
    std::fputc('\n', fp);
}

static uint32_t mask(int bits) { return bits >= 32 ? 0xffffffffu : (1u << bits) - 1u; }

// ---- stimulus ----
struct Stim {
    lq_rng rng;
    lq_mac_config cfg;
    lq_mac_widths wd;
    bool exhaustive = false;
    uint64_t ex_next = 0, ex_total = 0;
    long remaining = 0;       // beats left in the current vector
    int kind = 0;             // 0 random, 1 biased, 2 extreme (width limit), 3 sweep
    int extreme_sign = 1;
    uint64_t sweep = 0;
    uint64_t sweep_total = 0;
    std::vector<uint32_t> w_extremes, a_extremes;
    uint32_t best_a = 0, best_w = 0;  // extreme product of the current vector

    // Random bits drawn from 64-bit words (a code per few bits, not per generator call).
    uint64_t pool = 0;
    int pool_bits = 0;
    uint32_t rnd(int bits)
    {
        if (pool_bits < bits) {
            pool = lq_rng_u64(&rng);
            pool_bits = 64;
        }
        uint32_t v = (uint32_t)pool & mask(bits);
        pool = bits >= 64 ? 0 : pool >> bits;
        pool_bits -= bits;
        return v;
    }
    // An index in [0, n), n <= 256 (a table of corner codes): 16 pool bits scaled, a
    // bias below n / 2^16, which stimulus does not mind.
    uint32_t below(uint32_t n) { return (uint32_t)(((uint64_t)rnd(16) * n) >> 16); }

    // A linear code's corners: most negative (or 0), most positive, 0, all ones, 1.
    static std::vector<uint32_t> linear_extremes(const lq_format& f)
    {
        int b = f.bits;
        return {f.is_signed ? 1u << (b - 1) : 0u, f.is_signed ? mask(b - 1) : mask(b), 0u, mask(b),
                1u & mask(b)};
    }

    void init()
    {
        if (cfg.mode == LQ_MAC_LINEAR) {
            w_extremes = linear_extremes(cfg.w);
        } else {
            int bw = wd.w_mag;
            uint32_t wmax = (1u << bw) - 1u, sbit = cfg.w.is_signed ? 1u << bw : 0u;
            w_extremes = {0u, 1u, wmax, wmax > 1 ? wmax - 1 : wmax, sbit | 1u, sbit | wmax,
                          sbit | (wmax > 1 ? wmax - 1 : wmax), sbit};
        }
        if (cfg.mode == LQ_MAC_LOGLOG) {
            int ba = wd.a_mag;
            uint32_t amax = (1u << ba) - 1u, asb = cfg.a.is_signed ? 1u << ba : 0u;
            a_extremes = {0u, 1u, amax, amax > 1 ? amax - 1 : amax, asb | 1u, asb | amax,
                          asb | (amax > 1 ? amax - 1 : amax), asb};
        } else {
            a_extremes = linear_extremes(cfg.a);
        }
        sweep_total = (uint64_t)1 << (cfg.w.bits + (cfg.mode == LQ_MAC_LOGLOG ? cfg.a.bits : 0));
        if (sweep_total > 4096) sweep_total = (uint64_t)1 << cfg.w.bits;
        ex_total = (uint64_t)1 << (cfg.a.bits + cfg.w.bits);
    }

    // The largest (sign > 0) or smallest product among the extreme codes.
    void pick_extreme(int sign)
    {
        lq_wide best, p;
        bool have = false;
        for (uint32_t a : a_extremes)
            for (uint32_t w : w_extremes) {
                lq_mac_product(&cfg, &wd, a, w, &p);
                if (!have || (sign > 0 ? wide_cmp(p, best) > 0 : wide_cmp(p, best) < 0)) {
                    best = p;
                    best_a = a;
                    best_w = w;
                    have = true;
                }
            }
    }

    // nbits random bits into words[0..nwords) (zero above nbits).
    void random_words(uint32_t* words, int nwords, int nbits)
    {
        for (int k = 0; k < nwords; k += 2) {
            uint64_t r = lq_rng_u64(&rng);
            words[k] = (uint32_t)r;
            if (k + 1 < nwords) words[k + 1] = (uint32_t)(r >> 32);
        }
        for (int k = 0; k < nwords; k++) {
            int lo = 32 * k;
            words[k] &= lo >= nbits ? 0u : nbits - lo >= 32 ? 0xffffffffu : (1u << (nbits - lo)) - 1u;
        }
    }

    // What next() produced: the words must be packed from the codes (CODES), they were
    // drawn and the codes unpacked from them (WORDS), or nothing changed (SAME: the
    // extreme vectors repeat one beat).
    enum Fill { CODES, WORDS, SAME };

    Fill next(Beat& b, uint32_t* aw, int naw, uint32_t* ww, int nww)
    {
        Fill fill = CODES;
        if (exhaustive) {
            uint64_t k = ex_next++;
            for (int i = 0; i < LANES; i++) {
                b.a[i] = (uint32_t)(k >> W_BITS) & mask(A_BITS);
                b.w[i] = (uint32_t)k & mask(W_BITS);
            }
            b.last = 1;
            return CODES;
        }
        bool first = remaining == 0;
        if (remaining == 0) {
            long K = cfg.max_beats;
            if (sweep < sweep_total) {
                kind = 3;
                remaining = 1 + (long)lq_rng_below(&rng, K < 8 ? K : 8);
            } else {
                uint64_t r = lq_rng_below(&rng, 100);
                kind = r < 55 ? 0 : r < 90 ? 1 : 2;
                if (kind == 2 && (K > 65536 || (K > 4096 && lq_rng_below(&rng, 4) != 0))) kind = 1;
                if (kind == 2) {
                    remaining = K;
                    extreme_sign = lq_rng_below(&rng, 2) ? 1 : -1;
                    pick_extreme(extreme_sign);
                } else {
                    long cap = lq_rng_below(&rng, 8) == 0 ? K : (K < 32 ? K : 32);
                    remaining = 1 + (long)lq_rng_below(&rng, (uint64_t)cap);
                }
            }
        }
        switch (kind) {
        case 0:  // uniform codes: draw the port words, unpack the lanes from them
            random_words(aw, naw, LANES * A_BITS);
            random_words(ww, nww, LANES * W_BITS);
            unpack<A_BITS>(aw, b.a);
            unpack<W_BITS>(ww, b.w);
            fill = WORDS;
            break;
        case 1:
            for (int i = 0; i < LANES; i++) {
                b.a[i] = rnd(1) ? rnd(A_BITS) : a_extremes[below((uint32_t)a_extremes.size())];
                b.w[i] = rnd(1) ? rnd(W_BITS) : w_extremes[below((uint32_t)w_extremes.size())];
            }
            break;
        case 2:
            if (!first) {
                fill = SAME;
                break;
            }
            for (int i = 0; i < LANES; i++) {
                b.a[i] = best_a;
                b.w[i] = best_w;
            }
            break;
        default:
            for (int i = 0; i < LANES; i++) {
                uint64_t k = sweep + (uint64_t)i;
                b.w[i] = (uint32_t)k & mask(W_BITS);
                b.a[i] = cfg.mode == LQ_MAC_LOGLOG ? (uint32_t)(k >> W_BITS) & mask(A_BITS)
                                                   : rnd(A_BITS);
            }
            break;
        }
        if (kind == 3) sweep++;
        remaining--;
        b.last = remaining == 0;
        return fill;
    }
};

static std::string rerun_cmd(int argc, char** argv, uint64_t seed)
{
    std::string s = argv[0];
    for (int i = 1; i < argc; i++)
        if (std::strncmp(argv[i], "+seed=", 6) != 0) s += std::string(" ") + argv[i];
    char buf[48];
    std::snprintf(buf, sizeof buf, " +seed=%" PRIu64, seed);
    return s + buf;
}

static void print_beat(const Beat& b)
{
    int n = LANES < 8 ? LANES : 8;
    std::printf("  last beat of the vector:");
    for (int i = 0; i < n; i++) std::printf(" lane%d a=0x%x w=0x%x;", i, b.a[i], b.w[i]);
    if (n < LANES) std::printf(" ... (%d lanes)", LANES);
    std::printf("\n");
}

// Set by SIGINT/SIGTERM: the main loop stops and the dump is closed cleanly.
static volatile std::sig_atomic_t g_interrupted = 0;
static void on_signal(int) { g_interrupted = 1; }

// On the first mismatch with a dump: a GTKWave view whose marker sits there.
static void write_fail_view(const char* trace, uint64_t time)
{
    std::string path = std::string(trace) + ".fail.gtkw";
    FILE* fp = std::fopen(path.c_str(), "w");
    if (!fp) return;
    std::fprintf(fp, "[*] mac_tb: marker at the first mismatch\n[dumpfile] \"%s\"\n", trace);
    std::fprintf(fp, "*-6.000000 %" PRIu64, time);
    for (int i = 0; i < 26; i++) std::fprintf(fp, " -1");
    std::fprintf(fp, "\n[treeopen] TOP.\n@28\nTOP.clk\nTOP.s_valid\nTOP.s_ready\nTOP.s_last\n"
                     "TOP.m_valid\nTOP.m_ready\n@22\nTOP.s_a[%d:0]\nTOP.s_w[%d:0]\n"
                     "@424\nTOP.m_sum[%d:0]\n",
                 LANES * A_BITS - 1, LANES * W_BITS - 1, OUT_BITS - 1);
    std::fclose(fp);
    std::printf("  waves: gtkwave %s  (marker at the mismatch)\n", path.c_str());
}

int main(int argc, char** argv)
{
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
    ctx->commandArgs(argc, argv);
    uint64_t seed = 1, beats = 100000;
    int stall = 30, max_errors = 10;
    bool check = true, wrong = false, exhaustive = false;
    // commandArgsPlusMatch returns a buffer the next call overwrites: copy it.
    std::string trace_path;
    const char* trace = nullptr;
    std::string vec_dir;
    const char* s;
    if ((s = ctx->commandArgsPlusMatch("seed=")) && *s) seed = std::strtoull(s + 6, nullptr, 10);
    if ((s = ctx->commandArgsPlusMatch("beats=")) && *s) beats = std::strtoull(s + 7, nullptr, 10);
    if ((s = ctx->commandArgsPlusMatch("stall=")) && *s) stall = std::atoi(s + 7);
    if ((s = ctx->commandArgsPlusMatch("max-errors=")) && *s) max_errors = std::atoi(s + 12);
    if ((s = ctx->commandArgsPlusMatch("nocheck")) && *s) check = false;
    if ((s = ctx->commandArgsPlusMatch("wrong-model")) && *s) wrong = true;
    if ((s = ctx->commandArgsPlusMatch("exhaustive")) && *s) exhaustive = true;
    lq_faults::Faults flt;
    if (!flt.parse(ctx.get(), "mac_tb")) return 2;
    if ((s = ctx->commandArgsPlusMatch("trace")) && *s) {
        trace_path = s[6] == '=' ? s + 7 : "mac_trace.fst";
        trace = trace_path.c_str();
    }
    if ((s = ctx->commandArgsPlusMatch("vectors=")) && *s) vec_dir = s + 9;
    if (stall < 0 || stall > 95) {
        std::fprintf(stderr, "mac_tb: +stall=%d is out of range (0 to 95)\n", stall);
        return 2;
    }

    Stim st;
    std::memset(&st.cfg, 0, sizeof st.cfg);
    st.cfg.mode = (lq_mac_mode)CFG(MODE_ID);
    st.cfg.lanes = LANES;
    st.cfg.w = lq_format_default();
    st.cfg.w.scheme = (lq_scheme)CFG(W_SCHEME_ID);
    st.cfg.w.bits = W_BITS;
    st.cfg.w.fsr = CFG(W_FSR);
    st.cfg.w.is_signed = CFG(W_SIGNED);
    st.cfg.a = lq_format_default();
    st.cfg.a.scheme = (lq_scheme)CFG(A_SCHEME_ID);
    st.cfg.a.bits = A_BITS;
    st.cfg.a.fsr = CFG(A_FSR);
    st.cfg.a.is_signed = CFG(A_SIGNED);
    st.cfg.sqrt2_frac = CFG(SQRT2_FRAC);
    st.cfg.frac = CFG(FRAC);
    st.cfg.max_beats = CFG(MAX_BEATS);
    st.cfg.fault = wrong ? 1 : 0;
    lq_mac_state model;
    char msg[256];
    if (lq_mac_reset(&model, &st.cfg, msg, sizeof msg) != 0) {
        std::fprintf(stderr, "mac_tb: the model refuses the configuration: %s\n", msg);
        return 2;
    }
    st.wd = model.wd;
    if (st.wd.out_bits != OUT_BITS || st.wd.prod_out_bits != CFG(PROD_BITS)) {
        std::fprintf(stderr, "mac_tb: header and model disagree on widths\n");
        return 1;
    }
    lq_rng_seed(&st.rng, seed);
    flt.seed(seed);
    st.init();
    if (exhaustive) {
        if (LANES != 1 || A_BITS + W_BITS > 20) {
            std::fprintf(stderr, "mac_tb: +exhaustive needs one lane and <= 20 input bits\n");
            return 2;
        }
        st.exhaustive = true;
        beats = st.ex_total;
    }
    std::string rerun = rerun_cmd(argc, argv, seed);
    std::printf("mac_tb: %s, %d lanes, out %d bits, latency %d; seed %" PRIu64 ", %" PRIu64
                " beats, stall %d%%%s%s\n",
                CFG(MODE), LANES, OUT_BITS, CFG(LATENCY), seed, beats, stall,
                check ? "" : ", model check OFF", wrong ? ", WRONG MODEL (test)" : "");
    std::printf("mac_tb: rerun: %s\n", rerun.c_str());
    std::fflush(stdout);

    // Random initial values expose missing resets; +verilator+rand+reset+N wins.
    if (!*ctx->commandArgsPlusMatch("verilator+rand+reset")) ctx->randReset(2);
    if (!*ctx->commandArgsPlusMatch("verilator+seed")) ctx->randSeed((int)(seed & 0x7fffffff));
    FILE *fa = nullptr, *fw = nullptr, *fl = nullptr, *fo = nullptr;
    if (!vec_dir.empty()) {
        fa = std::fopen((vec_dir + "/a.hex").c_str(), "w");
        fw = std::fopen((vec_dir + "/w.hex").c_str(), "w");
        fl = std::fopen((vec_dir + "/l.hex").c_str(), "w");
        fo = std::fopen((vec_dir + "/o.hex").c_str(), "w");
        if (!fa || !fw || !fl || !fo || !check) {
            std::fprintf(stderr, "mac_tb: cannot write vectors to %s (needs the model check)\n",
                         vec_dir.c_str());
            return 2;
        }
    }
    const std::unique_ptr<VTOP> top{new VTOP{ctx.get()}};
    bool dumping = false;
#if VM_TRACE_FST
    std::unique_ptr<VerilatedFstC> tfp;
    if (trace) {
        dumping = true;
        ctx->traceEverOn(true);
        tfp.reset(new VerilatedFstC);
        top->trace(tfp.get(), 99);
        tfp->open(trace);
        std::printf("mac_tb: tracing to %s\n", trace);
    }
#else
    if (trace) std::printf("mac_tb: +trace ignored: built without --trace-fst (WAVES=1)\n");
#endif
    uint64_t cycle = 0;
    // A cycle in two halves: the main loop samples the handshakes between them.
    auto clock_low = [&]() {
        top->clk = 0;
        top->eval();
#if VM_TRACE_FST
        if (tfp) tfp->dump(2 * cycle);
#endif
    };
    auto clock_rise = [&]() {
        top->clk = 1;
        top->eval();
#if VM_TRACE_FST
        if (tfp) tfp->dump(2 * cycle + 1);
#endif
        cycle++;
    };
    auto tick = [&]() {
        clock_low();
        clock_rise();
    };
    top->rst = 1;
    top->s_valid = 0;
    top->m_ready = 0;
    top->s_last = 0;
    for (int i = 0; i < 4; i++) tick();
    top->rst = 0;

    const int AW = (LANES * A_BITS + 31) / 32 + 1, WW = (LANES * W_BITS + 31) / 32 + 1;
    std::vector<uint32_t> awords(AW), wwords(WW), owords((OUT_BITS + 31) / 32 + 2);
    std::deque<Expect> expect;
    Beat cur;
    std::memset(&cur, 0, sizeof cur);
    bool have = false, offered = false;
    uint64_t sent = 0, outputs = 0, vectors = 0, pending = 0, errors = 0, idle = 0;
    uint64_t lat_at = 0, lat_checked = 0; // the cycle the next idle output is due, checks done
    long vec_beats = 0;
    bool done_sending = false;
    const uint64_t p_stall = (uint64_t)stall;
    uint64_t n_out_written = 0;
    bool out_waiting = false;   // last cycle: m_valid high, m_ready low
    auto t0 = std::chrono::steady_clock::now();

    while (errors < (uint64_t)max_errors && !g_interrupted) {
        if (flt.rst_left > 0 || flt.reset_now(vec_beats > 0, out_waiting)) {
            // A synchronous reset: no transfer while it is high. After its last cycle
            // the block is as after power-up; so is the model, and nothing it had is
            // expected any more (with +stale-model the model keeps its state: the test
            // that the check catches a block and model that disagree on reset).
            top->rst = 1;
            top->s_valid = 0;
            top->m_ready = 0;
            tick();
            top->rst = 0;
            if (flt.reset_done()) {
                if (!flt.stale) {
                    lq_mac_reset(&model, &st.cfg, msg, sizeof msg);
                    expect.clear();
                }
                pending = 0;
                vec_beats = 0;
                have = offered = false;
                st.remaining = 0;   // the stimulus starts a new vector
                idle = 0;
                out_waiting = false;
            }
            continue;
        }
        if (!have && !done_sending) {
            Stim::Fill fill = st.next(cur, awords.data(), AW, wwords.data(), WW);
            have = true;
            offered = false;
            if (fill == Stim::CODES) {
                pack<A_BITS>(cur.a, awords.data(), AW);
                pack<W_BITS>(cur.w, wwords.data(), WW);
            }
            if (fill != Stim::SAME) {
                put(top->s_a, awords.data());
                put(top->s_w, wwords.data());
            }
            top->s_last = cur.last;
        }
        bool v = have && (offered || p_stall == 0 || lq_rng_below(&st.rng, 100) >= p_stall);
        if (v && !offered && flt.in_held()) v = false;   // valid, once high, stays until taken
        top->s_valid = v;
        offered = v;
        top->m_ready = p_stall == 0 || lq_rng_below(&st.rng, 100) >= p_stall;
        if (flt.out_held()) top->m_ready = 0;
        clock_low();
        bool fire_in = v && top->s_ready;
        bool fire_out = top->m_valid && top->m_ready;
        bool out_before = top->m_valid;
        if (lat_at && top->m_valid) {  // the first output after an idle pipeline
            if (cycle != lat_at) {
                std::printf("ERROR at cycle %" PRIu64 ": m_valid %" PRIu64 " cycle(s) after the "
                            "last beat, NAME_LATENCY says %d\n",
                            cycle, cycle + CFG(LATENCY) - lat_at, CFG(LATENCY));
                errors++;
            }
            lat_at = 0;
            lat_checked++;
        }
        out_waiting = top->m_valid && !top->m_ready;
        if (fire_out) get(top->m_sum, owords.data());
        clock_rise();
        if (fire_in) {
            sent++;
            vec_beats++;
            have = false;
            if (fa) {
                words_hex(fa, awords.data(), LANES * A_BITS);
                words_hex(fw, wwords.data(), LANES * W_BITS);
                std::fprintf(fl, "%d\n", cur.last);
            }
            if (check) {
                // narrow outputs: the model's int64 step (its fast path), compared as int64
                Expect e;
                int got = OUT_BITS <= 64 ? lq_mac_step64(&model, cur.a, cur.w, cur.last, &e.sum64)
                                         : lq_mac_step(&model, cur.a, cur.w, cur.last, &e.sum);
                if (got == 1) {
                    if (OUT_BITS <= 64) lq_wide_from_i64(&e.sum, e.sum64);
                    if (fo) {
                        char h[160];
                        std::fprintf(fo, "%s\n", lq_wide_hex(&e.sum, OUT_BITS, h));
                        n_out_written++;
                    }
                    e.vector = vectors;
                    e.beats = vec_beats;
                    e.last_beat = cur;
                    expect.push_back(e);
                }
            }
            if (cur.last) {
                // nothing ahead of it (no faults): m_valid exactly LATENCY cycles later
                if (pending == 0 && !out_before && !flt.any())
                    lat_at = cycle - 1 + (uint64_t)CFG(LATENCY);
                vectors++;
                pending++;
                vec_beats = 0;
                if (sent >= beats) done_sending = true;
            }
        }
        if (fire_out) {
            outputs++;
            idle = 0;
            if (pending == 0) {
                std::printf("ERROR at cycle %" PRIu64 ": an output without a vector\n", cycle);
                errors++;
            } else {
                pending--;
            }
            if (check && !expect.empty()) {
                const Expect& e = expect.front();
                bool same;
                if (OUT_BITS <= 64) {
                    uint64_t raw = (uint64_t)owords[0] | (OUT_BITS > 32 ? (uint64_t)owords[1] << 32 : 0);
                    const int sh = 64 - OUT_BITS;
                    same = (int64_t)(raw << sh) >> sh == e.sum64;
                } else {
                    lq_wide act = wide_from_words(owords.data(), OUT_BITS);
                    same = lq_wide_eq(&act, &e.sum);
                }
                if (!same) {
                    lq_wide act = wide_from_words(owords.data(), OUT_BITS);
                    char h1[160], h2[160], d1[170], d2[170];
                    errors++;
                    std::printf("MISMATCH at cycle %" PRIu64 ": output %" PRIu64 " (vector %" PRIu64
                                ", %ld beats)\n",
                                cycle, outputs - 1, e.vector, e.beats);
                    print_beat(e.last_beat);
                    std::printf("  expected 0x%s (%s)\n  actual   0x%s (%s)\n",
                                lq_wide_hex(&e.sum, OUT_BITS, h1), lq_wide_dec(&e.sum, d1),
                                lq_wide_hex(&act, OUT_BITS, h2), lq_wide_dec(&act, d2));
                    std::printf("  seed %" PRIu64 "; rerun: %s\n", seed, rerun.c_str());
                    if (dumping && errors == 1) write_fail_view(trace, 2 * cycle);
                }
                expect.pop_front();
            }
        } else if (pending > 0) {
            if (++idle > 1000 + 100 * (uint64_t)CFG(LATENCY) + (uint64_t)flt.hold) {
                std::printf("ERROR at cycle %" PRIu64 ": no output for %" PRIu64
                            " cycles with %" PRIu64 " vector(s) pending (deadlock?)\n",
                            cycle, idle, pending);
                errors++;
                break;
            }
        }
        if (done_sending && pending == 0) break;
    }
    auto t1 = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(t1 - t0).count();
#if VM_TRACE_FST
    if (tfp) tfp->close();
#endif
    top->final();
    if (fa) {
        std::fclose(fa);
        std::fclose(fw);
        std::fclose(fl);
        std::fclose(fo);
        FILE* fp = std::fopen((vec_dir + "/params.vh").c_str(), "w");
        if (fp) {
            std::fprintf(fp, "`define MAC_TOP %s\n`define MAC_IN_A %d\n`define MAC_IN_W %d\n"
                             "`define MAC_OUT %d\n`define MAC_NIN %" PRIu64 "\n"
                             "`define MAC_NOUT %" PRIu64 "\n",
                         CFG(NAME), LANES * A_BITS, LANES * W_BITS, OUT_BITS, sent, n_out_written);
            std::fclose(fp);
        }
        std::printf("mac_tb: wrote %" PRIu64 " beats and %" PRIu64 " sums to %s\n", sent,
                    n_out_written, vec_dir.c_str());
    }
    std::printf("mac_tb: %" PRIu64 " beats, %" PRIu64 " vectors, %" PRIu64 " cycles, %.3f s, "
                "%.0f beats/s%s\n",
                sent, outputs, cycle, secs, secs > 0 ? (double)sent / secs : 0.0,
                check ? "" : " (model check off)");
    if (lat_checked)
        std::printf("mac_tb: latency %d checked on %" PRIu64 " vector(s)\n", CFG(LATENCY),
                    lat_checked);
    flt.report("mac_tb");
    if (g_interrupted) {
        std::printf("INTERRUPTED after %" PRIu64 " cycles; the dump is closed\n", cycle);
        return 130;
    }
    if (errors) {
        std::printf("FAILED: %" PRIu64 " error(s); seed %" PRIu64 "; rerun: %s\n", errors, seed,
                    rerun.c_str());
        return 1;
    }
    std::printf("PASSED: every output matches the model%s\n", check ? "" : " (not checked)");
    return 0;
}
