/* The top wrapper of a described block (wrap.h, docs/interfaces.md). */
#include "emit/wrap.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int wrap_active(const wrap_opts *o)
{
    return o->axis || o->reset_low || o->skid;
}

/* ---- the description ---- */

static int is_last(const lq_port *q)
{
    return q->role == LQ_ROLE_LAST || q->axis == LQ_AXIS_TLAST;
}

/* A member's bits in one lane of its stream. */
static int lane_width(const wrap_stream *s, const lq_port *q)
{
    return s->lanes ? q->lane_bits : q->width;
}

static wrap_stream *stream_of(wrap_top *t, lq_stream kind)
{
    for (int i = 0; i < t->ns; i++)
        if (t->s[i].kind == kind)
            return &t->s[i];
    if (t->ns == WRAP_STREAMS_MAX)
        return NULL;
    wrap_stream *s = &t->s[t->ns++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->valid = s->ready = s->last = -1;
    s->tvalid = s->tready = s->tdata = s->tuser = s->tlast = -1;
    return s;
}

/* The members in beat order: TDATA ports, TUSER ports, the TLAST port. A beat of the
 * bench is the stream's data ports in declaration order (an input stream's LAST on
 * top), so the axis packing keeps the bench's beats only when the two orders agree. */
static int order_members(wrap_stream *s, const lq_port *core, const int *decl, int n)
{
    int k = 0, same = 1, nat = 0;
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < n; i++) {
            const lq_port *q = &core[decl[i]];
            int kind = is_last(q) ? 2 : q->axis == LQ_AXIS_TUSER ? 1 : 0;
            if (kind != pass)
                continue;
            if (kind == 2) {
                if (s->last >= 0) {
                    cli_error("internal error: stream %s has two last ports", s->key);
                    return -1;
                }
                s->last = decl[i];
            }
            s->member[k++] = decl[i];
            s->ndata += kind == 0;
            s->nuser += kind == 1;
        }
    /* the bench's order: declaration order, an input stream's role-LAST port on top */
    for (int i = 0; i < n; i++)
        if (!(s->kind == LQ_STREAM_IN && core[decl[i]].role == LQ_ROLE_LAST) &&
            s->member[nat++] != decl[i])
            same = 0;
    s->nmember = k;
    return same ? 0 : 1;
}

/* The top port at index t->ntop, its name and description in t's buffers. */
static lq_port *add_port(wrap_top *t, const lq_port *like, const char *name, const char *desc)
{
    lq_port *p = &t->top[t->ntop];
    if (like)
        *p = *like;
    else
        memset(p, 0, sizeof *p);
    snprintf(t->names[t->ntop], sizeof t->names[0], "%s", name);
    p->name = t->names[t->ntop];
    if (desc) {
        snprintf(t->descs[t->ntop], sizeof t->descs[0], "%s", desc);
        p->desc = t->descs[t->ntop];
    }
    t->ntop++;
    return p;
}

/* "s_axis_act_" for stream key "s_act", "m_axis_" for "m". */
static void axis_prefix(const wrap_stream *s, char *buf, size_t len)
{
    const char *mid = strchr(s->key, '_');
    snprintf(buf, len, "%s_axis_%s%s", s->in ? "s" : "m", mid ? mid + 1 : "", mid ? "_" : "");
}

/* A TDATA or TUSER port over members [from, from + n) of s (lane layout when s has
 * lanes): one member keeps its own layout, several become its fields. */
