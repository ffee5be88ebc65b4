/* Unit tests of the .npy reader (gen/nn/npy.c): every accepted form (both byte orders,
 * both memory orders, versions 1 to 3, scalars, integers where allowed) gives the
 * values numpy would, and every malformed file is refused with a message naming the
 * value. Files are built here byte by byte; tests/import.sh reads files numpy wrote. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "../../gen/nn/npy.c"

typedef struct {
    unsigned char b[4096];
    size_t n;
} file;

/* A .npy file: magic, version, the header dict (padded with blanks to a multiple of
 * 64 and a newline, as numpy does), then `nd` data bytes. */
static void make(file *f, int major, const char *dict, const void *data, size_t nd)
{
    size_t pre = major == 1 ? 10 : 12, hl = strlen(dict) + 1;
    while ((pre + hl) % 64)
        hl++;
    memcpy(f->b, "\x93NUMPY", 6);
    f->b[6] = (unsigned char)major;
    f->b[7] = 0;
    f->b[8] = (unsigned char)(hl & 0xff);
    f->b[9] = (unsigned char)(hl >> 8);
    if (major != 1)
        f->b[10] = f->b[11] = 0;
    memset(f->b + pre, ' ', hl);
    memcpy(f->b + pre, dict, strlen(dict));
    f->b[pre + hl - 1] = '\n';
    if (nd)
        memcpy(f->b + pre + hl, data, nd);
    f->n = pre + hl + nd;
}

static void be_copy(unsigned char *dst, const void *src, size_t size, size_t n)
{
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < size; k++)
            dst[i * size + k] = s[i * size + size - 1 - k];
}

static void test_float32_c_order(void)
{
    float v[6] = {1.5f, -2, 0.25f, 3, 1e-3f, -0.0f};
    file f;
    npy_array a;
    char msg[256];
    make(&f, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0, "%s", msg);
    CHECK(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 && a.n == 6, "shape");
    for (int i = 0; i < 6; i++)
        CHECK(a.v[i] == (double)v[i], "v[%d] = %g", i, a.v[i]);
    CHECK(!a.is_int && !a.fortran, "flags");
    npy_free(&a);
}

static void test_float64_big_endian(void)
{
    double v[3] = {0.1, -1e300, 4.9e-324};
    unsigned char be[sizeof v];
    file f;
    npy_array a;
    char msg[256];
    be_copy(be, v, 8, 3);
    make(&f, 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", be, sizeof be);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0, "%s", msg);
    for (int i = 0; i < 3; i++)
        CHECK(a.v[i] == v[i], "v[%d] = %.17g", i, a.v[i]);
    npy_free(&a);
    {
        float g[2] = {3.25f, -7};
        unsigned char b4[sizeof g];
        be_copy(b4, g, 4, 2);
        make(&f, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", b4, sizeof b4);
        CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0 && a.v[0] == 3.25 && a.v[1] == -7,
              "big-endian float32");
        npy_free(&a);
    }
}

/* Fortran order: the file holds column by column; the result is C order. 2 x 3 x 2
 * checks the general index arithmetic. */
static void test_fortran_order(void)
{
    double c[2][3][2], fo[12];
    file f;
    npy_array a;
    char msg[256];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 2; k++) {
                c[i][j][k] = 100 * i + 10 * j + k;
                fo[i + 2 * j + 6 * k] = c[i][j][k];
            }
    make(&f, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }", fo, sizeof fo);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0, "%s", msg);
    CHECK(a.fortran == 1, "fortran flag");
    for (int i = 0; i < 12; i++)
        CHECK(a.v[i] == (&c[0][0][0])[i], "v[%d] = %g, want %g", i, a.v[i], (&c[0][0][0])[i]);
    npy_free(&a);
}

static void test_versions_and_forms(void)
{
    double v = 2.5;
    file f;
    npy_array a;
    char msg[256];
    make(&f, 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", &v, 8);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0 && a.v[0] == 2.5, "v2.0: %s", msg);
    npy_free(&a);
    make(&f, 3, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", &v, 8);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0 && a.ndim == 0 && a.n == 1 &&
              a.v[0] == 2.5, "v3.0 scalar: %s", msg);
    npy_free(&a);
    /* keys in another order, double quotes, no trailing comma, no blanks */
    make(&f, 1, "{\"shape\":(1,),\"fortran_order\":False,\"descr\":\"<f8\"}", &v, 8);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0 && a.v[0] == 2.5, "forms: %s", msg);
    npy_free(&a);
    make(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }", NULL, 0);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) == 0 && a.n == 0, "empty: %s", msg);
    npy_free(&a);
}

