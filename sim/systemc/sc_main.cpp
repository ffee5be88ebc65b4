// SystemC harness of a `logq gen mac` array (docs/xsim.md): the Verilator --sc model
// driven by an sc_clock, a Source module (seeded random beats and vectors, random
// stalls on s_valid and m_ready) and a Scoreboard module that wraps the C model
// (lq_mac_step) and checks every output. Reports cycles per second.
//
// Built by sim/systemc/build.sh with -DMAC_PREFIX, -DMAC_HEADER, -DVTOP, -DVTOP_HEADER
// (as sim/verilator/mac_build.sh) and --pins-bv 2 (every port wider than 1 bit is an
// sc_bv). Arguments: +seed=N +beats=N +stall=PCT +wrong-model +max-errors=N.
#include <systemc.h>
#include <verilated.h>
#if VM_TRACE_FST
#include <verilated_fst_sc.h>
#endif

#include <chrono>
#include <csignal>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>

#include "../verilator/mac_cfg.h"
static const int IA = LANES * A_BITS, IW = LANES * W_BITS;

static uint32_t mask(int bits) { return bits >= 32 ? 0xffffffffu : (1u << bits) - 1u; }

struct Shared {
    lq_rng rng;
    int stall = 30;
    uint64_t beats = 20000, seed = 1;
    int max_errors = 10;
    std::string rerun;
};

// Drives the input stream and m_ready; samples the handshake at the rising edge.
SC_MODULE(Source)
{
    sc_in<bool> clk, rst, s_ready;
    sc_out<bool> s_valid, s_last, m_ready;
    sc_out<sc_bv<IA>> s_a;
    sc_out<sc_bv<IW>> s_w;
    Shared* sh = nullptr;
    uint64_t sent = 0;
    long remaining = 0;
    bool have = false, done = false;

    void next()
    {
        sc_bv<IA> a;
        sc_bv<IW> w;
        if (remaining == 0) remaining = 1 + (long)lq_rng_below(&sh->rng, 16);
        for (int i = 0; i < LANES; i++) {
            uint32_t ca = (uint32_t)lq_rng_u64(&sh->rng) & mask(A_BITS);
            uint32_t cw = (uint32_t)lq_rng_u64(&sh->rng) & mask(W_BITS);
            for (int b = 0; b < A_BITS; b++) a[i * A_BITS + b] = (bool)((ca >> b) & 1u);
            for (int b = 0; b < W_BITS; b++) w[i * W_BITS + b] = (bool)((cw >> b) & 1u);
        }
        remaining--;
        s_a.write(a);
        s_w.write(w);
        s_last.write(remaining == 0);
        have = true;
    }

    void edge()
    {
        if (rst.read()) return;
        bool fired = s_valid.read() && s_ready.read();
        if (fired) {
            sent++;
            have = false;
            if (s_last.read() && sent >= sh->beats) done = true;
        }
        if (!have && !done) next();
        bool keep = s_valid.read() && !fired;  // valid holds until accepted
        bool v = have && !done && (keep || lq_rng_below(&sh->rng, 100) >= (uint64_t)sh->stall);
        s_valid.write(v);
        m_ready.write(lq_rng_below(&sh->rng, 100) >= (uint64_t)sh->stall);
    }

    SC_CTOR(Source)
    {
        SC_METHOD(edge);
        sensitive << clk.pos();
        dont_initialize();
    }
};