static void bundle_port(wrap_top *t, const wrap_stream *s, const char *name, const char *what,
                        int from, int n, int bits, int pad)
{
    char desc[160];
    int len = 0, L = s->lanes;
    const lq_port *one = &t->core[s->member[from]];
    len += snprintf(desc + len, sizeof desc - (size_t)len, "AXI4-Stream %s: ", what);
    for (int i = 0; i < n; i++)
        len += snprintf(desc + len, len < (int)sizeof desc ? sizeof desc - (size_t)len : 0,
                        "%s%s", i ? ", " : "", t->core[s->member[from + i]].name);
    if (pad > 0 && len < (int)sizeof desc)
        snprintf(desc + len, sizeof desc - (size_t)len, ", %d zero bit%s", pad, pad == 1 ? "" : "s");
    lq_port *p = add_port(t, NULL, name, desc);
    p->dir = s->in ? LQ_PORT_IN : LQ_PORT_OUT;
    p->stream = s->kind;
    p->width = (bits + pad) * (L ? L : 1);
    p->pad = pad;
    if (n == 1 && pad == 0) {
        /* the member's own layout (lanes, fields, sign, LSB) */
        p->is_signed = one->is_signed;
        p->lanes = one->lanes;
        p->lane_bits = one->lane_bits;
        p->nfields = one->nfields;
        memcpy(p->fields, one->fields, sizeof p->fields);
        p->has_lsb = one->has_lsb;
        p->lsb_exp = one->lsb_exp;
        return;
    }
    if (L) {
        p->lanes = L;
        p->lane_bits = bits + pad;
    }
    for (int i = 0, lsb = 0; i < n && p->nfields < LQ_PORT_FIELDS_MAX; i++) {
        const lq_port *q = &t->core[s->member[from + i]];
        p->fields[p->nfields++] = (lq_field){q->name, lsb, lane_width(s, q)};
        lsb += lane_width(s, q);
    }
    if (pad > 0 && p->nfields < LQ_PORT_FIELDS_MAX)
        p->fields[p->nfields++] = (lq_field){"pad", bits, pad};
}

static void axis_ports(wrap_top *t, wrap_stream *s)
{
    char pfx[40], name[64], desc[160];
    int L = s->lanes;
    axis_prefix(s, pfx, sizeof pfx);
    snprintf(name, sizeof name, "%stvalid", pfx);
    snprintf(desc, sizeof desc, "AXI4-Stream TVALID (the block's %s)", t->core[s->valid].name);
    s->tvalid = t->ntop;
    add_port(t, &t->core[s->valid], name, desc);
    snprintf(name, sizeof name, "%stready", pfx);
    snprintf(desc, sizeof desc, "AXI4-Stream TREADY (the block's %s%s)", t->core[s->ready].name,
             s->in && t->o.skid ? ", from the skid buffer's register" : "");
    s->tready = t->ntop;
    add_port(t, &t->core[s->ready], name, desc);
    snprintf(name, sizeof name, "%stdata", pfx);
    s->tdata = t->ntop;
    bundle_port(t, s, name, "TDATA", 0, s->ndata, s->dbits, s->pad);
    if (s->nuser > 0) {
        snprintf(name, sizeof name, "%stuser", pfx);
        s->tuser = t->ntop;
        bundle_port(t, s, name, "TUSER", s->ndata, s->nuser, s->ubits, 0);
    }
    snprintf(name, sizeof name, "%stlast", pfx);
    if (s->last >= 0) {
        const lq_port *q = &t->core[s->last];
        snprintf(desc, sizeof desc, "AXI4-Stream TLAST (the block's %s)", q->name);
        s->tlast = t->ntop;
        lq_port *p = add_port(t, NULL, name, desc);
        p->dir = s->in ? LQ_PORT_IN : LQ_PORT_OUT;
        p->width = L ? L : 1;
        p->role = LQ_ROLE_LAST;
        p->stream = s->kind;
        p->lanes = L;
        p->lane_bits = L ? 1 : 0;
    } else if (s->in && t->core[s->valid].count_framed) {
        /* framed by count: a TLAST for the AXI4-Stream source, not read */
        s->tlast = t->ntop;
        lq_port *p = add_port(t, NULL, name,
                              "AXI4-Stream TLAST: 1 on a frame's last beat; not read (the "
                              "block frames by count)");
        p->dir = LQ_PORT_IN;
        p->width = 1;
        p->role = LQ_ROLE_LAST; /* stream NONE: not a bit of the beats */
    } else if (!s->in) {
        /* one item per vector: every result is a packet of one transfer */
        s->tlast = t->ntop;
        lq_port *p = add_port(t, NULL, name,
                              "AXI4-Stream TLAST: always 1 (each result is a packet of one transfer)");
        p->dir = LQ_PORT_OUT;
        p->width = 1;
        p->role = LQ_ROLE_LAST; /* stream NONE: not a bit of the bench's items */
    }
}

