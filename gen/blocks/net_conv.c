/* The conv layer of `logq gen net` (docs/net.md, "Conv layers"; net_conv.h).
 *
 * Line buffer: the pixels of the input map arrive in raster order, one pixel (IN_CH
 * codes) per beat. A shift register keeps the last (KH-1)*IN_W + KW-1 pixels (KH-1
 * lines and KW-1 pixels: no frame buffer); when the pixel at (y, x) with y >= KH-1
 * and x >= KW-1 arrives, it and the register hold the window of output pixel
 * (y-KH+1, x-KW+1): window element (ky, kx) is the pixel (KH-1-ky)*IN_W + (KW-1-kx)
 * beats older than the newest. The window leaves with that pixel, in the weight row's
 * [ic][ky][kx] order, as one beat of the engine (the dense layer's banks, reader,
 * MAC arrays, bias, ReLU and re-quantizer, net.c); a pixel that completes a window
 * waits while both window banks are full, the others pass.
 *
 * Pool (2x2, stride 2, on the codes: the quantizer is monotonic, so the maximum code
 * is the code of the maximum, gen/nn/hw.c): the engine's outputs arrive pixel by
 * pixel of the conv map, PE channels per beat. An even column's codes wait in hbuf
 * (one pixel); an odd column takes the maximum with them; on an even row that pair
 * maximum goes to the half-line buffer lbuf (OW0/2 pixels), on an odd row the maximum
 * with lbuf's is the pooled output. */
#include <stdio.h>
#include <stdlib.h>

#include "blocks/net_conv.h"
#include "cli.h"

static int cbits(long n) /* bits of a counter 0 .. n-1, at least 1 */
{
    int b = 1;
    while ((1L << b) < n)
        b++;
    return b;
}

int net_conv_column(const hw_net *h, int k, int t)
{
    const nn_conv *c;
    int px, ch;
    if (k == 0 || !h->l[k - 1].is_conv)
        return t;
    c = &h->l[k - 1].c;
    px = t / c->out_ch;
    ch = t % c->out_ch;
    return (ch * c->oh + px / c->ow) * c->ow + px % c->ow;
}

int net_conv_input(const hw_layer *L, int b, int q)
{
    return q * L->c.in_h * L->c.in_w + b;
}

int net_conv_check(const hw_net *h, int k)
{
    const hw_layer *L = &h->l[k];
    if (!L->is_conv)
        return 0;
    if (k > 0) {
        cli_error("layer %d is a second conv layer: gen net takes one conv layer, the first",
                  k + 1);
        return -1;
    }
    return 0;
}

int net_conv_timing(const hw_layer *L, int cw, int mac_latency, long *t_last, long *period,
                    char *msg, size_t len)
{
    enum { NIMG = 8 };
    const nn_conv *c = &L->c;
    int P = c->in_h * c->in_w;
    long acc = -1, l1 = -1, l2 = -1, n = 0, tout[NIMG];
    /* The RTL's handshakes with no stall outside: pixel p is offered the cycle after
     * p - 1 was taken; a pixel completing window n is taken when window n's bank is
     * free, the cycle after the last beat of window n - 2 was issued; the engine issues
     * window n's first beat the cycle after it was written, or after window n - 1's
     * last beat, then one beat per cycle for cw cycles. The output register holds a
     * window's last result MAC_LATENCY + 2 cycles after its last beat (as for a dense
     * layer), the pool's one cycle later. */
    for (int img = 0; img < NIMG; img++)
        for (int q = 0; q < P; q++) {
            int y = q / c->in_w, x = q % c->in_w;
            long a = acc + 1;
            if (y >= c->kh - 1 && x >= c->kw - 1) {
                long s, l;
                if (n >= 2 && l2 + 1 > a)
                    a = l2 + 1;
                s = a + 1;
                if (n >= 1 && l1 + 1 > s)
                    s = l1 + 1;
                l = s + cw - 1;
                l2 = l1;
                l1 = l;
                n++;
                if (q == P - 1)
                    tout[img] = l + mac_latency + 2 + (c->pool == 2);
            }
            acc = a;
        }
    *t_last = tout[0];
    *period = tout[NIMG - 1] - tout[NIMG - 2];
    for (int i = 3; i < NIMG; i++)
        if (tout[i] - tout[i - 1] != *period) {
            snprintf(msg, len, "layer 1: the conv schedule is not periodic (images %d and %d: "
                     "%ld and %ld cycles apart)", i - 1, i, tout[i - 1] - tout[i - 2],
                     tout[i] - tout[i - 1]);
            return -1;
        }
    return 0;
}

