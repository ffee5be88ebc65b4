// Verilator co-simulation of a network of `logq gen net` (docs/net.md): streams the
// input beats of NAME_in.hex into the accelerator with random idle cycles on the
// input and random m_ready on the output, and compares every image's class and
// every logit with NAME_expect.hex, the integer model's outputs (gen/nn/hw.c, the
// arithmetic of `logq eval --hw`). Prints the accuracy of the RTL beside the model's.
// With +stall=0 and +timing it also checks the latency (first input beat accepted ->
// m_valid) and the cycles between images against NAME.h.
//
//   OUT/net_tb +vectors=GEN_DIR [+stall=PCT] [+seed=S] [+timing] [+max-errors=N]
//              [+verilator+rand+reset+2]
// Built by sim/verilator/net_build.sh. A wrapped top (gen net --interface axis,
// --reset sync-low, --skid; docs/interfaces.md) is driven through its own ports: the
// network's constants come from NAME_core.h (NET_PREFIX), the wrapper's from NAME.h
// (NET_TOP), the latency too (NAME_TOP_LATENCY: the skid buffer adds a cycle); under axis
// TLAST is driven on each image's last beat, the output's TDATA padding must be 0 and
// its TLAST 1.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "verilated.h"
#include VTOP_HEADER
#include NET_HEADER

#define CAT3(a, b) a##_##b
#define CAT2(a, b) CAT3(a, b)
#define CFG(x) CAT2(NET_PREFIX, x)
#define TOP(x) CAT2(NET_TOP, x) // the wrapper's macros: 0 in #if without one

#if TOP(INTERFACE_AXIS)
#define S_VALID s_axis_tvalid
#define S_READY s_axis_tready
#define S_DATA s_axis_tdata
#define M_VALID m_axis_tvalid
#define M_READY m_axis_tready
#else
#define S_VALID s_valid
#define S_READY s_ready
#define S_DATA s_data
#define M_VALID m_valid
#define M_READY m_ready
#endif
#if TOP(RESET_ACTIVE_LOW)
#define SET_RESET(t, r) ((t)->aresetn = !(r))
#else
#define SET_RESET(t, r) ((t)->rst = (r))
#endif

static const int IN_BITS = CFG(IN_BITS);
static const int CLASS_BITS = CFG(CLASS_BITS);
static const int LOGIT_BITS = CFG(LOGIT_BITS);
static const int CLASSES = CFG(CLASSES);
static const int BEATS = CFG(IMAGE_BEATS);

typedef std::vector<uint32_t> words;

// ---- ports of any width ----
static void put(CData& p, const words& w) { p = (CData)w[0]; }
static void put(SData& p, const words& w) { p = (SData)w[0]; }
static void put(IData& p, const words& w) { p = w[0]; }
static void put(QData& p, const words& w) { p = (QData)w[0] | ((QData)w[1] << 32); }
template <std::size_t N> static void put(VlWide<N>& p, const words& w)
{
    for (std::size_t i = 0; i < N; i++) p[i] = w[i];
}
static words get(const CData& p) { return words{p, 0}; }
static words get(const SData& p) { return words{p, 0}; }
static words get(const IData& p) { return words{p, 0}; }
static words get(const QData& p) { return words{(uint32_t)p, (uint32_t)(p >> 32)}; }
template <std::size_t N> static words get(const VlWide<N>& p)
{
    words w(N + 1, 0);
    for (std::size_t i = 0; i < N; i++) w[i] = p[i];
    return w;
}

// Bits [pos, pos + n) of w, sign-extended when sgn (n <= 64).
static int64_t field(const words& w, int pos, int n, bool sgn)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        int b = pos + i;
        if ((size_t)(b / 32) < w.size() && ((w[b / 32] >> (b % 32)) & 1u)) v |= 1ull << i;
    }
    if (sgn && n < 64 && ((v >> (n - 1)) & 1u)) v |= ~0ull << n;
    return (int64_t)v;
}

// One hex line as 32-bit words, least significant first (two spare words).
static words parse_hex(const std::string& s, int bits)
{
    words w((size_t)(bits + 31) / 32 + 2, 0);
    int pos = 0;
    for (int i = (int)s.size() - 1; i >= 0; i--) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) continue;
        for (int j = 0; j < 4; j++, pos++)
            if ((d >> j) & 1 && pos / 32 < (int)w.size()) w[pos / 32] |= 1u << (pos % 32);
    }
    return w;
}