int wrap_build(wrap_top *t, const wrap_opts *o, const lq_port *core, int ncore)
{
    int decl[WRAP_STREAMS_MAX][WRAP_MEMBERS_MAX], nd[WRAP_STREAMS_MAX] = {0, 0, 0};
    int done[WRAP_STREAMS_MAX] = {0, 0, 0};
    memset(t, 0, sizeof *t);
    t->o = *o;
    t->core = core;
    t->ncore = ncore;
    for (int i = 0; i < ncore; i++) {
        const lq_port *q = &core[i];
        wrap_stream *s;
        if (q->stream == LQ_STREAM_NONE)
            continue;
        if (!(s = stream_of(t, q->stream))) {
            cli_error("internal error: too many streams");
            return -1;
        }
        if (q->role == LQ_ROLE_VALID) {
            s->valid = i;
            s->in = q->dir == LQ_PORT_IN;
            s->lanes = q->width > 1 ? q->width : 0;
        } else if (q->role == LQ_ROLE_READY) {
            s->ready = i;
        } else {
            int k = (int)(s - t->s);
            if (nd[k] == WRAP_MEMBERS_MAX) {
                cli_error("internal error: too many ports in a stream");
                return -1;
            }
            decl[k][nd[k]++] = i;
        }
    }
    for (int k = 0; k < t->ns; k++) {
        wrap_stream *s = &t->s[k];
        const char *v;
        size_t vl;
        if (s->valid < 0 || s->ready < 0 || nd[k] == 0) {
            cli_error("internal error: a stream without valid, ready or data");
            return -1;
        }
        v = core[s->valid].name;
        vl = strlen(v);
        if (vl < 7 || strcmp(v + vl - 6, "_valid") != 0 || vl - 6 >= sizeof s->key) {
            cli_error("internal error: valid port '%s' is not named PREFIX_valid", v);
            return -1;
        }
        memcpy(s->key, v, vl - 6);
        s->key[vl - 6] = '\0';
        if (s->lanes && !s->in) {
            cli_error("internal error: %s: an output stream of lanes has no wrapper", v);
            return -1;
        }
        int r = order_members(s, core, decl[k], nd[k]);
        if (r < 0)
            return -1;
        if (r > 0 && o->axis) {
            cli_error("internal error: the ports of stream %s are not in the order TDATA, "
                      "TUSER, TLAST of the bench's beats", s->key);
            return -1;
        }
        for (int m = 0; m < s->nmember; m++) {
            const lq_port *q = &core[s->member[m]];
            int w = lane_width(s, q);
            if (s->lanes && (q->lanes != s->lanes || w < 1)) {
                cli_error("internal error: %s is not a bus of %d lanes", q->name, s->lanes);
                return -1;
            }
            if (m < s->ndata)
                s->dbits += w;
            else if (m < s->ndata + s->nuser)
                s->ubits += w;
            s->bits += w;
        }
        s->pad = o->axis ? (8 - s->dbits % 8) % 8 : 0;
    }
    /* the top's ports in the core's order, a stream's AXI4-Stream ports where its
     * first port was */
    for (int i = 0; i < ncore; i++) {
        const lq_port *q = &core[i];
        if (t->ntop + 6 > WRAP_PORTS_MAX) {
            cli_error("internal error: too many ports");
            return -1;
        }
        if (q->role == LQ_ROLE_RESET && o->reset_low) {
            lq_port *p = add_port(t, q, "aresetn", "synchronous reset, active low");
            p->active_low = 1;
        } else if (q->stream == LQ_STREAM_NONE || !o->axis) {
            add_port(t, q, q->name, q->desc);
        } else {
            int k = (int)(stream_of(t, q->stream) - t->s);
            if (!done[k])
                axis_ports(t, &t->s[k]);
            done[k] = 1;
        }
    }
    return 0;
}

/* ---- Verilog ---- */

static const char *range(char *buf, size_t len, int width)
{
    if (width > 1)
        snprintf(buf, len, "[%d:0]", width - 1);
    else
        buf[0] = '\0';
    return buf;
}

/* "    wire [W-1:0] name;" with its comment (may be ""). */
static void wire(lq_file *f, int width, const char *name, const char *comment)
{
    char rb[32];
    file_printf(f, "    wire %s%s%s;%s%s\n", range(rb, sizeof rb, width), width > 1 ? " " : "", name,
                *comment ? "  // " : "", comment);
}