/* ---- the line buffer ---- */

static void emit_win(lq_file *f, const char *name, int k, const nn_conv *c, int A)
{
    int PIXW = c->in_ch * A, FAN = c->in_ch * c->kh * c->kw;
    int NSR = (c->kh - 1) * c->in_w + c->kw - 1;
    int YW = cbits(c->in_h), XW = cbits(c->in_w);
    file_printf(f, "\n// %s_l%d_win: the line buffer of layer %d (conv %dx%d over %d x %d x %d): the\n"
                   "// last %d pixels (%d lines and %d) in a shift register, the newest in the LSBs;\n"
                   "// a pixel at row >= %d and column >= %d completes the window of output pixel\n"
                   "// (row - %d, column - %d), which leaves with it: lane (ic * %d + ky) * %d + kx.\n",
                name, k + 1, k + 1, c->kh, c->kw, c->in_ch, c->in_h, c->in_w, NSR, c->kh - 1,
                c->kw - 1, c->kh - 1, c->kw - 1, c->kh - 1, c->kw - 1, c->kh, c->kw);
    file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_win (\n"
                   "    input  wire clk,\n    input  wire rst,\n"
                   "    input  wire s_valid,\n    output wire s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    output wire m_valid,\n    input  wire m_ready,\n"
                   "    output wire [%d:0] m_data\n);\n", name, k + 1, PIXW - 1, FAN * A - 1);
    file_printf(f, "    reg [%d:0] row;\n    reg [%d:0] col;\n", YW - 1, XW - 1);
    if (c->kh > 1 && c->kw > 1)
        file_printf(f, "    wire done = row >= %d'd%d && col >= %d'd%d;  // a window completes\n",
                    YW, c->kh - 1, XW, c->kw - 1);
    else if (c->kh > 1)
        file_printf(f, "    wire done = row >= %d'd%d;  // a window completes\n", YW, c->kh - 1);
    else if (c->kw > 1)
        file_printf(f, "    wire done = col >= %d'd%d;  // a window completes\n", XW, c->kw - 1);
    else
        file_printf(f, "    wire done = 1'b1;  // every pixel is a window\n");
    file_printf(f, "    assign s_ready = !done || m_ready;\n    assign m_valid = s_valid && done;\n"
                   "    wire take = s_valid && s_ready;\n");
    if (NSR > 0) {
        file_printf(f, "    /* verilator lint_off UNUSED */\n    reg [%d:0] sr;  // the window "
                       "reads some of these pixels\n    /* verilator lint_on UNUSED */\n",
                    NSR * PIXW - 1);
        if (NSR == 1)
            file_printf(f, "    always @(posedge clk) if (take) sr <= s_data;\n");
        else
            file_printf(f, "    always @(posedge clk) if (take) sr <= {sr[%d:0], s_data};\n",
                        (NSR - 1) * PIXW - 1);
    }
    file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                   "            row <= %d'd0;\n            col <= %d'd0;\n"
                   "        end else if (take) begin\n"
                   "            if (col == %d'd%d) begin\n                col <= %d'd0;\n"
                   "                row <= row == %d'd%d ? %d'd0 : row + %d'd1;\n"
                   "            end else begin\n                col <= col + %d'd1;\n"
                   "            end\n        end\n    end\n",
                YW, XW, XW, c->in_w - 1, XW, YW, c->in_h - 1, YW, YW, XW);
    for (int ic = 0; ic < c->in_ch; ic++)
        for (int ky = 0; ky < c->kh; ky++)
            for (int kx = 0; kx < c->kw; kx++) {
                int i = (ic * c->kh + ky) * c->kw + kx;
                int d = (c->kh - 1 - ky) * c->in_w + (c->kw - 1 - kx);
                if (d == 0)
                    file_printf(f, "    assign m_data[%d:%d] = s_data[%d:%d];\n", (i + 1) * A - 1,
                                i * A, (ic + 1) * A - 1, ic * A);
                else
                    file_printf(f, "    assign m_data[%d:%d] = sr[%d:%d];  // %d pixels older\n",
                                (i + 1) * A - 1, i * A, (d - 1) * PIXW + (ic + 1) * A - 1,
                                (d - 1) * PIXW + ic * A, d);
            }
    file_printf(f, "endmodule\n/* verilator lint_on DECLFILENAME */\n");
}

