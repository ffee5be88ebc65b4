// The stimulus and expected outputs shared by the SLQ MAC benches (slqmac_tb.cpp: term
// beats in, slqdot_tb.cpp: SLQ words in): random vectors of activations, per lane a
// weight row encoded with lq_slq_encode and framed into words, some frames corrupted,
// the words turned into term beats by lq_slqhw_dec; then the outputs of lq_slqmac for
// them. One generator for both, so a seed gives both benches the same streams.
#ifndef LOGQ_SIM_SLQ_STIM_H
#define LOGQ_SIM_SLQ_STIM_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <vector>

extern "C" {
#include "rng.h"
#include "slqhw.h"
}

namespace lq_slq_stim {

// Verilator packs wide ports into words (uint32_t arrays above 64 bits).
template <typename T> inline void set_bits(T &port, int lsb, int width, uint64_t v)
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
template <typename T> inline uint64_t get_bits(const T &port, int lsb, int width)
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

// The weights' SLQ format: signed W-bit words, at most L of a weight, full-scale FSR.
inline lq_format format(int w, int fsr, int max_words, lq_rounding r = LQ_NEAREST, double theta = 0.0)
{
    return lq_format{LQ_SLQ, w, fsr, r, true, max_words, theta};
}

inline int64_t sext(uint64_t v, int bits)
{
    uint64_t m = bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
    uint64_t s = (uint64_t)1 << (bits - 1);
    return (int64_t)(((v & m) ^ s) - s);
}

// The MAC's parameters (NAME.h): lanes, weight bits, activation bits, fraction bits of
// the accumulator, accumulator bits.
struct Shape {
    int n, w, a, f, acc;
};

struct Stim {
    std::vector<int64_t> act;
    std::vector<int> act_last;
    std::vector<std::vector<lq_slqhw_beat>> beats; // per lane, the decoder model's output
    std::vector<std::vector<uint32_t>> lwords;     // the stream words of each lane
    std::vector<std::vector<int>> llast;           // and their `last`
    std::vector<int> vec_ok;                       // no lane corrupted in this vector
    std::vector<std::vector<int64_t>> exact_dot;   // per vector, per lane (mod 2^ACC)
    long nweights = 0, nwords = 0, nbits_tag = 0, nbits_special = 0, nsw = 0;
    int exact = 0; // every weight exact in F fraction bits: the model must give exact_dot
};

// `vectors` vectors for format f (scheme, bits, fsr, max_words, signedness, theta set;
// rounding is drawn per vector) framed with fr. sigma > 0: vectors of 16 weights
// N(0, sigma^2), no corruption; full: no corruption. aim_low: a third of the vectors
// aim at the terms where floor and truncation toward zero differ (x * 2^F negative and
// not a multiple of 2^shift, that is odd negative activations and weights small enough
// for shifts beyond F, possible only when F < 2^(W-1) - 1, the largest shift).
inline void make(lq_rng *r, lq_format *f, lq_framing fr, const Shape &s, int vectors,
                 double sigma, int full, bool aim_low, Stim &st)
{
    const int N = s.n;
    st.beats.assign(N, {});
    st.lwords.assign(N, {});
    st.llast.assign(N, {});
    st.exact = s.f >= (1 << (s.w - 1)) - 1;
    std::vector<lq_slqhw_dec> dec(N);
    for (int j = 0; j < N; j++)
        lq_slqhw_dec_reset(&dec[j], f, fr);
    int64_t amax = ((int64_t)1 << (s.a - 1)) - 1;
    for (int vi = 0; vi < vectors; vi++) {
        int k = sigma > 0.0 ? 16 : 1 + (int)lq_rng_below(r, 12);
        f->rounding = sigma > 0.0 ? LQ_NEAREST : lq_rng_below(r, 2) ? LQ_FLOOR : LQ_NEAREST;
        int corrupt = !full && lq_rng_below(r, 5) == 0;
        int low = aim_low && sigma == 0.0 && s.f < (1 << (s.w - 1)) - 1 && lq_rng_below(r, 3) == 0;
        std::vector<int64_t> xs(k);
        for (int i = 0; i < k; i++) {
            if (low && lq_rng_below(r, 4) != 0) {
                xs[i] = -2 * (int64_t)lq_rng_below(r, (uint64_t)(amax + 1) / 2) - 1; // -1 .. -amax
            } else {
                switch (lq_rng_below(r, 8)) {
                case 0: xs[i] = amax; break;
                case 1: xs[i] = -amax - 1; break;
                case 2: xs[i] = (int64_t)lq_rng_below(r, 3) - 1; break;
                default: xs[i] = (int64_t)lq_rng_below(r, (uint64_t)(2 * amax + 2)) - amax - 1;
                }
            }
            st.act.push_back(xs[i]);
            st.act_last.push_back(i == k - 1);
        }
        std::vector<int64_t> dots(N, 0);
        for (int j = 0; j < N; j++) {
            std::vector<uint32_t> words;
            uint64_t dot = 0;
            double scale = ldexp(1.0, f->fsr - 1 - (int)lq_rng_below(r, 3));
            if (low) // first-word shifts from F + 1 up to the largest
                scale = ldexp(1.0, f->fsr - s.f - 1 -
                                       (int)lq_rng_below(r, (uint64_t)((1 << (s.w - 1)) - 1 - s.f)));
            for (int i = 0; i < k; i++) {
                double x = sigma > 0.0 ? lq_rng_gauss(r) * sigma
                           : lq_rng_below(r, 6) == 0 ? 0.0 : lq_rng_gauss(r) * scale;
                lq_slq_value v = lq_slq_encode(f, x);
                uint32_t w[2 * LQ_SLQ_WORDS_MAX];
                int n = lq_slq_frame_value(f, fr, &v, w);
                st.nweights++;
                st.nwords += v.n;
                st.nsw += n;
                st.nbits_tag += lq_slq_value_bits(f, LQ_FRAMING_TAG, v.n);
                st.nbits_special += lq_slq_value_bits(f, LQ_FRAMING_SPECIAL, v.n);
                words.insert(words.end(), w, w + n);
                int64_t wf;
                if (lq_slq_value_fixed(f, &v, s.f - f->fsr, &wf) == 0)
                    dot += (uint64_t)(xs[i] * wf);
                else
                    st.exact = 0;
            }
            dots[j] = sext(dot, s.acc);
            if (corrupt && lq_rng_below(r, 2)) {
                size_t p = (size_t)lq_rng_below(r, words.size());
                switch (lq_rng_below(r, 3)) {
                case 0: words[p] = (uint32_t)lq_rng_u64(r) & ((1u << lq_slq_stream_width(f, fr)) - 1); break;
                case 1: words.erase(words.begin() + (long)p); break;
                default: words.insert(words.begin() + (long)p, words[p]); break;
                }
                if (words.empty())
                    words.push_back(0);
            }
            for (size_t i = 0; i < words.size(); i++) {
                lq_slqhw_beat b[LQ_SLQHW_BEATS_MAX];
                int nb = lq_slqhw_dec_step(&dec[j], words[i], i + 1 == words.size(), b);
                st.beats[j].insert(st.beats[j].end(), b, b + nb);
                st.lwords[j].push_back(words[i]);
                st.llast[j].push_back(i + 1 == words.size());
            }
        }
        st.vec_ok.push_back(!corrupt);
        st.exact_dot.push_back(dots);
    }
}

// The model's outputs. run() stops at the first step a lane cannot complete (a lane
// whose frames ran short at the end): later activations are not driven either; nact
// then counts whole vectors only. Where each vector starts (its first activation,
// every lane's next beat) is kept: after a reset the vector in flight is sent again
// from there, and from() gives a fresh model's outputs from there. brk (--break): the
// third vector's first lane expected wrong, the check must fail.
struct Expect {
    Shape s;
    const Stim &st;
    lq_slqmac m;
    std::vector<const lq_slqhw_beat *> bp;
    std::vector<size_t> bn;
    std::vector<std::vector<int64_t>> exp_out;
    std::vector<std::vector<int>> exp_err;
    std::vector<size_t> vstart_act;
    std::vector<std::vector<size_t>> vstart_pos;
    size_t nact = 0;
    long model_errors = 0; // well-formed vectors where the model is not the exact dot