/* Lane k (a genvar) of a port of lane width w, or the whole port. */
static void lane_slice(char *buf, size_t len, const char *pfx, const char *name, int lanes, int w)
{
    if (!lanes)
        snprintf(buf, len, "%s%s", pfx, name);
    else if (w == 1)
        snprintf(buf, len, "%s%s[k]", pfx, name);
    else
        snprintf(buf, len, "%s%s[k*%d +: %d]", pfx, name, w, w);
}

/* Bits [off, off + w) of lane k of the stream's beat wire. */
static void beat_slice(char *buf, size_t len, const wrap_stream *s, const char *wire, int off, int w)
{
    if (s->lanes)
        snprintf(buf, len, "%s[k*%d + %d +: %d]", wire, s->bits, off, w);
    else if (w == 1)
        snprintf(buf, len, "%s[%d]", wire, off);
    else
        snprintf(buf, len, "%s[%d:%d]", wire, off + w - 1, off);
}

/* The top's side of lane k's beat: {TLAST, TUSER, TDATA used bits}, or the native
 * ports in beat order. */
static void top_beat(char *buf, size_t len, const wrap_top *t, const wrap_stream *s)
{
    char one[96];
    size_t n = 0;
    n += (size_t)snprintf(buf, len, "{");
#define CAT(x) (n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, "%s%s", n > 1 ? ", " : "", (x)))
    if (t->o.axis) {
        int L = s->lanes;
        if (s->last >= 0) {
            lane_slice(one, sizeof one, "", t->top[s->tlast].name, L, 1);
            CAT(one);
        }
        if (s->nuser > 0) {
            lane_slice(one, sizeof one, "", t->top[s->tuser].name, L, s->ubits);
            CAT(one);
        }
        if (L)
            snprintf(one, sizeof one, "%s[k*%d +: %d]", t->top[s->tdata].name, s->dbits + s->pad,
                     s->dbits);
        else if (s->pad)
            snprintf(one, sizeof one, "%s[%d:0]", t->top[s->tdata].name, s->dbits - 1);
        else
            snprintf(one, sizeof one, "%s", t->top[s->tdata].name);
        CAT(one);
    } else {
        for (int m = s->nmember - 1; m >= 0; m--) {
            const lq_port *q = &t->core[s->member[m]];
            lane_slice(one, sizeof one, "", q->name, s->lanes, lane_width(s, q));
            CAT(one);
        }
    }
#undef CAT
    if (n < len)
        snprintf(buf + n, len - n, "}");
}

static void write_skid(lq_file *f, const char *top)
{
    file_printf(f,
        "// %s_skid: a skid buffer (docs/interfaces.md): an output register and a skid\n"
        "// register. Every output is a register: s_ready is ~full, so it depends on no\n"
        "// input (neither m_ready nor s_valid nor the data), and m_valid, m_data come\n"
        "// from the output register, one cycle after the beat was accepted. A beat\n"
        "// accepted while the output register is held (m_valid high, m_ready low) waits\n"
        "// in the skid register, and s_ready falls a cycle later; the cycle the output\n"
        "// register is free again it takes the kept beat first. One beat per cycle\n"
        "// while m_ready stays high.\n"
        "/* verilator lint_off DECLFILENAME */\n"
        "module %s_skid #(\n"
        "    parameter integer W = 1\n"
        ") (\n"
        "    input  wire         clk,\n"
        "    input  wire         rst,\n"
        "    input  wire         s_valid,\n"
        "    output wire         s_ready,\n"
        "    input  wire [W-1:0] s_data,\n"
        "    output wire         m_valid,\n"
        "    input  wire         m_ready,\n"
        "    output wire [W-1:0] m_data\n"
        ");\n"
        "    generate\n"
        "        if (W < 1) begin : g_bad_parameters\n"
        "            initial begin\n"
        "                $display(\"%s_skid: W = %%0d, must be at least 1\", W);\n"
        "                $finish;\n"
        "            end\n"
        "        end\n"
        "    endgenerate\n\n"
        "    reg full;             // the skid register holds a beat\n"
        "    reg [W-1:0] hold;     // that beat (data registers are not reset)\n"
        "    reg out_valid;        // the output register holds a beat\n"
        "    reg [W-1:0] out_data;\n"
        "    wire out_free = ~out_valid | m_ready;  // it takes a beat at this edge\n"
        "    assign s_ready = ~full;\n"
        "    assign m_valid = out_valid;\n"
        "    assign m_data = out_data;\n"
        "    always @(posedge clk) begin\n"
        "        if (rst) begin\n"
        "            full <= 1'b0;\n"
        "            out_valid <= 1'b0;\n"
        "        end else if (out_free) begin\n"
        "            out_valid <= full | s_valid;  // the kept beat first\n"
        "            full <= 1'b0;\n"
        "        end else if (s_valid) begin\n"
        "            full <= 1'b1;  // accepted while the output is held: keep it\n"
        "        end\n"
        "    end\n"
        "    always @(posedge clk) begin\n"
        "        if (out_free)\n"
        "            out_data <= full ? hold : s_data;\n"
        "        if (!full)\n"
        "            hold <= s_data;\n"
        "    end\n"
        "endmodule\n"
        "/* verilator lint_on DECLFILENAME */\n\n", top, top, top);
}