static bool read_lines(const std::string& path, std::vector<std::string>& out)
{
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line))
        if (!line.empty() && line.compare(0, 2, "//") != 0) out.push_back(line);
    return true;
}

// xoshiro-free: a small seeded generator is enough for stalls (splitmix64).
static uint64_t rng_state;
static unsigned rnd100()
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (unsigned)((z ^ (z >> 31)) % 100);
}

static void print_out(const char* what, int64_t cls, const std::vector<int64_t>& lg)
{
    std::printf("  %s class %lld, logits", what, (long long)cls);
    for (int64_t v : lg) std::printf(" %lld", (long long)v);
    std::printf("\n");
}

int main(int argc, char** argv)
{
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    std::string dir = ".";
    int stall = 30, max_errors = 10;
    uint64_t seed = 1;
    bool timing = false;
    const char* a;
    if ((a = ctx->commandArgsPlusMatch("vectors=")) && *a) dir = std::string(a).substr(9);
    if ((a = ctx->commandArgsPlusMatch("stall=")) && *a) stall = std::atoi(a + 7);
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a) seed = std::strtoull(a + 6, nullptr, 10);
    if ((a = ctx->commandArgsPlusMatch("max-errors=")) && *a) max_errors = std::atoi(a + 12);
    if ((a = ctx->commandArgsPlusMatch("timing")) && *a) timing = true;
    if (stall < 0 || stall > 90) {
        std::fprintf(stderr, "net_tb: +stall=%d out of 0..90\n", stall);
        return 2;
    }
    std::string name = NET_NAME;
    std::vector<std::string> in, ex, lab;
    if (!read_lines(dir + "/" + name + "_in.hex", in) ||
        !read_lines(dir + "/" + name + "_expect.hex", ex) ||
        !read_lines(dir + "/" + name + "_labels.hex", lab)) {
        std::fprintf(stderr, "net_tb: cannot read %s/%s_{in,expect,labels}.hex (logq gen net "
                     "--vectors N)\n", dir.c_str(), name.c_str());
        return 2;
    }
    const int nimg = (int)ex.size();
    if ((int)in.size() != nimg * BEATS || (int)lab.size() != nimg || nimg == 0) {
        std::fprintf(stderr, "net_tb: %zu input beats, %d expected images, %zu labels: "
                     "inconsistent (%d beats per image)\n", in.size(), nimg, lab.size(), BEATS);
        return 2;
    }
    rng_state = seed;
    std::printf("net_tb: %s, %d images, stall %d %%, seed %llu; rerun: %s +vectors=%s "
                "+stall=%d +seed=%llu%s\n", name.c_str(), nimg, stall, (unsigned long long)seed,
                argv[0], dir.c_str(), stall, (unsigned long long)seed, timing ? " +timing" : "");

    auto top = std::make_unique<VTOP>(ctx.get());
    top->clk = 0;
    SET_RESET(top, 1);
    top->S_VALID = 0;
    top->M_READY = 0;
    for (int i = 0; i < 4; i++) {
        top->clk = 0;
        top->eval();
        top->clk = 1;
        top->eval();
    }
    SET_RESET(top, 0);
#if TOP(INTERFACE_AXIS) || TOP(RESET_ACTIVE_LOW) || TOP(SKID)
    const long LATENCY = TOP(TOP_LATENCY); // a wrapper's: the core's + its skid register
#else
    const long LATENCY = CFG(LATENCY);