/* ---- the 2x2 max pool ---- */

static void emit_pool(lq_file *f, const char *name, int k, const nn_conv *c, int PE, int B)
{
    int G = c->out_ch / PE, OWP = c->ow0 / 2, W = PE * B;
    int GW = cbits(G), XW = cbits(c->ow0), LW = cbits((long)OWP * G);
    file_printf(f, "\n// %s_l%d_pool: 2x2 max pool (stride 2) of layer %d's codes: the %d x %d conv map\n"
                   "// arrives pixel by pixel, %d beats of %d channel codes each; out: the %d x %d\n"
                   "// pooled map in the same order. hbuf: the even column's pixel; lbuf: the even\n"
                   "// row's pair maxima (%d pixels).\n",
                name, k + 1, k + 1, c->oh0, c->ow0, G, PE, c->oh, c->ow, OWP);
    file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_pool (\n"
                   "    input  wire clk,\n    input  wire rst,\n"
                   "    input  wire s_valid,\n    output wire s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    output reg  m_valid,\n    input  wire m_ready,\n"
                   "    output reg  [%d:0] m_data\n);\n", name, k + 1, W - 1, W - 1);
    file_printf(f, "    reg [%d:0] grp;  // channel group\n    reg [%d:0] col;  // conv map column\n"
                   "    reg yodd;\n    reg [%d:0] li;  // the half-line slot: (col / 2) * %d + grp\n"
                   "    reg [%d:0] hbuf [0:%d];\n    reg [%d:0] lbuf [0:%d];\n",
                GW - 1, XW - 1, LW - 1, G, W - 1, G - 1, W - 1, OWP * G - 1);
    file_printf(f, "    assign s_ready = !m_valid || m_ready;\n    wire take = s_valid && s_ready;\n"
                   "    wire xodd = col[0];\n    wire last_g = grp == %d'd%d;\n"
                   "    wire [%d:0] hq = hbuf[grp];\n    wire [%d:0] lq = lbuf[li];\n"
                   "    wire [%d:0] h, v;  // the pair's maxima, the 2x2 maxima\n",
                GW, G - 1, W - 1, W - 1, W - 1);
    for (int p = 0; p < PE; p++) {
        int hi = (p + 1) * B - 1, lo = p * B;
        file_printf(f, "    assign h[%d:%d] = hq[%d:%d] > s_data[%d:%d] ? hq[%d:%d] : s_data[%d:%d];\n",
                    hi, lo, hi, lo, hi, lo, hi, lo, hi, lo);
        file_printf(f, "    assign v[%d:%d] = lq[%d:%d] > h[%d:%d] ? lq[%d:%d] : h[%d:%d];\n", hi, lo,
                    hi, lo, hi, lo, hi, lo, hi, lo);
    }
    file_printf(f, "    always @(posedge clk) begin\n        if (take) begin\n"
                   "            if (!xodd)\n                hbuf[grp] <= s_data;\n"
                   "            else if (!yodd)\n                lbuf[li] <= h;\n"
                   "        end\n    end\n");
    file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                   "            m_valid <= 1'b0;\n            grp <= %d'd0;\n            col <= %d'd0;\n"
                   "            yodd <= 1'b0;\n            li <= %d'd0;\n        end else begin\n"
                   "            if (m_valid && m_ready)\n                m_valid <= 1'b0;\n"
                   "            if (take) begin\n"
                   "                if (xodd && yodd)\n                    m_valid <= 1'b1;\n"
                   "                grp <= last_g ? %d'd0 : grp + %d'd1;\n"
                   "                if (xodd)\n"
                   "                    li <= last_g && col == %d'd%d ? %d'd0 : li + %d'd1;\n"
                   "                if (last_g) begin\n"
                   "                    if (col == %d'd%d) begin\n"
                   "                        col <= %d'd0;\n                        yodd <= !yodd;\n"
                   "                    end else begin\n                        col <= col + %d'd1;\n"
                   "                    end\n                end\n            end\n"
                   "        end\n    end\n",
                GW, XW, LW, GW, GW, XW, c->ow0 - 1, LW, LW, XW, c->ow0 - 1, XW, XW);
    file_printf(f, "    always @(posedge clk) if (take && xodd && yodd) m_data <= v;\n"
                   "endmodule\n/* verilator lint_on DECLFILENAME */\n");
}

