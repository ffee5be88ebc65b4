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
// Built by sim/verilator/net_build.sh.
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
    std::string name = CFG(NAME);
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
    top->rst = 1;
    top->s_valid = 0;
    top->m_ready = 0;
    for (int i = 0; i < 4; i++) {
        top->clk = 0;
        top->eval();
        top->clk = 1;
        top->eval();
    }
    top->rst = 0;
    long cyc = 0, first_in = -1, limit = (long)(nimg + 4) * CFG(LATENCY) * 10 + 10000;
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
            put(top->s_data, parse_hex(in[nin], IN_BITS));
        }
        top->s_valid = vin;
        top->m_ready = stall == 0 || rnd100() >= (unsigned)stall;
        top->eval();
        bool in_fire = vin && top->s_ready;
        if (top->m_valid && top->m_ready) {
            words cw = get(top->m_class), lw = get(top->m_logits);
            words ew = parse_hex(ex[nout], CLASS_BITS + CLASSES * LOGIT_BITS);
            int64_t cls = field(cw, 0, CLASS_BITS, false), ecls = field(ew, 0, CLASS_BITS, false);
            std::vector<int64_t> lg, el;
            bool same = cls == ecls;
            for (int j = 0; j < CLASSES; j++) {
                lg.push_back(field(lw, j * LOGIT_BITS, LOGIT_BITS, true));
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
                    "%d), %d of %d intervals off\n", lat, CFG(LATENCY),
                    nimg > 1 ? out_cyc[nimg - 1] - out_cyc[nimg - 2] : 0L, CFG(PERIOD),
                    bad_period, nimg > 3 ? nimg - 3 : 0);
        if (stall != 0) {
            std::printf("timing: needs +stall=0\n");
            bad_timing = 1;
        }
        bad_timing |= lat != CFG(LATENCY) || bad_period != 0;
    }
    top->final();
    if (errors || bad_timing) {
        std::printf("FAILED\n");
        return 1;
    }
    std::printf("PASSED\n");
    return 0;
}