#endif
    long cyc = 0, first_in = -1, limit = (long)(nimg + 4) * LATENCY * 10 + 10000;
    long nin = 0;
    int nout = 0, errors = 0, ok_rtl = 0, ok_model = 0, bad_timing = 0;
    std::vector<long> out_cyc;
    bool vin = false;
    while (nout < nimg && cyc < limit) {
        top->clk = 0;
        top->eval();
        // Inputs for this cycle: valid is decided before ready is looked at and held
        // until accepted.
        if (!vin && nin < (long)nimg * BEATS && (stall == 0 || rnd100() >= (unsigned)stall)) {
            vin = true;
            put(top->S_DATA, parse_hex(in[nin], IN_BITS));
#if TOP(INTERFACE_AXIS)
            top->s_axis_tlast = nin % BEATS == BEATS - 1; // the image's last beat
#endif
        }
        top->S_VALID = vin;
        top->M_READY = stall == 0 || rnd100() >= (unsigned)stall;
        top->eval();
        bool in_fire = vin && top->S_READY;
        if (top->M_VALID && top->M_READY) {
#if TOP(INTERFACE_AXIS)
            // TDATA = {padding, m_logits, m_class}; the padding is 0, TLAST 1
            words cw = get(top->m_axis_tdata), lw = cw;
            const int LOGITS_AT = CLASS_BITS, used = CLASS_BITS + CLASSES * LOGIT_BITS;
            const int pad = TOP(PORT_M_AXIS_TDATA_BITS) - used;
            bool frame_ok = top->m_axis_tlast == 1 &&
                            (pad == 0 || field(cw, used, pad, false) == 0);
#else
            words cw = get(top->m_class), lw = get(top->m_logits);
            const int LOGITS_AT = 0;
            bool frame_ok = true;
#endif
            words ew = parse_hex(ex[nout], CLASS_BITS + CLASSES * LOGIT_BITS);
            int64_t cls = field(cw, 0, CLASS_BITS, false), ecls = field(ew, 0, CLASS_BITS, false);
            std::vector<int64_t> lg, el;
            bool same = cls == ecls && frame_ok;
            if (!frame_ok) std::printf("MISMATCH at cycle %ld: image %d: TDATA padding not 0 or "
                                       "TLAST not 1\n", cyc, nout);
            for (int j = 0; j < CLASSES; j++) {
                lg.push_back(field(lw, LOGITS_AT + j * LOGIT_BITS, LOGIT_BITS, true));
                el.push_back(field(ew, CLASS_BITS + j * LOGIT_BITS, LOGIT_BITS, true));
                same = same && lg[j] == el[j];
            }
            int label = (int)std::strtol(lab[nout].c_str(), nullptr, 16);
            ok_rtl += cls == label;
            ok_model += ecls == label;
            if (!same && errors++ < max_errors) {
                std::printf("MISMATCH at cycle %ld: image %d\n", cyc, nout);
                print_out("expected", ecls, el);
                print_out("actual  ", cls, lg);
            }
            out_cyc.push_back(cyc);
            nout++;
        }
        if (in_fire) {
            if (first_in < 0) first_in = cyc;
            nin++;
            vin = false;
        }
        top->clk = 1;
        top->eval();
        cyc++;
    }
    if (nout < nimg) {
        std::printf("FAILED: timeout after %ld cycles: %d of %d images out\n", cyc, nout, nimg);
        return 1;
    }
    std::printf("net_tb: %d images, %d mismatches; accuracy RTL %.2f %% (%d), model %.2f %% (%d)\n",
                nimg, errors, 100.0 * ok_rtl / nimg, ok_rtl, 100.0 * ok_model / nimg, ok_model);
    if (timing) {
        long lat = out_cyc[0] - first_in;
        int bad_period = 0;
        // Steady state: from the third image on, one image every PERIOD cycles.
        for (int i = 3; i < nimg; i++)
            if (out_cyc[i] - out_cyc[i - 1] != CFG(PERIOD)) bad_period++;
        std::printf("timing: latency %ld cycles (NAME.h %d), cycles between images %ld (NAME.h "
                    "%d), %d of %d intervals off\n", lat, (int)LATENCY,
                    nimg > 1 ? out_cyc[nimg - 1] - out_cyc[nimg - 2] : 0L, CFG(PERIOD),
                    bad_period, nimg > 3 ? nimg - 3 : 0);
        if (stall != 0) {
            std::printf("timing: needs +stall=0\n");
            bad_timing = 1;
        }
        bad_timing |= lat != LATENCY || bad_period != 0;
    }
    top->final();
    if (errors || bad_timing) {
        std::printf("FAILED\n");
        return 1;
    }
    std::printf("PASSED\n");
    return 0;
}
