/* A small Verilog-2005 writer for the block emitters: it owns the indentation, the
 * declaration syntax (width, signedness), sized literals and the shape of the
 * common constructs, so an emitter reads as the circuit it builds:
 *
 *     vw w;
 *     vw_init(&w, f, 1);                                   // inside a module
 *     vw_wire(&w, 1, 23, "mag", "a_x <<< sh");             // wire signed [22:0] mag = a_x <<< sh;
 *     vw_wire(&w, 0, 0, "zero", "~|m");                    // wire zero = ~|m;  (width 0: scalar)
 *     vw_assign(&w, "full", "w_zero ? %s : mag", vw_lit(lit, 23, 1, 0));
 *     vw_stage(&w, "en", dst, src, n);                     // a registered stage with enable
 *
 * Every line goes through vw_line, at 4 spaces per indentation level. */
#ifndef LOGQ_VERILOG_H
#define LOGQ_VERILOG_H

#include "emit/emit.h"
#include "emit/package.h"

typedef struct {
    lq_file *f;
    int indent;     /* levels of 4 spaces */
    lq_file *decl;  /* procedural mode (a function body): the declarations, or NULL */
    int decl_indent;
} vw;

void vw_init(vw *w, lq_file *f, int indent);
/* Procedural mode, for the body of a function: from now on vw_wire declares a reg in
 * decl (at decl_indent) and writes a blocking assignment "name = expr;" to the body,
 * vw_assign writes "lhs = expr;", and vw_decl lines go to decl. */
void vw_proc(vw *w, lq_file *decl, int decl_indent);
/* A line among the declarations (a lint pragma around one), in either mode. */
void vw_decl(vw *w, const char *text);
/* One line at the current indentation (fmt without the newline). */
void vw_line(vw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An empty line. */
void vw_blank(vw *w);
/* A line that opens a block ("always @(posedge clk) begin"), then one level deeper. */
#define vw_open(w, ...) (vw_line((w), __VA_ARGS__), (w)->indent++)
/* One level out, then the closing line ("end"). */
void vw_close(vw *w, const char *text);

/* A sized literal: "8'd5", "23'sd0", "-23'sd4", "4'b1000" (base 'b' when bin). buf
 * needs 32 bytes. Returns buf. */
char *vw_lit(char *buf, int width, int is_signed, long long v);
/* The range of a width: "[22:0] " (with the trailing blank), "[0:0] " for 1, and ""
 * for 0: a scalar. Every width argument below means the same. */
const char *vw_range(char *buf, size_t len, int width);

/* "wire signed [W-1:0] name = expr;" (expr printf-formatted; NULL: no assignment). */
void vw_wire(vw *w, int is_signed, int width, const char *name, const char *expr_fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* "reg signed [W-1:0] name;" */
void vw_reg(vw *w, int is_signed, int width, const char *name);
/* The same with the width a Verilog expression of localparams ("N*ACC": "[N*ACC-1:0]
 * "); NULL: a scalar. expr_fmt NULL: no assignment. */
void vw_wire_x(vw *w, int is_signed, const char *width, const char *name, const char *expr_fmt, ...)
    __attribute__((format(printf, 5, 6)));
void vw_reg_x(vw *w, int is_signed, const char *width, const char *name);
/* A module's port list from its ports as data, one "input  wire [W-1:0] name," a line
 * (a single bit that is not a packed bus: no range). */
void vw_ports(vw *w, const lq_port *p, int n);
/* "assign lhs = expr;" */
void vw_assign(vw *w, const char *lhs, const char *expr_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A new signed wire dst of width wdst holding signed src (width ws), sign-extended. */
void vw_sext(vw *w, const char *dst, const char *src, int ws, int wdst);
/* A registered stage with enable: dst[i] <= src[i] at every clock edge with en. */
void vw_stage(vw *w, const char *en, const char *const *dst, const char *const *src, int n);
/* Its body, inside a clocked block of the caller's: if (en) dst[i] <= src[i]. */
void vw_enabled(vw *w, const char *en, const char *const *dst, const char *const *src, int n);
/* An instance: "module inst (.pin(expr), ...);" one connection a line. */
void vw_instance(vw *w, const char *module, const char *inst, const char *const *pins,
                 const char *const *exprs, int n);

/* The body of a Verilog string literal: backslash and double quote escaped. */
void vw_string(lq_file *f, const char *s);

#endif