static void skid_instance(lq_file *f, const char *ind, const char *top, const wrap_stream *s,
                          const char *inst, const char *sv, const char *sr, const char *sd,
                          const char *mv, const char *mr, const char *md)
{
    file_printf(f,
        "%s%s_skid #(\n%s    .W(%d)\n%s) %s (\n"
        "%s    .clk(clk),\n%s    .rst(rst_core),\n"
        "%s    .s_valid(%s),\n%s    .s_ready(%s),\n%s    .s_data(%s),\n"
        "%s    .m_valid(%s),\n%s    .m_ready(%s),\n%s    .m_data(%s)\n%s);\n",
        ind, top, ind, s->bits, ind, inst, ind, ind, ind, sv, ind, sr, ind, sd, ind, mv, ind, mr,
        ind, md, ind);
}

/* Declarations and logic of one stream between the top's ports and the core's. */
static void write_stream(lq_file *f, const wrap_top *t, const wrap_stream *s, const char *top)
{
    char rb[32], tb[512], a[160], b[160], in[64], beat[64], v[64], r[64];
    int L = s->lanes, n = L ? L : 1;
    const char *tv = t->o.axis ? t->top[s->tvalid].name : t->core[s->valid].name;
    const char *tr = t->o.axis ? t->top[s->tready].name : t->core[s->ready].name;
    snprintf(in, sizeof in, "w_%s_in", s->key);
    snprintf(beat, sizeof beat, "w_%s_beat", s->key);
    snprintf(v, sizeof v, "w_%s_valid", s->key);
    snprintf(r, sizeof r, "w_%s_ready", s->key);
    file_printf(f, "    // %s stream %s: beats of %d bits = {", s->in ? "input" : "output", s->key,
                s->bits);
    for (int m = s->nmember - 1; m >= 0; m--)
        file_printf(f, "%s%s", t->core[s->member[m]].name, m ? ", " : "}");
    file_printf(f, "%s\n", L ? " in each lane" : "");
    if (s->in)
        wire(f, s->bits * n, in, "at the wrapper's ports");
    wire(f, s->bits * n, beat, s->in ? "into the core" : "out of the core");
    wire(f, L, v, "");
    wire(f, L, r, "");
    for (int m = 0; m < s->nmember; m++) {
        const lq_port *q = &t->core[s->member[m]];
        snprintf(a, sizeof a, "c_%s", q->name);
        wire(f, q->width, a, "");
    }
    if (s->in) {
        const char *ind = L ? "            " : "    ";
        if (L)
            file_printf(f, "    generate\n        for (k = 0; k < %d; k = k + 1) begin : g_%s_lane\n",
                        L, s->key);
        top_beat(tb, sizeof tb, t, s);
        if (L)
            snprintf(a, sizeof a, "%s[k*%d +: %d]", in, s->bits, s->bits);
        else
            snprintf(a, sizeof a, "%s", in);
        file_printf(f, "%sassign %s = %s;\n", ind, a, tb);
        if (t->o.skid) {
            char sv[80], sr[80], mv[80], mr[80], md[80], inst[64];
            lane_slice(sv, sizeof sv, "", tv, L, 1);
            lane_slice(sr, sizeof sr, "", tr, L, 1);
            lane_slice(mv, sizeof mv, "", v, L, 1);
            lane_slice(mr, sizeof mr, "", r, L, 1);
            if (L)
                snprintf(md, sizeof md, "%s[k*%d +: %d]", beat, s->bits, s->bits);
            else
                snprintf(md, sizeof md, "%s", beat);
            snprintf(inst, sizeof inst, L ? "u_skid" : "u_%s_skid", s->key);
            skid_instance(f, ind, top, s, inst, sv, sr, a, mv, mr, md);
        } else if (!L) {
            file_printf(f, "    assign %s = %s;\n    assign %s = %s;\n    assign %s = %s;\n", v, tv,
                        tr, r, beat, in);
        }
        for (int m = 0, off = 0; m < s->nmember; m++) {
            const lq_port *q = &t->core[s->member[m]];
            int w = lane_width(s, q);
            lane_slice(b, sizeof b, "c_", q->name, L, w);
            beat_slice(a, sizeof a, s, beat, off, w);
            file_printf(f, "%sassign %s = %s;\n", ind, b, a);
            off += w;
        }
        if (L)
            file_printf(f, "        end\n    endgenerate\n");
        if (L && !t->o.skid)
            file_printf(f, "    assign %s = %s;\n    assign %s = %s;\n    assign %s = %s;\n", v,
                        tv, tr, r, beat, in);
    } else {
        /* an output stream (one lane): the beat to the top's ports */
        file_printf(f, "    assign %s = {", beat);
        for (int m = s->nmember - 1; m >= 0; m--)
            file_printf(f, "c_%s%s", t->core[s->member[m]].name, m ? ", " : "};\n");
        file_printf(f, "    assign %s = %s;\n    assign %s = %s;\n", tv, v, r, tr);
        if (t->o.axis) {
            beat_slice(a, sizeof a, s, beat, 0, s->dbits);
            if (s->pad)
                file_printf(f, "    assign %s = {%d'd0, %s};  // zero padding to whole bytes\n",
                            t->top[s->tdata].name, s->pad, a);
            else
                file_printf(f, "    assign %s = %s;\n", t->top[s->tdata].name, a);
            if (s->nuser > 0) {
                beat_slice(a, sizeof a, s, beat, s->dbits, s->ubits);
                file_printf(f, "    assign %s = %s;\n", t->top[s->tuser].name, a);
            }
            if (s->last >= 0)
                beat_slice(a, sizeof a, s, beat, s->dbits + s->ubits, 1);
            else
                snprintf(a, sizeof a, "1'b1");
            file_printf(f, "    assign %s = %s;\n", t->top[s->tlast].name, a);
        } else {
            for (int m = 0, off = 0; m < s->nmember; m++) {
                const lq_port *q = &t->core[s->member[m]];
                beat_slice(a, sizeof a, s, beat, off, q->width);
                file_printf(f, "    assign %s = %s;\n", q->name, a);
                off += q->width;
            }
        }
    }
    if (s->in && s->pad > 0) {
        /* the padding of an input TDATA carries nothing */
        const char *td = t->top[s->tdata].name;
        file_printf(f, "    /* verilator lint_off UNUSED */\n");
        if (L) {
            file_printf(f, "    wire [%d:0] w_%s_pad;  // TDATA's padding, ignored\n", L * s->pad - 1,
                        s->key);
            file_printf(f, "    generate\n        for (k = 0; k < %d; k = k + 1) begin : g_%s_pad\n"
                           "            assign w_%s_pad[k*%d +: %d] = %s[k*%d + %d +: %d];\n"
                           "        end\n    endgenerate\n",
                        L, s->key, s->key, s->pad, s->pad, td, s->dbits + s->pad, s->dbits, s->pad);
        } else {
            file_printf(f, "    wire %s w_%s_pad = %s[%d:%d];  // TDATA's padding, ignored\n",
                        range(rb, sizeof rb, s->pad), s->key, td, s->dbits + s->pad - 1, s->dbits);
        }
        file_printf(f, "    /* verilator lint_on UNUSED */\n");
    }
    if (s->in && t->o.axis && s->last < 0 && s->tlast >= 0)
        file_printf(f, "    /* verilator lint_off UNUSED */\n"
                       "    wire w_%s_tlast = %s;  // not read: the core frames by count\n"
                       "    /* verilator lint_on UNUSED */\n",
                    s->key, t->top[s->tlast].name);
    file_printf(f, "\n");
}

