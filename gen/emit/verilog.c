/* The Verilog writer of the block emitters (verilog.h). */
#include "emit/verilog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void vw_init(vw *w, lq_file *f, int indent)
{
    w->f = f;
    w->indent = indent;
    w->decl = NULL;
    w->decl_indent = 0;
}

void vw_proc(vw *w, lq_file *decl, int decl_indent)
{
    w->decl = decl;
    w->decl_indent = decl_indent;
}

static void vw_vline(vw *w, const char *fmt, va_list ap)
{
    char small[512];
    va_list cp;
    int n;
    for (int i = 0; i < w->indent; i++)
        file_puts(w->f, "    ");
    va_copy(cp, ap);
    n = vsnprintf(small, sizeof small, fmt, cp);
    va_end(cp);
    if (n >= 0 && (size_t)n < sizeof small) {
        file_puts(w->f, small);
    } else if (n >= 0) {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            w->f->failed = 1;
            return;
        }
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        file_puts(w->f, big);
        free(big);
    }
    file_puts(w->f, "\n");
}

void vw_line(vw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vw_vline(w, fmt, ap);
    va_end(ap);
}

void vw_blank(vw *w)
{
    file_puts(w->f, "\n");
}

void vw_close(vw *w, const char *text)
{
    if (w->indent > 0)
        w->indent--;
    vw_line(w, "%s", text);
}

char *vw_lit(char *buf, int width, int is_signed, long long v)
{
    unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    snprintf(buf, 32, "%s%d'%sd%llu", v < 0 ? "-" : "", width, is_signed ? "s" : "", m);
    return buf;
}

const char *vw_range(char *buf, size_t len, int width)
{
    if (width <= 0)
        buf[0] = '\0';
    else
        snprintf(buf, len, "[%d:0] ", width - 1);
    return buf;
}

/* A line in the declarations of procedural mode. */
static void decl_line(vw *w, const char *text)
{
    vw d;
    vw_init(&d, w->decl, w->decl_indent);
    vw_line(&d, "%s", text);
}

void vw_decl(vw *w, const char *text)
{
    if (w->decl)
        decl_line(w, text);
    else
        vw_line(w, "%s", text);
}

/* "wire signed RANGE name = expr;" (no assignment when expr_fmt is NULL). */
static void wire_line(vw *w, int is_signed, const char *range, const char *name,
                      const char *expr_fmt, va_list ap)
{
    char expr[1024];
    if (!expr_fmt) {
        vw_line(w, "wire %s%s%s;", is_signed ? "signed " : "", range, name);
        return;
    }
    vsnprintf(expr, sizeof expr, expr_fmt, ap);
    vw_line(w, "wire %s%s%s = %s;", is_signed ? "signed " : "", range, name, expr);
}

void vw_wire(vw *w, int is_signed, int width, const char *name, const char *expr_fmt, ...)
{
    char r[32], expr[1024];
    va_list ap;
    if (w->decl) {
        char d[128];
        snprintf(d, sizeof d, "reg %s%s%s;", is_signed ? "signed " : "",
                 vw_range(r, sizeof r, width), name);
        decl_line(w, d);
        if (!expr_fmt)
            return;
        va_start(ap, expr_fmt);
        vsnprintf(expr, sizeof expr, expr_fmt, ap);
        va_end(ap);
        vw_line(w, "%s = %s;", name, expr);
        return;
    }
    va_start(ap, expr_fmt);
    wire_line(w, is_signed, vw_range(r, sizeof r, width), name, expr_fmt, ap);
    va_end(ap);
}

void vw_reg(vw *w, int is_signed, int width, const char *name)
{
    char r[32];
    vw_line(w, "reg %s%s%s;", is_signed ? "signed " : "", vw_range(r, sizeof r, width), name);
}

/* "[W-1:0] " of a width expression, "" for NULL. */
static const char *range_x(char *buf, size_t len, const char *width)
{
    if (!width)
        buf[0] = '\0';
    else
        snprintf(buf, len, "[%s-1:0] ", width);
    return buf;
}

void vw_wire_x(vw *w, int is_signed, const char *width, const char *name, const char *expr_fmt, ...)
{
    char r[64];
    va_list ap;
    va_start(ap, expr_fmt);
    wire_line(w, is_signed, range_x(r, sizeof r, width), name, expr_fmt, ap);
    va_end(ap);
}

void vw_reg_x(vw *w, int is_signed, const char *width, const char *name)
{
    char r[64];
    vw_line(w, "reg %s%s%s;", is_signed ? "signed " : "", range_x(r, sizeof r, width), name);
}

void vw_ports(vw *w, const lq_port *p, int n)
{
    char r[32];
    for (int i = 0; i < n; i++)
        vw_line(w, "%s wire %s%s%s", p[i].dir == LQ_PORT_IN ? "input " : "output",
                p[i].width == 1 && p[i].lanes == 0 ? "" : vw_range(r, sizeof r, p[i].width),
                p[i].name, i + 1 < n ? "," : "");
}

void vw_assign(vw *w, const char *lhs, const char *expr_fmt, ...)
{
    char expr[1024];
    va_list ap;
    va_start(ap, expr_fmt);
    vsnprintf(expr, sizeof expr, expr_fmt, ap);
    va_end(ap);
    if (w->decl)
        vw_line(w, "%s = %s;", lhs, expr);
    else
        vw_line(w, "assign %s = %s;", lhs, expr);
}

void vw_sext(vw *w, const char *dst, const char *src, int ws, int wdst)
{
    if (wdst == ws)
        vw_wire(w, 1, wdst, dst, "%s", src);
    else if (wdst == ws + 1)
        vw_wire(w, 1, wdst, dst, "$signed({%s[%d], %s})", src, ws - 1, src);
    else
        vw_wire(w, 1, wdst, dst, "$signed({{%d{%s[%d]}}, %s})", wdst - ws, src, ws - 1, src);
}

void vw_enabled(vw *w, const char *en, const char *const *dst, const char *const *src, int n)
{
    vw_open(w, "if (%s) begin", en);
    for (int i = 0; i < n; i++)
        vw_line(w, "%s <= %s;", dst[i], src[i]);
    vw_close(w, "end");
}

void vw_stage(vw *w, const char *en, const char *const *dst, const char *const *src, int n)
{
    vw_open(w, "always @(posedge clk) begin");
    vw_enabled(w, en, dst, src, n);
    vw_close(w, "end");
}

void vw_instance(vw *w, const char *module, const char *inst, const char *const *pins,
                 const char *const *exprs, int n)
{
    vw_open(w, "%s %s (", module, inst);
    for (int i = 0; i < n; i++)
        vw_line(w, ".%s(%s)%s", pins[i], exprs[i], i + 1 < n ? "," : "");
    vw_close(w, ");");
}

void vw_string(lq_file *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            file_printf(f, "\\%c", *s);
        else
            file_printf(f, "%c", *s);
    }
}
