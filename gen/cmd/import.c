/* `logq import`: a network from NumPy files (one .npy per tensor and a manifest, or
 * one .npz) to logq's weight file (docs/import.md), so that eval, export and the
 * generators downstream read it unchanged. Every tensor's shape is checked against
 * the manifest and its neighbours; a bad file is refused naming the file, the member
 * and the value, and nothing is written. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "emit/emit.h"
#include "nn/nn.h"
#include "nn/npz.h"

static const char import_help[] =
    "usage: logq import [--npz FILE] [MANIFEST] -o WEIGHTS\n"
    "\n"
    "Reads a dense network from NumPy files and writes logq's weight file (docs/eval.md,\n"
    "\"Weight file\"; docs/import.md). MANIFEST lists the layers in order:\n"
    "\n"
    "    logq-import 1\n"
    "    dense IN OUT ACTIVATION WEIGHT BIAS LAYOUT\n"
    "    ...\n"
    "\n"
    "ACTIVATION is relu or linear (softmax on the last layer reads as linear: the\n"
    "class is the largest logit either way); WEIGHT and BIAS name .npy files beside the\n"
    "manifest (or members of --npz); LAYOUT says how WEIGHT is stored: in-out (IN, OUT)\n"
    "as Keras kernels and scikit-learn coefs_, out-in (OUT, IN) as PyTorch\n"
    "nn.Linear.weight. BIAS has shape (OUT,). Tensors are float32 or float64, either\n"
    "byte order, C or Fortran order, finite.\n"
    "\n"
    "  --npz FILE         read the tensors from this .npz (np.savez); without a\n"
    "                     MANIFEST its members w1, b1, w2, b2, ... are the layers in\n"
    "                     order, ReLU after every layer but the last\n"
    "  --layout L         with --npz and no MANIFEST: in-out or out-in\n"
    "  -o, --out FILE     the weight file to write (required)\n";

enum { OPT_NPZ = 1, OPT_LAYOUT };

/* Where the tensors come from. */
typedef struct {
    npz *z;              /* --npz, or NULL: files relative to dir */
    char dir[1024];
} source;

static int load_tensor(const source *src, const char *name, npy_array *a, char *msg,
                       size_t len)
{
    char path[2048];
    if (src->z)
        return npz_read(src->z, name, 0, a, msg, len);
    if (name[0] == '/')
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/%s", src->dir, name);
    return npy_load(path, 0, a, msg, len);
}

/* The tensor's name as the messages give it. */
static const char *where(const source *src, const char *name, char *buf, size_t len)
{
    if (src->z)
        snprintf(buf, len, "member '%s'", name);
    else
        snprintf(buf, len, "%s%s%s", name[0] == '/' ? "" : src->dir, name[0] == '/' ? "" : "/",
                 name);
    return buf;
}

/* One dense layer: its tensors read, shapes checked against in/out (0: take them
 * from the weight) and layout, values copied into L. ctx names the manifest line. */
