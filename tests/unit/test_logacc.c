/* Unit tests of the log-domain accumulator model (cmodel/logacc.c). */
#include <math.h>
#include <string.h>

#include "../../cmodel/logacc.h"
#include "../../cmodel/rng.h"
#include "check.h"

static int init(lq_logacc *m, int lanes, int half, int e, int f, lq_logacc_corr corr)
{
    lq_logacc_cfg c = {.lanes = lanes, .half = half, .exp_bits = e, .frac = f, .corr = corr,
                       .fault = 0};
    char msg[256];
    return lq_logacc_init(m, &c, msg, sizeof msg);
}

/* T(0) = 2^F, non-increasing, zero exactly from the cut-off, no entry near a tie, and
 * within 2^-(F+1) of log2(1 + 2^-x) (checked in double). */
static void test_table(void)
{
    for (int f = 0; f <= LQ_LOGACC_FRAC_MAX_TABLE; f++) {
        lq_logacc m;
        CHECK(init(&m, 1, 0, 8, f, LQ_CORR_TABLE) == 0, "F=%d", f);
        CHECK(m.tab[0] == (1 << f), "F=%d T(0)=%d", f, m.tab[0]);
        for (int64_t d = 1; d < m.dcut; d++)
            CHECK(m.tab[d] <= m.tab[d - 1] && m.tab[d] > 0, "F=%d d=%lld", f, (long long)d);
        CHECK(lq_logacc_table_entry(f, m.dcut, NULL) == 0, "F=%d", f);
        CHECK(lq_logacc_corr_of(&m, m.dcut) == 0 && lq_logacc_corr_of(&m, m.dcut + 1000) == 0,
              "F=%d", f);
        for (int64_t d = 0; d < m.dcut; d++) {
            double x = ldexp((double)d, -f);
            double t = log2(1.0 + exp2(-x)) * ldexp(1.0, f);
            CHECK(fabs(t - m.tab[d]) <= 0.5 + 1e-9, "F=%d d=%lld", f, (long long)d);
        }
        lq_logacc_free(&m);
    }
}

static void test_paper(void)
{
    lq_logacc m;
    lq_lval a = {0, 0}, b = {0, 0}, r;
    CHECK(init(&m, 1, 0, 8, 6, LQ_CORR_PAPER) == 0, "init");
    /* s = max(s, p) + 2^-|floor(s) - p| */
    for (int s64 = -200; s64 < 200; s64 += 7)
        for (int p = -6; p < 6; p++) {
            int64_t fl = (int64_t)floor(s64 / 64.0), d = llabs(fl - p);
            a.v = s64;
            b.v = (int64_t)p * 64;
            r = lq_logacc_add(&m, a, b);
            int64_t want = (a.v > b.v ? a.v : b.v) + (d <= 6 ? (int64_t)1 << (6 - d) : 0);
            CHECK(r.v == want && !r.zero, "s=%d p=%d: %lld vs %lld", s64, p, (long long)r.v,
                  (long long)want);
        }
    lq_logacc_free(&m);
}

static void test_identity_saturation(void)
{
    lq_logacc m;
    lq_lval z = {1, 0}, a = {0, 37}, r;
    CHECK(init(&m, 3, 1, 4, 3, LQ_CORR_TABLE) == 0, "init");
    r = lq_logacc_add(&m, z, a);
    CHECK(!r.zero && r.v == 37, "zero + a");
    r = lq_logacc_add(&m, a, z);
    CHECK(!r.zero && r.v == 37, "a + zero");
    r = lq_logacc_add(&m, z, z);
    CHECK(r.zero && r.v == 0, "zero + zero");
    a.v = m.vmax;
    r = lq_logacc_add(&m, a, a);
    CHECK(r.v == m.vmax, "saturation");
    CHECK(m.state_bits == 4 + 1 + 3 && m.vmax == 127 && m.vmin == -128, "widths");
    /* half steps: exponent 3 is 1.5 log2 units = 12 in units of 2^-3 */
    lq_lterm t = {0, 0, 3};
    CHECK(lq_logacc_term(&m, t, 0).v == 12 && lq_logacc_term(&m, t, 1).zero, "term");
    lq_logacc_free(&m);
}

/* An all-zero vector gives zero in both sums; a vector of one sign leaves the other
 * sum zero; the tree is (0,1),(2,3),... with the odd element passing through. */
static void test_step_tree(void)
{
    lq_logacc m, m2;
    lq_lterm t[3] = {{1, 0, 5}, {1, 1, -2}, {1, 0, 0}};
    lq_logacc_out o;
    CHECK(init(&m, 3, 0, 6, 4, LQ_CORR_TABLE) == 0, "init");
    CHECK(lq_logacc_step(&m, t, 0, &o) == 0, "not last");
    CHECK(lq_logacc_step(&m, t, 1, &o) == 1 && o.pos.zero && o.neg.zero, "all zero");
    lq_lterm u[3] = {{0, 0, 1}, {0, 0, 1}, {0, 0, 3}};
    CHECK(lq_logacc_step(&m, u, 1, &o) == 1 && !o.pos.zero && o.neg.zero, "positive only");
    lq_lval v[3] = {{0, 16}, {0, 16}, {0, 48}};
    lq_lval want = lq_logacc_add(&m, lq_logacc_add(&m, v[0], v[1]), v[2]);
    CHECK(o.pos.v == want.v, "tree shape %lld vs %lld", (long long)o.pos.v, (long long)want.v);
    /* 2 + 2 = 4 exactly (T(0) = 16); 4 + 8: d = 16, T(16) = round(16 log2 1.5) = 9 */
    CHECK(o.pos.v == 3 * 16 + 9, "2 + 2 + 8: %lld", (long long)o.pos.v);
    /* the state restarts after last */
    CHECK(m.acc_pos.zero && m.acc_neg.zero, "restart");
    /* the fault switch changes the model */
    lq_logacc_cfg c = m.cfg;
    char msg[128];
    c.fault = 1;
    CHECK(lq_logacc_init(&m2, &c, msg, sizeof msg) == 0 && m2.tab[1] != m.tab[1], "fault");
    lq_logacc_free(&m2);
    lq_logacc_free(&m);
}

static void test_refusals(void)
{
    lq_logacc m;
    CHECK(init(&m, 0, 0, 8, 4, LQ_CORR_TABLE) != 0, "lanes 0");
    CHECK(init(&m, 65, 0, 8, 4, LQ_CORR_TABLE) != 0, "lanes 65");
    CHECK(init(&m, 4, 1, 8, 0, LQ_CORR_TABLE) != 0, "sqrt2 F 0");
    CHECK(init(&m, 4, 0, 8, 11, LQ_CORR_TABLE) != 0, "table F 11");
    CHECK(init(&m, 4, 0, 1, 4, LQ_CORR_PAPER) != 0, "E 1");
    CHECK(init(&m, 4, 0, 2, 15, LQ_CORR_PAPER) != 0, "paper F 15 E 2");
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    RUN(test_table);
    RUN(test_paper);
    RUN(test_identity_saturation);
    RUN(test_step_tree);
    RUN(test_refusals);
    return check_done();
}