    Expect(const Shape &shape, const Stim &stim) : s(shape), st(stim) {}

    // Model mm's step on activation k, the lanes at beats pos: 1 with a vector's
    // outputs in o and e, 0 without, -1 when a lane's beats ran out.
    int step(lq_slqmac *mm, size_t k, size_t *pos, std::vector<int64_t> &o, std::vector<int> &e)
    {
        o.assign(s.n, 0);
        e.assign(s.n, 0);
        return lq_slqmac_step(mm, st.act[k], st.act_last[k], bp.data(), bn.data(), pos, o.data(),
                              e.data());
    }

    void run(bool brk)
    {
        const int N = s.n;
        lq_slqmac_reset(&m, N, s.a, s.f, s.acc);
        bp.resize(N);
        bn.resize(N);
        std::vector<size_t> pos(N, 0);
        for (int j = 0; j < N; j++) {
            bp[j] = st.beats[j].data();
            bn[j] = st.beats[j].size();
        }
        vstart_act.assign(1, 0);
        vstart_pos.assign(1, std::vector<size_t>(N, 0));
        std::vector<int64_t> o;
        std::vector<int> e;
        for (nact = 0; nact < st.act.size(); nact++) {
            int rc = step(&m, nact, pos.data(), o, e);
            if (rc < 0)
                break;
            if (rc == 1) {
                size_t vi = exp_out.size();
                for (int j = 0; j < N; j++) {
                    if (st.vec_ok[vi] && (e[j] || (st.exact && o[j] != st.exact_dot[vi][j]))) {
                        if (model_errors++ < 10)
                            printf("MODEL vector %zu lane %d: acc %lld err %d, exact dot %lld\n",
                                   vi, j, (long long)o[j], e[j], (long long)st.exact_dot[vi][j]);
                    }
                }
                exp_out.push_back(o);
                exp_err.push_back(e);
                vstart_act.push_back(nact + 1);
                vstart_pos.push_back(pos);
            }
        }
        while (nact > 0 && !st.act_last[nact - 1])
            nact--; // drive whole vectors only
        if (brk && exp_out.size() > 2)
            exp_out[2][0] ^= 1;
    }

