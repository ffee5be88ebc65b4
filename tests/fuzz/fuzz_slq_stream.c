/* libFuzzer target: the SLQ stream decoder on arbitrary input. The first bytes choose
 * the format (W, L, framing); the rest are 16-bit stream words with a `last` bit.
 * Properties: no crash or sanitizer report, every value has 1..L words, an error is
 * reported at the current word, and no more value words come out than went in. */
#include <stdint.h>
#include <stdlib.h>

#include "../../cmodel/logq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lq_format f = lq_format_default();
    lq_framing fr;
    lq_slq_dec d;
    long in = 0, out = 0;

    if (size < 2)
        return 0;
    f.scheme = LQ_SLQ;
    f.bits = 2 + data[0] % 9;
    f.max_words = 1 + (data[0] >> 4) % LQ_SLQ_WORDS_MAX;
    f.fsr = (int)(data[1] % 16) - 8;
    fr = (data[1] & 0x80) ? LQ_FRAMING_TAG : LQ_FRAMING_SPECIAL;
    if (lq_format_check(&f, NULL, 0) != 0)
        abort();
    lq_slq_dec_reset(&d, &f, fr);
    for (size_t i = 2; i + 1 < size; i += 2) {
        uint32_t raw = (uint32_t)data[i] | ((uint32_t)data[i + 1] << 8);
        uint32_t word = raw & ((1u << lq_slq_stream_width(&f, fr)) - 1u);
        int last = (raw >> 15) & 1 || i + 3 >= size;
        lq_slq_dec_out o;
        lq_slq_dec_step(&d, word, last, &o);
        in++;
        if (o.error != LQ_SLQ_OK && o.error_offset != in - 1)
            abort();
        for (int j = 0; j < o.nvalues; j++) {
            int64_t fx;
            if (o.values[j].n < 1 || o.values[j].n > f.max_words)
                abort();
            out += o.values[j].n;
            (void)lq_slq_value_double(&f, &o.values[j]);
            (void)lq_slq_value_fixed(&f, &o.values[j], 8, &fx);
        }
        if (out > in)
            abort();
    }
    return 0;
}
