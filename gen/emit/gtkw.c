/* GTKWave save files (see gtkw.h). The format, as GTKWave 3.3 reads it: "[*]"
 * comment lines; [dumpfile], [timestart], [size], [pos]; a "*ZOOM MARKER" line
 * followed by the 26 named markers (-1: unset); [treeopen] per scope to expand;
 * then the traces: "@FLAGS" in hex (TR_* bits of GTKWave's analyzer.h) before a
 * signal name, "-TITLE" lines for blank rows and group limits. */
#include "emit/gtkw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* GTKWave's trace flags. */
enum {
    TR_HEX = 0x2, TR_DEC = 0x4, TR_BIN = 0x8, TR_RJUSTIFY = 0x20, TR_BLANK = 0x200,
    TR_SIGNED = 0x400, TR_ANALOG_STEP = 0x8000, TR_ANALOG_BLANK_STRETCH = 0x20000,
    TR_GRP_BEGIN = 0x800000, TR_GRP_END = 0x1000000
};

/* With the window of [size] 1000 600 and the panes below, GTKWave fits a span S
 * (in ticks) at zoom log2(K / S); K = 2.4 was measured with GTKWave 3.3.118 and
 * leaves a small margin. */
static const double gtkw_zoom_k = 2.4;

static unsigned radix_flags(gtkw_radix r)
{
    switch (r) {
    case GTKW_HEX: return TR_RJUSTIFY | TR_HEX;
    case GTKW_DEC: return TR_RJUSTIFY | TR_DEC;
    case GTKW_SDEC: return TR_RJUSTIFY | TR_DEC | TR_SIGNED;
    case GTKW_ANALOG: return TR_DEC | TR_SIGNED | TR_ANALOG_STEP;
    default: return TR_RJUSTIFY | TR_BIN;
    }
}

/* How the view splits signal s (NULL: one row). */
static const gtkw_split *split(const gtkw_view *v, const gtkw_signal *s)
{
    for (int i = 0; i < v->nsplits; i++)
        if (strcmp(v->splits[i].name, s->name) == 0 && v->splits[i].lanes > 1 &&
            v->splits[i].lane_bits > 1 && v->splits[i].lanes * v->splits[i].lane_bits == s->width)
            return &v->splits[i];
    return NULL;
}

/* One row per lane: "#{TOP.NAME_laneI[B-1:0]}" followed by the lane's bits, MSB
 * first, each as GTKWave names bit b of an expanded vector: "(W-1-b)TOP.NAME[W-1:0]". */
static void write_lanes(lq_file *f, const gtkw_signal *s, const gtkw_split *sp, const char *top)
{
    const char *dot = top ? "." : "";
    if (!top)
        top = "";
    for (int l = 0; l < sp->lanes; l++) {
        file_printf(f, "@%x\n#{%s%s%s_lane%d[%d:0]}", radix_flags(s->radix), top, dot, s->name, l,
                    sp->lane_bits - 1);
        for (int b = (l + 1) * sp->lane_bits - 1; b >= l * sp->lane_bits; b--)
            file_printf(f, " (%d)%s%s%s[%d:0]", s->width - 1 - b, top, dot, s->name, s->width - 1);
        file_puts(f, "\n");
    }
}

static int has_space(const char *s)
{
    return strpbrk(s, " \t\r\n") != NULL;
}

int gtkw_write(lq_file *f, const gtkw_view *v, const lq_cmd *c, char *err, size_t errlen)
{
    const char *top = v->top && *v->top ? v->top : NULL;
    if (top && has_space(top)) {
        snprintf(err, errlen, "gtkw: the top scope '%s' has white space", top);
        return -1;
    }
    for (int g = 0; g < v->ngroups; g++) {
        for (int i = 0; i < v->groups[g].n; i++) {
            const gtkw_signal *s = &v->groups[g].sig[i];
            if (!s->name || !*s->name || has_space(s->name) || s->width < 1) {
                snprintf(err, errlen, "gtkw: signal %d of group %d ('%s', width %d) needs a "
                         "name without white space and a width of at least 1", i, g,
                         s->name ? s->name : "", s->width);
                return -1;
            }
        }
    }
    file_puts(f, "[*]\n");
    if (c)
        file_header(f, "[*]", c);
    file_puts(f, "[*]\n");
    if (v->dumpfile)
        file_printf(f, "[dumpfile] \"%s\"\n", v->dumpfile);
    file_puts(f, "[timestart] 0\n[size] 1000 600\n[pos] -1 -1\n");
    if (v->marker >= 0 || v->span > 0) {
        double zoom = v->span > 0 ? log2(gtkw_zoom_k / (double)v->span) : 0.0;
        file_printf(f, "*%.6f %lld", zoom, (long long)(v->marker >= 0 ? v->marker : -1));
        for (int k = 0; k < 26; k++)
            file_puts(f, " -1");
        file_puts(f, "\n");
    }
    /* Expand the tree down to the top scope: "TOP." then "TOP.mac." ... */
    for (const char *p = top; p; p++) {
        if (*p == '.' || *p == '\0')
            file_printf(f, "[treeopen] %.*s.\n", (int)(p - top), top);
        if (!*p)
            break;
    }
    file_puts(f, "[sst_width] 200\n[signals_width] 180\n[sst_expanded] 1\n"
                 "[sst_vpaned_height] 150\n");
    for (int g = 0; g < v->ngroups; g++) {
        const gtkw_group *gr = &v->groups[g];
        int grouped = gr->name && *gr->name;
        if (grouped)
            file_printf(f, "@%x\n-%s\n", TR_GRP_BEGIN | TR_BLANK, gr->name);
        for (int i = 0; i < gr->n; i++) {
            const gtkw_signal *s = &gr->sig[i];
            const gtkw_split *sp = split(v, s);
            if (sp) {
                write_lanes(f, s, sp, top);
                continue;
            }
            file_printf(f, "@%x\n%s%s%s", radix_flags(s->radix), top ? top : "",
                        top ? "." : "", s->name);
            if (s->width > 1)
                file_printf(f, "[%d:0]", s->width - 1);
            file_puts(f, "\n");
            if (s->radix == GTKW_ANALOG)   /* two more rows of height */
                file_printf(f, "@%x\n-\n-\n", TR_ANALOG_BLANK_STRETCH);
        }
        if (grouped)
            file_printf(f, "@%x\n-%s\n", TR_GRP_END | TR_BLANK, gr->name);
    }
    file_puts(f, "[pattern_trace] 1\n[pattern_trace] 0\n");
    return f->failed ? -1 : 0;
}