// The C model as a scoreboard: every accepted beat steps the model, every output
// is compared with the model's sum of its vector.
SC_MODULE(Scoreboard)
{
    sc_in<bool> clk, rst, s_valid, s_ready, s_last, m_valid, m_ready;
    sc_in<sc_bv<IA>> s_a;
    sc_in<sc_bv<IW>> s_w;
    sc_in<sc_bv<OUT_BITS>> m_sum;
    Shared* sh = nullptr;
    lq_mac_state model;
    std::deque<lq_wide> expect;
    uint64_t cycle = 0, outputs = 0, errors = 0, vectors = 0;

    void edge()
    {
        cycle++;
        if (rst.read()) return;
        if (s_valid.read() && s_ready.read()) {
            uint32_t a[LQ_MAC_LANES_MAX], w[LQ_MAC_LANES_MAX];
            sc_bv<IA> va = s_a.read();
            sc_bv<IW> vw = s_w.read();
            for (int i = 0; i < LANES; i++) {
                a[i] = w[i] = 0;
                for (int b = 0; b < A_BITS; b++) a[i] |= (uint32_t)va[i * A_BITS + b].to_bool() << b;
                for (int b = 0; b < W_BITS; b++) w[i] |= (uint32_t)vw[i * W_BITS + b].to_bool() << b;
            }
            lq_wide out;
            if (lq_mac_step(&model, a, w, s_last.read(), &out)) {
                expect.push_back(out);
                vectors++;
            }
        }
        if (m_valid.read() && m_ready.read()) {
            sc_bv<OUT_BITS> o = m_sum.read();
            lq_wide act;
            std::memset(&act, 0, sizeof act);
            for (int b = 0; b < OUT_BITS; b++)
                if (o[b].to_bool()) act.limb[b / 64] |= (uint64_t)1 << (b % 64);
            lq_wide_sext(&act, OUT_BITS);
            if (expect.empty()) {
                std::printf("ERROR at cycle %" PRIu64 ": an output without a vector\n", cycle);
                errors++;
            } else {
                lq_wide e = expect.front();
                expect.pop_front();
                if (!lq_wide_eq(&e, &act)) {
                    char h1[160], h2[160];
                    errors++;
                    std::printf("MISMATCH at cycle %" PRIu64 ": output %" PRIu64
                                "\n  expected 0x%s\n  actual   0x%s\n  seed %" PRIu64
                                "; rerun: %s\n",
                                cycle, outputs, lq_wide_hex(&e, OUT_BITS, h1),
                                lq_wide_hex(&act, OUT_BITS, h2), sh->seed, sh->rerun.c_str());
                }
            }
            outputs++;
        }
        if (errors >= (uint64_t)sh->max_errors) sc_stop();
    }

    SC_CTOR(Scoreboard)
    {
        SC_METHOD(edge);
        sensitive << clk.pos();
        dont_initialize();
    }
};

// Set by SIGINT/SIGTERM: the run stops between 1000-cycle slices, the dump is closed.
static volatile std::sig_atomic_t g_interrupted = 0;
static void on_signal(int) { g_interrupted = 1; }