static void test_integers(void)
{
    int64_t l[3] = {0, -5, 9007199254740992LL};
    unsigned char u1[4] = {0, 1, 2, 255};
    int16_t s2[2] = {-32768, 7};
    file f;
    npy_array a;
    char msg[256];
    make(&f, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", l, sizeof l);
    CHECK(npy_parse(f.b, f.n, 0, &a, msg, sizeof msg) != 0 && strstr(msg, "'<i8'") &&
              strstr(msg, "not float32 or float64"), "int refused without the flag: %s", msg);
    CHECK(npy_parse(f.b, f.n, NPY_ALLOW_INT, &a, msg, sizeof msg) == 0 && a.is_int &&
              a.v[1] == -5 && a.v[2] == 9007199254740992.0, "int64: %s", msg);
    npy_free(&a);
    make(&f, 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", u1, sizeof u1);
    CHECK(npy_parse(f.b, f.n, NPY_ALLOW_INT, &a, msg, sizeof msg) == 0 && a.v[3] == 255,
          "uint8: %s", msg);
    npy_free(&a);
    make(&f, 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", s2, sizeof s2);
    CHECK(npy_parse(f.b, f.n, NPY_ALLOW_INT, &a, msg, sizeof msg) == 0 && a.v[0] == -32768 &&
              a.v[1] == 7, "int16: %s", msg);
    npy_free(&a);
    l[2] = 9007199254740993LL;
    make(&f, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", l, sizeof l);
    CHECK(npy_parse(f.b, f.n, NPY_ALLOW_INT, &a, msg, sizeof msg) != 0 && strstr(msg, "[2]") &&
              strstr(msg, "2^53"), "int beyond 2^53: %s", msg);
}

/* Each malformed file: refused, and the message holds the given words. */
static void refused(const char *name, const file *f, const char *w1, const char *w2)
{
    npy_array a;
    char msg[256];
    int rc = npy_parse(f->b, f->n, 0, &a, msg, sizeof msg);
    CHECK(rc != 0, "%s accepted", name);
    if (rc != 0)
        CHECK(strstr(msg, w1) && (!w2 || strstr(msg, w2)), "%s: message '%s' lacks '%s' '%s'",
              name, msg, w1, w2 ? w2 : "");
    else
        npy_free(&a);
}

static void test_refused(void)
{
    double v[6] = {1, 2, 3, 4, 5, 6};
    file f;
    const char *ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    make(&f, 1, ok, v, sizeof v);
    f.b[1] = 'X';
    refused("bad magic", &f, "not a .npy file", NULL);
    make(&f, 1, ok, v, sizeof v);
    f.b[6] = 4;
    refused("version 4.0", &f, "version 4.0", NULL);
    make(&f, 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", v, 12);
    refused("float16", &f, "'<f2'", "not float32 or float64");
    make(&f, 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", v, 48);
    refused("complex", &f, "'<c8'", NULL);
    make(&f, 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", v, 8);
    refused("structured", &f, "structured", NULL);
    make(&f, 1, ok, v, sizeof v - 1);
    refused("truncated", &f, "truncated", "needs 48 data bytes, the file has 47");
    make(&f, 1, ok, v, sizeof v);
    f.n += 0;
    {
        file g = f;
        g.b[g.n++] = 0;
        refused("extra bytes", &g, "extra bytes", "has 49");
    }
    f.n = 30;
    refused("header cut", &f, "truncated", "header says");
    make(&f, 1, "{'descr': '<f8', 'shape': (2, 3), }", v, sizeof v);
    refused("missing key", &f, "lacks 'fortran_order'", NULL);
    make(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", v, sizeof v);
    refused("unknown key", &f, "key 'x'", "unknown");
    make(&f, 1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", v,
         sizeof v);
    refused("repeated key", &f, "key 'descr'", "repeated");
    make(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", v, sizeof v);
    refused("shape (6)", &f, "(N,)", NULL);
    make(&f, 1, "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (6,)}", v, sizeof v);
    refused("fortran_order", &f, "'Maybe'", NULL);
    make(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}", v, sizeof v);
    refused("negative dimension", &f, "not a dimension", NULL);
    make(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} x", v, sizeof v);
    refused("text after", &f, "text after", "'x'");
    make(&f, 1, ok, v, sizeof v);
    f.b[127] = ' '; /* the newline that ends the header */
    refused("no newline", &f, "newline", NULL);
    v[5] = NAN;
    make(&f, 1, ok, v, sizeof v);
    refused("nan", &f, "element [1, 2] is nan", NULL);
    v[5] = 6;
    v[1] = -INFINITY;
    make(&f, 1, ok, v, sizeof v);
    refused("-inf", &f, "element [0, 1] is -inf", NULL);
    make(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,)}", v, 8);
    refused("9 dimensions", &f, "more than 8 dimensions", NULL);
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    RUN(test_float32_c_order);
    RUN(test_float64_big_endian);
    RUN(test_fortran_order);
    RUN(test_versions_and_forms);
    RUN(test_integers);
    RUN(test_refused);
    return check_done();
}