void wrap_write_v(lq_file *f, const wrap_top *t, const char *top, const char *core,
                  const lq_cmd *c)
{
    char rb[32];
    int lanes = 0;
    const char *rst = NULL;
    file_header(f, "//", c);
    file_printf(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    if (t->o.skid)
        write_skid(f, top);
    file_printf(f,
        "// %s: the wrapper of %s (docs/interfaces.md).\n//   interface %s, reset %s%s.\n"
        "// The core is the block itself, unchanged; the wrapper only renames and packs\n"
        "// its ports%s%s.\n",
        top, core, t->o.axis ? "axis (AXI4-Stream)" : "native",
        t->o.reset_low ? "sync-low (aresetn)" : "sync-high (rst)",
        t->o.skid ? ", a skid buffer on every input stream" : "",
        t->o.reset_low ? ", inverts the reset" : "",
        t->o.skid ? " and registers every input's ready" : "");
    file_printf(f, "module %s (\n", top);
    for (int i = 0; i < t->ntop; i++) {
        const lq_port *p = &t->top[i];
        file_printf(f, "    %s wire %-6s %s%s\n", p->dir == LQ_PORT_IN ? "input " : "output",
                    range(rb, sizeof rb, p->width), p->name, i + 1 < t->ntop ? "," : "");
        if (p->role == LQ_ROLE_RESET)
            rst = p->name;
    }
    file_printf(f, ");\n");
    file_printf(f, "    wire rst_core = %s%s;  // the core's synchronous reset, active high\n",
                t->o.reset_low ? "~" : "", rst ? rst : "rst");
    for (int k = 0; k < t->ns; k++)
        if (t->s[k].lanes)
            lanes = 1;
    if (lanes)
        file_printf(f, "    genvar k;\n");
    file_printf(f, "\n");
    for (int k = 0; k < t->ns; k++)
        write_stream(f, t, &t->s[k], top);
    file_printf(f, "    %s u_core (\n", core);
    for (int i = 0; i < t->ncore; i++) {
        const lq_port *q = &t->core[i];
        char e[80];
        const wrap_stream *s = NULL;
        for (int k = 0; k < t->ns; k++)
            if (t->s[k].kind == q->stream && q->stream != LQ_STREAM_NONE)
                s = &t->s[k];
        if (q->role == LQ_ROLE_RESET)
            snprintf(e, sizeof e, "rst_core");
        else if (!s)
            snprintf(e, sizeof e, "%s", q->name);
        else if (q->role == LQ_ROLE_VALID)
            snprintf(e, sizeof e, "w_%s_valid", s->key);
        else if (q->role == LQ_ROLE_READY)
            snprintf(e, sizeof e, "w_%s_ready", s->key);
        else
            snprintf(e, sizeof e, "c_%s", q->name);
        file_printf(f, "        .%s(%s)%s\n", q->name, e, i + 1 < t->ncore ? "," : "");
    }
    file_printf(f, "    );\nendmodule\n\n`default_nettype wire\n`resetall\n");
}

/* ---- NAME.h, NAME.txt ---- */

/* For each axis bundle: which bits hold which port of the core, in the port's own
 * layout. pfx starts each line. */
static void packing_lines(lq_file *f, const wrap_top *t, const char *pfx)
{
    char lay[256];
    for (int k = 0; k < t->ns; k++) {
        const wrap_stream *s = &t->s[k];
        for (int m = 0, off = 0; m < s->nmember; m++) {
            const lq_port *q = &t->core[s->member[m]];
            int w = lane_width(s, q);
            const char *bundle = m < s->ndata ? t->top[s->tdata].name
                               : m < s->ndata + s->nuser ? t->top[s->tuser].name
                                                         : t->top[s->tlast].name;
            int at = m < s->ndata ? off : m < s->ndata + s->nuser ? off - s->dbits : 0;
            int stride = m < s->ndata ? s->dbits + s->pad : m < s->ndata + s->nuser ? s->ubits : 1;
            if (m >= s->ndata + s->nuser)
                file_printf(f, "%s%s%s = %s%s\n", pfx, bundle, s->lanes ? "[k]" : "",
                            s->lanes ? "lane k of " : "", q->name);
            else if (s->lanes)
                file_printf(f, "%s%s[k*%d + %d +: %d] = lane k of %s (%s)\n", pfx, bundle, stride,
                            at, w, q->name, lq_port_layout(q, lay, sizeof lay));
            else if (w == 1)
                file_printf(f, "%s%s[%d] = %s\n", pfx, bundle, at, q->name);
            else
                file_printf(f, "%s%s[%d:%d] = %s (%s)\n", pfx, bundle, at + w - 1, at, q->name,
                            lq_port_layout(q, lay, sizeof lay));
            off += w;
            if (m + 1 != s->ndata || s->pad == 0)
                continue;
            if (s->lanes)
                file_printf(f, "%s%s[k*%d + %d +: %d] = padding to whole bytes (%s)\n", pfx,
                            t->top[s->tdata].name, s->dbits + s->pad, s->dbits, s->pad,
                            s->in ? "ignored" : "zero");
            else
                file_printf(f, "%s%s[%d:%d] = padding to whole bytes (%s)\n", pfx,
                            t->top[s->tdata].name, s->dbits + s->pad - 1, s->dbits,
                            s->in ? "ignored" : "zero");
        }
        if (!s->in && s->last < 0)
            file_printf(f, "%s%s = 1 (each result is a packet of one transfer)\n", pfx,
                        t->top[s->tlast].name);
        else if (s->in && s->last < 0 && s->tlast >= 0)
            file_printf(f, "%s%s = 1 on a frame's last beat, not read (the block frames by "
                           "count)\n", pfx, t->top[s->tlast].name);
    }
}

static void options_line(lq_file *f, const wrap_top *t, const char *pfx)
{
    file_printf(f, "%sinterface %s, reset %s, %s\n", pfx, t->o.axis ? "axis" : "native",
                t->o.reset_low ? "sync-low (aresetn, active low)" : "sync-high (rst, active high)",
                t->o.skid ? "skid buffers on the input streams (ready is a register)"
                          : "no skid buffer");
}

int wrap_latency(const wrap_top *t, int core_latency)
{
    return core_latency >= 0 && t && t->o.skid ? core_latency + 1 : core_latency;
}

void wrap_write_h(lq_file *f, const wrap_top *t, const char *top, const char *core_h,
                  int core_latency, const lq_cmd *c)
{
    int lat = wrap_latency(t, core_latency);
    char up[80];
    size_t i = 0;
    for (; top[i] && i + 1 < sizeof up; i++)
        up[i] = (char)toupper((unsigned char)top[i]);
    up[i] = '\0';
    file_header(f, "//", c);
    file_printf(f, "// %s: the wrapper's ports (docs/interfaces.md); the block's parameters\n"
                   "// are in %s.\n#ifndef %s_TOP_H\n#define %s_TOP_H\n\n", top, core_h, up, up);
    file_printf(f, "#include \"%s\"\n\n/*\n", core_h);
    options_line(f, t, " * ");
    if (t->o.axis) {
        file_printf(f, " * AXI4-Stream packing (lane k of a stream of lanes):\n");
        packing_lines(f, t, " *   ");
    }
    file_printf(f, " */\n#define %s_INTERFACE_AXIS %d\n#define %s_RESET_ACTIVE_LOW %d\n"
                   "#define %s_SKID %d\n", up, t->o.axis, up, t->o.reset_low, up, t->o.skid);
    if (lat >= 0)
        file_printf(f, "#define %s_TOP_LATENCY %d /* cycles from an accepted input to its "
                       "output, the top's%s */\n", up, lat, t->o.skid ? " (the core's + 1: the skid "
                       "register)" : "");
    package_port_macros(f, up, t->top, t->ntop);
    file_printf(f, "\n#endif\n");
}

void wrap_write_txt(lq_file *f, const wrap_top *t, const char *core)
{
    file_printf(f, "\nwrapper (docs/interfaces.md) around %s, the block itself:\n", core);
    options_line(f, t, "  ");
    if (t->o.axis) {
        file_printf(f, "\nAXI4-Stream packing (lane k of a stream of lanes):\n");
        packing_lines(f, t, "  ");
    }
}