int sc_main(int argc, char** argv)
{
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    Verilated::commandArgs(argc, argv);
    Shared sh;
    bool wrong = false;
    const char* s;
    if ((s = Verilated::commandArgsPlusMatch("seed=")) && *s) sh.seed = std::strtoull(s + 6, nullptr, 10);
    if ((s = Verilated::commandArgsPlusMatch("beats=")) && *s) sh.beats = std::strtoull(s + 7, nullptr, 10);
    if ((s = Verilated::commandArgsPlusMatch("stall=")) && *s) sh.stall = std::atoi(s + 7);
    if ((s = Verilated::commandArgsPlusMatch("max-errors=")) && *s) sh.max_errors = std::atoi(s + 12);
    if ((s = Verilated::commandArgsPlusMatch("wrong-model")) && *s) wrong = true;
    // +trace[=FILE]: an FST (built with --trace-fst, WAVES=1). The plusarg buffer is
    // reused by the next call: copy it.
    std::string trace_path;
    if ((s = Verilated::commandArgsPlusMatch("trace")) && *s) {
        trace_path = s[6] == '=' ? s + 7 : "mac_sc.fst";
        Verilated::traceEverOn(true);
    }
    if (sh.stall < 0 || sh.stall > 95) {
        std::fprintf(stderr, "sc_main: +stall=%d is out of range (0 to 95)\n", sh.stall);
        return 2;
    }
    sh.rerun = argv[0];
    for (int i = 1; i < argc; i++)
        if (std::strncmp(argv[i], "+seed=", 6) != 0) sh.rerun += std::string(" ") + argv[i];
    sh.rerun += " +seed=" + std::to_string(sh.seed);
    lq_rng_seed(&sh.rng, sh.seed);

    lq_mac_config cfg;
    std::memset(&cfg, 0, sizeof cfg);
    cfg.mode = (lq_mac_mode)CFG(MODE_ID);
    cfg.lanes = LANES;
    cfg.w = lq_format_default();
    cfg.w.scheme = (lq_scheme)CFG(W_SCHEME_ID);
    cfg.w.bits = W_BITS;
    cfg.w.fsr = CFG(W_FSR);
    cfg.w.is_signed = CFG(W_SIGNED);
    cfg.a = lq_format_default();
    cfg.a.scheme = (lq_scheme)CFG(A_SCHEME_ID);
    cfg.a.bits = A_BITS;
    cfg.a.fsr = CFG(A_FSR);
    cfg.a.is_signed = CFG(A_SIGNED);
    cfg.sqrt2_frac = CFG(SQRT2_FRAC);
    cfg.frac = CFG(FRAC);
    cfg.max_beats = CFG(MAX_BEATS);
    cfg.fault = wrong ? 1 : 0;

    sc_clock clk("clk", 10, SC_NS);
    sc_signal<bool> rst, s_valid, s_ready, s_last, m_valid, m_ready;
    sc_signal<sc_bv<IA>> s_a;
    sc_signal<sc_bv<IW>> s_w;
    sc_signal<sc_bv<OUT_BITS>> m_sum;

    VTOP dut("dut");
    dut.clk(clk);
    dut.rst(rst);
    dut.s_valid(s_valid);
    dut.s_ready(s_ready);
    dut.s_last(s_last);
    dut.s_a(s_a);
    dut.s_w(s_w);
    dut.m_valid(m_valid);
    dut.m_ready(m_ready);
    dut.m_sum(m_sum);

    Source src("source");
    src.sh = &sh;
    src.clk(clk);
    src.rst(rst);
    src.s_ready(s_ready);
    src.s_valid(s_valid);
    src.s_last(s_last);
    src.m_ready(m_ready);
    src.s_a(s_a);
    src.s_w(s_w);

    Scoreboard sb("scoreboard");
    sb.sh = &sh;
    char msg[256];
    if (lq_mac_reset(&sb.model, &cfg, msg, sizeof msg) != 0) {
        std::fprintf(stderr, "sc_main: the model refuses the configuration: %s\n", msg);
        return 2;
    }
    if (sb.model.wd.out_bits != OUT_BITS) {
        std::fprintf(stderr, "sc_main: header and model disagree on widths\n");
        return 1;
    }
    sb.clk(clk);
    sb.rst(rst);
    sb.s_valid(s_valid);
    sb.s_ready(s_ready);
    sb.s_last(s_last);
    sb.m_valid(m_valid);
    sb.m_ready(m_ready);
    sb.s_a(s_a);
    sb.s_w(s_w);
    sb.m_sum(m_sum);

    std::printf("sc_main: %s, %d lanes, out %d bits; seed %" PRIu64 ", %" PRIu64
                " beats, stall %d%%%s\n",
                CFG(MODE), LANES, OUT_BITS, sh.seed, sh.beats, sh.stall,
                wrong ? ", WRONG MODEL (test)" : "");
    std::printf("sc_main: rerun: %s\n", sh.rerun.c_str());
    std::fflush(stdout);

#if VM_TRACE_FST
    VerilatedFstSc* tfp = nullptr;
    if (!trace_path.empty()) {
        sc_start(SC_ZERO_TIME);  // elaborate before tracing
        tfp = new VerilatedFstSc;
        dut.trace(tfp, 99);
        tfp->open(trace_path.c_str());
        std::printf("sc_main: tracing to %s\n", trace_path.c_str());
        std::fflush(stdout);  // tests wait for this line before they interrupt
    }
#else
    if (!trace_path.empty())
        std::printf("sc_main: +trace ignored: built without --trace-fst (WAVES=1)\n");
#endif
    auto t0 = std::chrono::steady_clock::now();
    rst.write(true);
    sc_start(40, SC_NS);
    rst.write(false);
    uint64_t idle_cycles = 0, last_out = 0;
    while (sb.errors < (uint64_t)sh.max_errors && !g_interrupted) {
        sc_start(10000, SC_NS);  // 1000 cycles
        if (src.done && sb.expect.empty() && sb.outputs == sb.vectors) break;
        if (sb.outputs == last_out) {
            if (++idle_cycles > 10) {
                std::printf("ERROR: no output for 10000 cycles (deadlock?)\n");
                sb.errors++;
                break;
            }
        } else {
            idle_cycles = 0;
            last_out = sb.outputs;
        }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    dut.final();
#if VM_TRACE_FST
    if (tfp) {
        tfp->close();
        std::printf("sc_main: waves closed: gtkwave %s\n", trace_path.c_str());
        delete tfp;
    }
#endif
    if (g_interrupted) {
        std::printf("INTERRUPTED after %" PRIu64 " cycles; the dump is closed\n", sb.cycle);
        return 130;
    }
    std::printf("sc_main: %" PRIu64 " beats, %" PRIu64 " outputs checked, %" PRIu64
                " cycles, %.3f s, %.0f cycles/s\n",
                src.sent, sb.outputs, sb.cycle, secs, secs > 0 ? sb.cycle / secs : 0.0);
    if (sb.errors) {
        std::printf("FAILED: %" PRIu64 " error(s); seed %" PRIu64 "; rerun: %s\n", sb.errors,
                    sh.seed, sh.rerun.c_str());
        return 1;
    }
    std::printf("PASSED: every output matches the model\n");
    return 0;
}
