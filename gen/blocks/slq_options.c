/* The SLQ stream options (slq_options.h). */
#include "blocks/slq_options.h"

#include <string.h>

void blk_slq_defaults(blk_slq *o)
{
    lq_format d = lq_format_default();
    memset(o, 0, sizeof *o);
    o->max_words = d.max_words;
    o->fsr = d.fsr;
}

int blk_slq_finish(const blk_slq *o, const blk_args *a, const char *cmd, int need_framing,
                   lq_format *f, lq_framing *fr)
{
    char msg[256];
    static const lq_framing framings[2] = {LQ_FRAMING_TAG, LQ_FRAMING_SPECIAL};
    if (!blk_given(a, "bits")) {
        cli_error("%s needs --bits", cmd);
        return -1;
    }
    if (need_framing && !blk_given(a, "framing")) {
        cli_error("%s needs --framing", cmd);
        return -1;
    }
    *f = lq_format_default();
    f->scheme = LQ_SLQ;
    f->bits = o->bits;
    f->fsr = o->fsr;
    f->max_words = o->max_words;
    f->rounding = o->rounding ? LQ_FLOOR : LQ_NEAREST;
    f->is_signed = true;
    if (o->theta && cli_double("--theta", o->theta, &f->theta) != 0)
        return -1;
    *fr = blk_given(a, "framing") ? framings[o->framing] : LQ_FRAMING_NONE;
    if (lq_format_check(f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    return 0;
}