    // After a reset: the expected outputs of vectors v.. from a fresh model (the
    // output list then starts at vector v).
    void from(size_t v)
    {
        const int N = s.n;
        lq_slqmac mr;
        lq_slqmac_reset(&mr, N, s.a, s.f, s.acc);
        std::vector<size_t> p = vstart_pos[v];
        exp_out.resize(v);
        exp_err.resize(v);
        std::vector<int64_t> o;
        std::vector<int> e;
        for (size_t k = vstart_act[v]; k < nact; k++) {
            int rc = step(&mr, k, p.data(), o, e);
            if (rc < 0)
                break;
            if (rc == 1) {
                exp_out.push_back(o);
                exp_err.push_back(e);
            }
        }
    }
};

// The stall phases, drawn every 300 cycles unless full: the percent of cycles the
// activation stream, each lane's stream and m_ready offer a transfer.
struct Stalls {
    int pa = 100, pt = 100, po = 100;
    void pick(lq_rng *r)
    {
        static const int ps[] = {100, 90, 60, 30};
        pa = ps[lq_rng_below(r, 4)];
        pt = ps[lq_rng_below(r, 4)];
        po = ps[lq_rng_below(r, 4)];
    }
};

// An output beat (m_data: N accumulators of ACC bits, m_err: N flags) against the
// expected vector op; MISMATCH lines for the first 10 errors.
template <typename Top>
inline void check_out(const Top &top, const Expect &ex, size_t op, long cycle, long &errors)
{
    const int acc = ex.s.acc;
    for (int j = 0; j < ex.s.n; j++) {
        int64_t a = sext(get_bits(top.m_data, j * acc, acc), acc);
        int ae = (int)get_bits(top.m_err, j, 1);
        if ((a != ex.exp_out[op][j] || ae != ex.exp_err[op][j]) && errors++ < 10)
            printf("MISMATCH cycle %ld vector %zu lane %d: expected acc %lld err %d, "
                   "actual acc %lld err %d\n", cycle, op, j, (long long)ex.exp_out[op][j],
                   ex.exp_err[op][j], (long long)a, ae);
    }
}

// The lanes whose valid beat the DUT took (ready bit j of port `ready`) move on.
template <typename T>
inline int take_lanes(const T &ready, std::vector<int> &lv, std::vector<size_t> &lp)
{
    int progress = 0;
    for (size_t j = 0; j < lv.size(); j++) {
        if (lv[j] && get_bits(ready, (int)j, 1)) {
            lp[j]++;
            lv[j] = 0;
            progress = 1;
        }
    }
    return progress;
}

// The bench loop's transfers: the next activation (ap) and output (op) and each lane's
// next stream item (lp) and whether it is offered (lv); stalls, progress and hangs.
struct Drive {
    const Expect &ex;
    size_t ap = 0, op = 0;
    std::vector<size_t> lp;
    std::vector<int> lv;
    int av = 0;
    Stalls stalls;
    long cycle = 0, idle = 0, errors, first_act = -1, last_out = -1;

