/* libFuzzer target of the .npy reader (gen/nn/npy.c): any input parses or is refused
 * with a message, never crashes, reads out of bounds or leaks; a file that parses has
 * as many finite values as its shape says. The Makefile builds each tests/fuzz target
 * against the model's sources only, so the gen/ source is included here. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/nn/npy.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* Undefined behaviour stops the run like a crash (the build lets UBSan recover). */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int flags = 0; flags <= NPY_ALLOW_INT; flags++) {
        npy_array a;
        char msg[256];
        size_t n = 1;
        if (npy_parse(data, size, flags, &a, msg, sizeof msg) != 0) {
            if (msg[0] == '\0')
                abort(); /* a refusal always says why */
            continue;
        }
        for (int k = 0; k < a.ndim; k++)
            n *= a.shape[k];
        if (n != a.n || (a.is_int && !(flags & NPY_ALLOW_INT)))
            abort();
        for (size_t i = 0; i < a.n; i++)
            if (!isfinite(a.v[i]))
                abort();
        npy_free(&a);
    }
    return 0;
}