void net_conv_emit(lq_file *f, const char *name, int k, const hw_layer *H, int a_bits, int pe,
                   int ob)
{
    const nn_conv *c = &H->c;
    int PIXW = c->in_ch * a_bits, FAN = H->in, OW = pe * ob, pool = c->pool == 2;
    file_printf(f, "\n// %s_l%d_conv: layer %d, conv %d x %d x %d -> %d channels, kernel %dx%d "
                   "(valid, stride 1)%s:\n// the line buffer, the engine %s_l%d on each window, "
                   "%s. In: one pixel of %d codes\n// per beat, raster order; out: %d codes per "
                   "beat, pixel by pixel of the %d x %d map.\n",
                name, k + 1, k + 1, c->in_ch, c->in_h, c->in_w, c->out_ch, c->kh, c->kw,
                pool ? ", 2x2 max pool" : "", name, k + 1, pool ? "the pool" : "no pool",
                c->in_ch, pe, c->oh, c->ow);
    file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_conv (\n"
                   "    input  wire clk,\n    input  wire rst,\n"
                   "    input  wire s_valid,\n    output wire s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    output wire m_valid,\n    input  wire m_ready,\n"
                   "    output wire [%d:0] m_data\n);\n", name, k + 1, PIXW - 1, OW - 1);
    file_printf(f, "    wire w_valid, w_ready;\n    wire [%d:0] w_data;\n", FAN * a_bits - 1);
    file_printf(f, "    %s_l%d_win u_win (\n        .clk(clk),\n        .rst(rst),\n"
                   "        .s_valid(s_valid),\n        .s_ready(s_ready),\n        .s_data(s_data),\n"
                   "        .m_valid(w_valid),\n        .m_ready(w_ready),\n        .m_data(w_data)\n"
                   "    );\n", name, k + 1);
    if (pool)
        file_printf(f, "    wire c_valid, c_ready;\n    wire [%d:0] c_data;\n", OW - 1);
    file_printf(f, "    %s_l%d u_core (\n        .clk(clk),\n        .rst(rst),\n"
                   "        .s_valid(w_valid),\n        .s_ready(w_ready),\n        .s_data(w_data),\n"
                   "        .m_valid(%s),\n        .m_ready(%s),\n        .m_data(%s)\n    );\n",
                name, k + 1, pool ? "c_valid" : "m_valid", pool ? "c_ready" : "m_ready",
                pool ? "c_data" : "m_data");
    if (pool)
        file_printf(f, "    %s_l%d_pool u_pool (\n        .clk(clk),\n        .rst(rst),\n"
                       "        .s_valid(c_valid),\n        .s_ready(c_ready),\n"
                       "        .s_data(c_data),\n        .m_valid(m_valid),\n"
                       "        .m_ready(m_ready),\n        .m_data(m_data)\n    );\n", name, k + 1);
    file_printf(f, "endmodule\n/* verilator lint_on DECLFILENAME */\n");
    emit_win(f, name, k, c, a_bits);
    if (pool)
        emit_pool(f, name, k, c, pe, ob);
}