    Drive(const Expect &e) : ex(e), lp((size_t)e.s.n, 0), lv((size_t)e.s.n, 0), errors(e.model_errors) {}

    // The activation stream: a new activation offered with probability pa when
    // may_offer() (called only then) allows it.
    template <typename Top, typename May>
    void drive_act(lq_rng *r, Top &top, May may_offer)
    {
        if (!av && ap < ex.nact)
            av = (int)lq_rng_below(r, 100) < stalls.pa && may_offer();
        top.s_act_valid = av;
        top.s_act_data = (uint32_t)(av ? ex.st.act[ap] : 0) & (uint32_t)((1ull << ex.s.a) - 1);
        top.s_act_last = av ? ex.st.act_last[ap] : 0;
    }
    // Lane j, with n items: a new item offered with probability pt.
    void offer_lane(lq_rng *r, int j, size_t n)
    {
        if (!lv[j] && lp[j] < n)
            lv[j] = (int)lq_rng_below(r, 100) < stalls.pt;
    }
    // After the falling edge: the output checked, the activation and lane items the
    // DUT took (lane ready bits in `ready`); 1 when anything moved.
    template <typename Top, typename T> int transfers(const Top &top, const T &ready)
    {
        int progress = 0;
        if (top.m_valid && top.m_ready) {
            check_out(top, ex, op, cycle, errors);
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
        if (take_lanes(ready, lv, lp))
            progress = 1;
        return progress;
    }
    // After the rising edge: true when the run stops (no progress for 1000 + hold
    // cycles, a HANG, or 10 errors).
    bool stop(int progress, long hold)
    {
        cycle++;
        idle = progress ? 0 : idle + 1;
        if (idle > 1000 + hold) {
            printf("HANG at cycle %ld: %zu/%zu activations, %zu/%zu outputs\n", cycle, ap, ex.nact,
                   op, ex.exp_out.size());
            errors++;
            return true;
        }
        return errors >= 10;
    }
};

// The last line: PASS, or FAIL with the rerun command (exit status 1).
inline int verdict(const char *name, uint64_t seed, long errors, const char *rerun, int full,
                   size_t vectors)
{
    if (errors) {
        printf("FAIL: %s seed %llu: %ld errors (rerun: %s)\n", name, (unsigned long long)seed,
               errors, rerun);
        return 1;
    }
    printf("PASS: %s seed %llu%s: %zu vectors\n", name, (unsigned long long)seed,
           full ? " full-throughput" : "", vectors);
    return 0;
}

}  // namespace lq_slq_stim

#endif
