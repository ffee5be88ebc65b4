/* libFuzzer target of the VCD reader behind `logq wavediff` (gen/wave/vcd.c) and of the
 * comparison (gen/wave/wavediff.c): any input must parse or be refused with a message,
 * never crash, hang or leak; a dump that parses must agree with itself, in both
 * x/z modes, whole and under a scope. The Makefile builds each tests/fuzz target against
 * the model's sources only, so the gen/ sources it needs are included here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/wave/vcd.c"
#include "../../gen/wave/wave.c"
#include "../../gen/wave/wavediff.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* Undefined behaviour stops the run like a crash (the build lets UBSan recover). */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wave_dump d;
    wave_diff_opts o = {0};
    wave_diff_result r;
    int rc;
    wave_init(&d, "fuzz.vcd", "VCD");
    if (vcd_parse(&d, (const char *)data, size) != 0) {
        if (!d.err[0] || strncmp(d.err, "fuzz.vcd", 8) != 0)
            abort();   /* a refusal must say where */
        wave_free(&d);
        return 0;
    }
    o.max_print = 5;
    o.time_exp = -15;
    for (int wild = 0; wild < 2; wild++) {
        o.xz_wild = wild;
        rc = wave_diff(&d, &d, &o, &r, NULL);
        if (rc == 1 || (rc == 2 && !r.err[0]))
            abort();   /* a dump differs from itself, or fails without a reason */
        wave_diff_result_free(&r);
    }
    if (d.nsig > 0) {
        /* The scope of the first signal, when it has one. */
        char scope[64];
        const char *dot = strrchr(d.sig[0].path, '.');
        if (dot && dot - d.sig[0].path < (long)sizeof scope) {
            snprintf(scope, sizeof scope, "%.*s", (int)(dot - d.sig[0].path), d.sig[0].path);
            o.scope_a = scope;
            rc = wave_diff(&d, &d, &o, &r, NULL);
            if (rc == 1)
                abort();
            wave_diff_result_free(&r);
        }
    }
    wave_free(&d);
    return 0;
}
