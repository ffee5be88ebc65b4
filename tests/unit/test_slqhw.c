/* Unit tests of cmodel/slqhw.c: the decoder's output transactions (docs/slq.md) and
 * the successive MAC model. */
#include "../../cmodel/logq.h"
#include "../../cmodel/slqhw.h"
#include "check.h"

#include <string.h>

static lq_format fmt(int W, int L)
{
    lq_format f = lq_format_default();
    f.scheme = LQ_SLQ;
    f.bits = W;
    f.fsr = 0;
    f.max_words = L;
    return f;
}

/* Run words through the decoder model; beats into out, returns how many. */
static int run(const lq_format *f, lq_framing fr, const uint32_t *w, const int *last, int n,
               lq_slqhw_beat *out)
{
    lq_slqhw_dec h;
    int nb = 0;
    lq_slqhw_dec_reset(&h, f, fr);
    for (int i = 0; i < n; i++)
        nb += lq_slqhw_dec_step(&h, w[i], last[i], out + nb);
    return nb;
}

static void test_paper_example(void)
{
    lq_format f = fmt(5, 2);
    uint32_t w[] = {0x21, 0x1c};
    int last[] = {0, 1};
    lq_slqhw_beat b[8];
    int nb = run(&f, LQ_FRAMING_TAG, w, last, 2, b);
    CHECK(nb == 2, "nb %d", nb);
    CHECK(b[0].err == 0 && !b[0].neg && b[0].shift == 1 && b[0].first && !b[0].wlast &&
              !b[0].vlast, "beat 0");
    CHECK(b[1].err == 0 && b[1].neg && b[1].shift == 4 && !b[1].first && b[1].wlast &&
              b[1].vlast, "beat 1");
}

static void test_error_at_group_end(void)
{
    /* special, W = 5, L = 2: 00001 -M -M 00011 00010(last): group 1 malformed (code 2 at
     * word 2), closed by 00010, which is a good one-word value ending the frame. */
    lq_format f = fmt(5, 2);
    uint32_t w[] = {0x01, 0x10, 0x10, 0x03, 0x02};
    int last[] = {0, 0, 0, 0, 1};
    lq_slqhw_beat b[8];
    int nb = run(&f, LQ_FRAMING_SPECIAL, w, last, 5, b);
    CHECK(nb == 2, "nb %d", nb);
    CHECK(b[0].err == LQ_SLQ_ERR_DOUBLE_SEP && b[0].wlast && !b[0].vlast, "err beat %d", b[0].err);
    CHECK(b[1].err == 0 && b[1].shift == 2 && b[1].first && b[1].wlast && b[1].vlast, "term");
}

static void test_every_last_has_a_beat(void)
{
    /* Exhaustive over all frames of up to 4 words (W = 3): every frame end gives a beat
     * with vlast, one per frame, the last beat of its step. */
    for (int fr = LQ_FRAMING_TAG; fr <= LQ_FRAMING_SPECIAL; fr++) {
        lq_format f = fmt(3, 2);
        int sw = fr == LQ_FRAMING_TAG ? 4 : 3;
        for (int n = 1; n <= 4; n++) {
            long combos = 1L << (sw * n);
            for (long c = 0; c < combos; c++) {
                uint32_t w[4];
                int last[4] = {0, 0, 0, 0};
                lq_slqhw_beat b[4 * LQ_SLQHW_BEATS_MAX];
                int nb, nv = 0;
                for (int i = 0; i < n; i++)
                    w[i] = (uint32_t)(c >> (sw * i)) & ((1u << sw) - 1u);
                last[n - 1] = 1;
                nb = run(&f, (lq_framing)fr, w, last, n, b);
                for (int i = 0; i < nb; i++)
                    nv += b[i].vlast;
                CHECK(nb >= 1 && nv == 1 && b[nb - 1].vlast && b[nb - 1].wlast,
                      "framing %d n %d combo %ld: %d beats, %d vlast", fr, n, c, nb, nv);
            }
        }
    }
}

static void test_mac_exact(void)
{
    /* One lane: x = -3 times 0.4375 (W = 5, F = 15): acc = -3 * 0.4375 * 2^15. */
    lq_slqmac m;
    lq_slqhw_beat b[2] = {{0, 0, 0, 1, 1, 0, 0}, {0, 1, 0, 4, 0, 1, 1}};
    const lq_slqhw_beat *lanes[1] = {b};
    size_t n[1] = {2}, pos[1] = {0};
    int64_t out[1];
    int err[1];
    lq_slqmac_reset(&m, 1, 8, 15, 31);
    CHECK(lq_slqmac_step(&m, -3, 1, lanes, n, pos, out, err) == 1, "step");
    CHECK(out[0] == -3 * 14336 && err[0] == 0 && m.cycles == 2, "acc %lld", (long long)out[0]);
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    RUN(test_paper_example);
    RUN(test_error_at_group_end);
    RUN(test_every_last_has_a_beat);
    RUN(test_mac_exact);
    return check_done();
}