static int load_layer(const source *src, const char *ctx, const char *wname,
                      const char *bname, int layout_out_in, int in, int out, int relu,
                      nn_layer *L)
{
    npy_array w, b;
    char msg[700], sh[160], wh[1100];
    int rows, cols, rc = -1;

    if (load_tensor(src, wname, &w, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    npy_shape_str(&w, sh, sizeof sh);
    where(src, wname, wh, sizeof wh);
    if (w.ndim != 2) {
        cli_error("%s: %s: weight shape %s is not two-dimensional", ctx, wh, sh);
        npy_free(&w);
        return -1;
    }
    rows = (int)(w.shape[0] > NN_WIDTH_MAX + 1 ? NN_WIDTH_MAX + 1 : w.shape[0]);
    cols = (int)(w.shape[1] > NN_WIDTH_MAX + 1 ? NN_WIDTH_MAX + 1 : w.shape[1]);
    if (!in) { /* no manifest: the shape gives the widths */
        in = layout_out_in ? cols : rows;
        out = layout_out_in ? rows : cols;
        if (in > NN_WIDTH_MAX || out > NN_WIDTH_MAX || in < 1 || out < 1) {
            cli_error("%s: %s: weight shape %s: a layer has 1..%d inputs and outputs", ctx, wh,
                      sh, NN_WIDTH_MAX);
            npy_free(&w);
            return -1;
        }
    }
    if ((layout_out_in ? rows != out || cols != in : rows != in || cols != out)) {
        cli_error("%s: %s: weight shape %s disagrees with the layer: %d inputs, %d outputs, "
                  "layout %s needs (%d, %d)", ctx, wh, sh, in, out,
                  layout_out_in ? "out-in" : "in-out", layout_out_in ? out : in,
                  layout_out_in ? in : out);
        npy_free(&w);
        return -1;
    }
    if (load_tensor(src, bname, &b, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        npy_free(&w);
        return -1;
    }
    npy_shape_str(&b, sh, sizeof sh);
    where(src, bname, wh, sizeof wh);
    if (b.ndim != 1 || b.shape[0] != (size_t)out) {
        cli_error("%s: %s: bias shape %s disagrees with the layer's %d outputs: needs (%d,)",
                  ctx, wh, sh, out, out);
        goto out;
    }
    L->in = in;
    L->out = out;
    L->relu = relu;
    L->w = malloc((size_t)in * out * sizeof *L->w);
    L->b = malloc((size_t)out * sizeof *L->b);
    if (!L->w || !L->b) {
        cli_error("out of memory");
        goto out;
    }
    for (int j = 0; j < out; j++) {
        for (int i = 0; i < in; i++)
            L->w[(size_t)j * in + i] =
                layout_out_in ? w.v[(size_t)j * in + i] : w.v[(size_t)i * out + j];
        L->b[j] = b.v[j];
    }
    rc = 0;
out:
    npy_free(&w);
    npy_free(&b);
    return rc;
}

static int parse_layout(const char *s, int *out_in)
{
    if (strcmp(s, "in-out") == 0)
        *out_in = 0;
    else if (strcmp(s, "out-in") == 0)
        *out_in = 1;
    else
        return -1;
    return 0;
}

/* The manifest, layer by layer. */
static int read_manifest(const char *path, const source *src, nn_net *net)
{
    FILE *fp = fopen(path, "r");
    char *line = NULL, ctx[1200];
    size_t cap = 0;
    int lineno = 0, magic = 0, rc = -1;

    if (!fp) {
        cli_error("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    while (getline(&line, &cap, fp) >= 0) {
        char *tok[9], *save = NULL, *p = line;
        int n = 0, in, out, relu, out_in, k = net->nlayers;
        lineno++;
        p[strcspn(p, "\r\n")] = '\0';
        for (char *t = strtok_r(p, " \t", &save); t && n < 9; t = strtok_r(NULL, " \t", &save))
            tok[n++] = t;
        if (n == 0 || tok[0][0] == '#')
            continue;
        snprintf(ctx, sizeof ctx, "%s:%d", path, lineno);
        if (!magic) {
            if (n != 2 || strcmp(tok[0], "logq-import") != 0 || strcmp(tok[1], "1") != 0) {
                cli_error("%s: not a logq import manifest: the first line must be "
                          "'logq-import 1', got '%.40s'", ctx, tok[0]);
                goto done;
            }
            magic = 1;
            continue;
        }
        if (strcmp(tok[0], "dense") != 0) {
            cli_error("%s: layer kind '%.40s' is not supported (only dense)", ctx, tok[0]);
            goto done;
        }
        if (n != 7) {
            cli_error("%s: expected 'dense IN OUT ACTIVATION WEIGHT BIAS LAYOUT', got %d "
                      "fields", ctx, n);
            goto done;
        }
        if (k == NN_LAYERS_MAX) {
            cli_error("%s: more than %d layers", ctx, NN_LAYERS_MAX);
            goto done;
        }
        if (cli_int("IN", tok[1], 1, NN_WIDTH_MAX, &in) != 0 ||
            cli_int("OUT", tok[2], 1, NN_WIDTH_MAX, &out) != 0) {
            cli_error("%s: layer widths must be 1..%d", ctx, NN_WIDTH_MAX);
            goto done;
        }
        if (strcmp(tok[3], "relu") == 0)
            relu = 1;
        else if (strcmp(tok[3], "linear") == 0 || strcmp(tok[3], "softmax") == 0)
            relu = 0;
        else {
            cli_error("%s: activation '%.40s' is not relu, linear or softmax", ctx, tok[3]);
            goto done;
        }
        if (parse_layout(tok[6], &out_in) != 0) {
            cli_error("%s: layout '%.40s' is not in-out or out-in", ctx, tok[6]);
            goto done;
        }
        if (k > 0 && net->l[k - 1].out != in) {
            cli_error("%s: layer %d has %d inputs but layer %d has %d outputs", ctx, k + 1, in,
                      k, net->l[k - 1].out);
            goto done;
        }
        if (magic == 2) {
            cli_error("%s: softmax is only allowed on the last layer", ctx);
            goto done;
        }
        if (load_layer(src, ctx, tok[4], tok[5], out_in, in, out, relu, &net->l[k]) != 0)
            goto done;
        net->nlayers++;
        if (strcmp(tok[3], "softmax") == 0)
            magic = 2; /* no layer may follow */
    }
    if (!magic) {
        cli_error("%s: empty manifest (expected 'logq-import 1' and one line per layer)", path);
        goto done;
    }
    if (net->nlayers == 0) {
        cli_error("%s: no layers", path);
        goto done;
    }
    rc = 0;
done:
    free(line);
    fclose(fp);
    return rc;
}

/* No manifest: members w1, b1, w2, b2, ... of the archive. */
static int read_npz_layers(const char *npz_path, const source *src, int out_in, nn_net *net)
{
    char w[32], b[32], ctx[1100];
    for (int k = 0;; k++) {
        snprintf(w, sizeof w, "w%d", k + 1);
        snprintf(b, sizeof b, "b%d", k + 1);
        if (!npz_has(src->z, w)) {
            if (k == 0) {
                char msg[700];
                npy_array a;
                npz_read(src->z, w, 0, &a, msg, sizeof msg); /* names what is there */
                cli_error("%s", msg);
                return -1;
            }
            break;
        }
        if (k == NN_LAYERS_MAX) {
            cli_error("%s: member '%s.npy': more than %d layers", npz_path, w, NN_LAYERS_MAX);
            return -1;
        }
        snprintf(ctx, sizeof ctx, "%s: layer %d", npz_path, k + 1);
        if (load_layer(src, ctx, w, b, out_in, 0, 0, 1, &net->l[k]) != 0)
            return -1;
        net->nlayers++;
        if (k > 0 && net->l[k].in != net->l[k - 1].out) {
            cli_error("%s: member '%s.npy' gives layer %d %d inputs but layer %d has %d "
                      "outputs", npz_path, w, k + 1, net->l[k].in, k, net->l[k - 1].out);
            return -1;
        }
    }
    net->l[net->nlayers - 1].relu = 0;
    return 0;
}

int cmd_import(const lq_cmd *c)
{
    static const struct option opts[] = {
        {"npz", required_argument, 0, OPT_NPZ},
        {"layout", required_argument, 0, OPT_LAYOUT},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *npz_path = NULL, *manifest = NULL, *out = NULL, *layout = NULL;
    int ch, out_in = 0, rc = LQ_EXIT_USAGE;
    source src;
    nn_net net;
    char msg[700];

    memset(&src, 0, sizeof src);
    memset(&net, 0, sizeof net);
    optind = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(import_help, stdout); return LQ_EXIT_OK;
        case 'o': out = optarg; break;
        case OPT_NPZ: npz_path = optarg; break;
        case OPT_LAYOUT:
            if (parse_layout(optarg, &out_in) != 0) {
                cli_error("--layout '%s' is not in-out or out-in", optarg);
                return LQ_EXIT_USAGE;
            }
            layout = optarg;
            break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc)
        manifest = c->argv[optind++];
    if (optind < c->argc) {
        cli_error("import takes one manifest, got also '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!out) {
        cli_error("import needs -o FILE (the weight file to write)");
        return LQ_EXIT_USAGE;
    }
    if (!manifest && !npz_path) {
        cli_error("import needs a MANIFEST, or --npz FILE (see logq import --help)");
        return LQ_EXIT_USAGE;
    }
    if (manifest && layout) {
        cli_error("--layout is for --npz without a manifest; the manifest gives each layer's");
        return LQ_EXIT_USAGE;
    }
    if (!manifest && !layout) {
        cli_error("--npz without a manifest needs --layout in-out (Keras, scikit-learn) or "
                  "out-in (PyTorch)");
        return LQ_EXIT_USAGE;
    }
    if (npz_path && npz_open(npz_path, &src.z, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if (manifest) {
        char *d = strdup(manifest);
        if (!d) {
            cli_error("out of memory");
            goto done;
        }
        snprintf(src.dir, sizeof src.dir, "%s", dirname(d));
        free(d);
        if (read_manifest(manifest, &src, &net) != 0)
            goto done;
    } else if (read_npz_layers(npz_path, &src, out_in, &net) != 0) {
        goto done;
    }
    rc = nn_write_file(&net, out, c);
    if (rc == LQ_EXIT_OK) {
        long params = 0;
        printf("logq import: %d layers:", net.nlayers);
        for (int k = 0; k < net.nlayers; k++) {
            printf("%s %d-%d %s", k ? "," : "", net.l[k].in, net.l[k].out,
                   net.l[k].relu ? "relu" : "linear");
            params += (long)net.l[k].in * net.l[k].out + net.l[k].out;
        }
        printf(" (%ld parameters)\nweights: %s\n", params, out);
    }
done:
    npz_close(src.z);
    nn_free(&net);
    return rc;
}
