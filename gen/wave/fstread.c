/* Reading an FST file into a wave_dump, through the FST reader that ships with
 * Verilator (fstapi.c, built by mk/waves.mk). Values map to 0 1 x z: u w - become
 * x, l becomes 0, h becomes 1. String variables are not compared.
 *
 * That reader trusts its input: a corrupt file can crash it, make it exit, allocate
 * without bound or write a temporary file as large as a corrupt length says. So
 * fst_check (fstcheck.c) first checks the header and block table against the file's
 * length, and the reader then runs in a child process, which sends the dump back
 * through a pipe. The child is limited: CPU time (5 s plus 1 s per MB of file, since
 * a truncated hierarchy can make the reader loop at end of file), the size of any
 * file it writes (the hierarchy fst_check measured, plus 1 MB) and its address space
 * (what it maps now plus a budget from the file's size and its blocks' buffers). It
 * reads the input through a link in a private directory made with mkdtemp, because
 * the reader writes its temporaries beside its input; the directory is removed after.
 * A child that dies or hits a limit, or data that does not hold together (a change
 * outside the value pool, times out of order), gives an error naming the file, never
 * a crash of logq. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fstapi.h"
#include "wave/read.h"

/* What the reader's process may write and map beyond what the file's blocks ask
 * for (fst_check): the temporary hierarchy file plus slack, and memory for the dump
 * it builds (a few times the file) and the largest buffers. */
enum { FST_WRITE_SLACK = 1 << 20 };
static uint64_t fst_mem_budget(const fst_needs *n)
{
    uint64_t m = (uint64_t)512 << 20;
    m += n->size < ((uint64_t)1 << 40) ? 16 * n->size : (uint64_t)1 << 44;
    m += n->max_alloc < ((uint64_t)1 << 40) ? 4 * n->max_alloc : (uint64_t)1 << 42;
    return m;
}

typedef struct {
    wave_dump *d;
    int *trace_of;        /* FST handle -> trace, -1 none */
    fstHandle maxh;
    uint64_t scale;       /* fs per tick */
    int failed;
} fst_ctx;

static unsigned char fst_bit(unsigned char c)
{
    switch (c) {
    case '0': case 'l': case 'L': return '0';
    case '1': case 'h': case 'H': return '1';
    case 'z': case 'Z': return 'z';
    default: return 'x';
    }
}

static void fst_change(void *user, uint64_t time, fstHandle h, const unsigned char *value)
{
    fst_ctx *c = user;
    wave_dump *d = c->d;
    wave_trace *tr;
    unsigned char *dst;
    uint64_t t;
    int ti;
    if (c->failed || h == 0 || h > c->maxh || (ti = c->trace_of[h]) < 0 || !value)
        return;
    tr = &d->tr[ti];
    if (tr->ignored)
        return;
    if (time > UINT64_MAX / c->scale) {
        c->failed = wave_error(d, "%s: time %llu is too large (over 2^64 fs)", d->file,
                               (unsigned long long)time);
        return;
    }
    t = time * c->scale;
    if (tr->n && tr->ch[tr->n - 1].t > t) {
        c->failed = wave_error(d, "%s: time goes backwards at %llu (corrupt file)", d->file,
                               (unsigned long long)time);
        return;
    }
    if (!(dst = wave_add_change(d, ti, t))) {
        c->failed = -1;
        return;
    }
    if (tr->is_real) {
        memcpy(dst, value, sizeof(double));
        return;
    }
    for (int i = 0; i < tr->width; i++) {
        if (!value[i]) {   /* shorter than declared: corrupt */
            c->failed = wave_error(d, "%s: a value shorter than its variable (corrupt file)",
                                   d->file);
            return;
        }
        dst[i] = fst_bit(value[i]);
    }
}

static void fst_change_varlen(void *user, uint64_t time, fstHandle h, const unsigned char *value,
                              uint32_t len)
{
    (void)user; (void)time; (void)h; (void)value; (void)len;   /* strings: not compared */
}

/* Path of a variable: scope names and its name without a trailing " [7:0]". */
static int fst_var(fst_ctx *c, const char *scope, const struct fstHier *h)
{
    wave_dump *d = c->d;
    const char *name = h->u.var.name;
    size_t n = strlen(name), ls = strlen(scope);
    const char *sp = strstr(name, " [");
    int typ = h->u.var.typ, ti;
    int is_real = typ == FST_VT_VCD_REAL || typ == FST_VT_VCD_REAL_PARAMETER ||
                  typ == FST_VT_VCD_REALTIME || typ == FST_VT_SV_SHORTREAL;
    char *path;
    fstHandle hd = h->u.var.handle;
    if (sp)
        n = (size_t)(sp - name);
    if (hd == 0 || hd > c->maxh)
        return wave_error(d, "%s: variable %s has handle %u outside 1..%u (corrupt file)",
                          d->file, name, (unsigned)hd, (unsigned)c->maxh);
    if (!is_real && typ != FST_VT_GEN_STRING &&
        (h->u.var.length < 1 || h->u.var.length > WAVE_MAX_WIDTH))
        return wave_error(d, "%s: variable %s has width %u (1 to %d expected)", d->file, name,
                          (unsigned)h->u.var.length, WAVE_MAX_WIDTH);
    ti = c->trace_of[hd];
    if (ti < 0) {
        if ((ti = wave_add_trace(d, is_real ? 64 : (int)h->u.var.length, is_real)) < 0)
            return -1;
        d->tr[ti].ignored = typ == FST_VT_GEN_STRING;
        c->trace_of[hd] = ti;
    }
    if (!(path = malloc(ls + n + 2)))
        return wave_error(d, "%s: out of memory", d->file);
    snprintf(path, ls + n + 2, "%s%s%.*s", scope, ls ? "." : "", (int)n, name);
    ti = wave_add_signal(d, path, ti);
    free(path);
    return ti;
}

/* Read the file at `file` (the link in the private directory); messages name `path`,
 * the user's name for it. */
static int fst_read_here(wave_dump *d, const char *file, const char *path)
{
    fst_ctx c = {d, NULL, 0, 1, 0};
    void *ctx = fstReaderOpen(file);
    struct fstHier *h;
    char *scope = NULL;
    size_t len = 0, cap = 0;
    size_t *marks = NULL, depth = 0, capm = 0;
    int exp, rc = -1;
    d->format = "FST";
    if (!ctx)
        return wave_error(d, "%s: not a readable FST file (bad or truncated header or "
                          "hierarchy)", path);
    exp = fstReaderGetTimescale(ctx);
    if (exp < -15 || exp > 2) {
        wave_error(d, "%s: timescale 1e%d s is not supported (1 fs to 100 s)", path, exp);
        goto out;
    }
    d->tick_exp = exp;
    for (int e = -15; e < exp; e++)
        c.scale *= 10;
    d->tick_fs = c.scale;
    c.maxh = fstReaderGetMaxHandle(ctx);
    if (c.maxh > 100000000u) {
        wave_error(d, "%s: %u variables (corrupt file?)", path, (unsigned)c.maxh);
        goto out;
    }
    if (!(c.trace_of = malloc(((size_t)c.maxh + 1) * sizeof *c.trace_of)))
        goto oom;
    for (size_t i = 0; i <= c.maxh; i++)
        c.trace_of[i] = -1;
    if (!(scope = malloc(cap = 256)))
        goto oom;
    scope[0] = '\0';
    while ((h = fstReaderIterateHier(ctx))) {
        if (h->htyp == FST_HT_SCOPE) {
            size_t n = strlen(h->u.scope.name);
            if (depth == capm) {
                size_t *m = realloc(marks, (capm = capm ? 2 * capm : 16) * sizeof *m);
                if (!m)
                    goto oom;
                marks = m;
            }
            if (len + n + 2 > cap) {
                char *s = realloc(scope, cap = 2 * (len + n + 2));
                if (!s)
                    goto oom;
                scope = s;
            }
            marks[depth++] = len;
            if (len)
                scope[len++] = '.';
            memcpy(scope + len, h->u.scope.name, n + 1);
            len += n;
        } else if (h->htyp == FST_HT_UPSCOPE) {
            if (depth) {
                len = marks[--depth];
                scope[len] = '\0';
            }
        } else if (h->htyp == FST_HT_VAR) {
            if (fst_var(&c, scope, h))
                goto out;
        }
    }
    fstReaderSetFacProcessMaskAll(ctx);
    fstReaderIterBlocksSetNativeDoublesOnCallback(ctx, 1);
    fstReaderIterBlocks2(ctx, fst_change, fst_change_varlen, &c, NULL);
    if (!c.failed) {
        uint64_t end = fstReaderGetEndTime(ctx);
        if (end <= UINT64_MAX / c.scale && end * c.scale > d->t_end)
            d->t_end = end * c.scale;
        rc = 0;
    }
    goto out;
oom:
    wave_error(d, "%s: out of memory", path);
out:
    fstReaderClose(ctx);
    free(c.trace_of);
    free(scope);
    free(marks);
    return rc;
}

/* The dump through the pipe: a header, then per signal its path length, path and
 * trace, per trace its fields and changes, then the value pool. */
typedef struct {
    int rc, tick_exp;
    uint64_t tick_fs, t_end;
    size_t nsig, ntr, pool_len, nchanges;
    char err[WAVE_ERR_LEN];
} fst_wire;

/* All n bytes through the pipe (out: write, else read), across EINTR and short
 * transfers. 0, or -1 at an error or end of file. */
static int xfer(int fd, char *b, size_t n, int out)
{
    while (n) {
        ssize_t k = out ? write(fd, b, n) : read(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static int put(int fd, const void *p, size_t n)
{
    return xfer(fd, (char *)(uintptr_t)p, n, 1);
}

static int get(int fd, void *p, size_t n)
{
    return xfer(fd, p, n, 0);
}

static void fst_send(int fd, const wave_dump *d, int rc)
{
    fst_wire w;
    memset(&w, 0, sizeof w);
    w.rc = rc;
    w.tick_exp = d->tick_exp;
    w.tick_fs = d->tick_fs;
    w.t_end = d->t_end;
    w.nsig = rc ? 0 : d->nsig;
    w.ntr = rc ? 0 : d->ntr;
    w.pool_len = rc ? 0 : d->pool_len;
    w.nchanges = d->nchanges;
    memcpy(w.err, d->err, sizeof w.err);
    if (put(fd, &w, sizeof w))
        return;
    for (size_t i = 0; i < w.nsig; i++) {
        size_t n = strlen(d->sig[i].path);
        if (put(fd, &n, sizeof n) || put(fd, d->sig[i].path, n) ||
            put(fd, &d->sig[i].trace, sizeof d->sig[i].trace))
            return;
    }
    for (size_t i = 0; i < w.ntr; i++) {
        const wave_trace *t = &d->tr[i];
        if (put(fd, t, sizeof *t) || put(fd, t->ch, t->n * sizeof *t->ch))
            return;
    }
    put(fd, d->pool, w.pool_len);
}

static int fst_receive(int fd, wave_dump *d)
{
    fst_wire w;
    char *path = NULL;
    if (get(fd, &w, sizeof w))
        return 1;    /* the child died before it said anything */
    if (w.rc) {
        memcpy(d->err, w.err, sizeof d->err);
        d->err[sizeof d->err - 1] = '\0';
        return -1;
    }
    d->tick_exp = w.tick_exp;
    d->tick_fs = w.tick_fs;
    d->t_end = w.t_end;
    d->nchanges = w.nchanges;
    for (size_t i = 0; i < w.nsig; i++) {
        size_t n;
        int tr;
        if (get(fd, &n, sizeof n) || n > 1 << 20 || !(path = malloc(n + 1)) ||
            get(fd, path, n) || get(fd, &tr, sizeof tr))
            goto broken;
        path[n] = '\0';
        if (tr < 0 || (size_t)tr >= w.ntr || wave_add_signal(d, path, tr))
            goto broken;
        free(path);
        path = NULL;
    }
    for (size_t i = 0; i < w.ntr; i++) {
        wave_trace t;
        int k;
        if (get(fd, &t, sizeof t) || (k = wave_add_trace(d, t.width, t.is_real)) < 0)
            goto broken;
        d->tr[k].ignored = t.ignored;
        if (t.n) {
            if (t.n > SIZE_MAX / sizeof *t.ch || !(d->tr[k].ch = malloc(t.n * sizeof *t.ch)))
                goto broken;
            d->tr[k].n = d->tr[k].cap = t.n;
            if (get(fd, d->tr[k].ch, t.n * sizeof *t.ch))
                goto broken;
        }
    }
    if (w.pool_len) {
        if (!(d->pool = malloc(w.pool_len)))
            goto broken;
        d->pool_len = d->pool_cap = w.pool_len;
        if (get(fd, d->pool, w.pool_len))
            goto broken;
    }
    /* Every change inside the pool, in time order. */
    for (size_t i = 0; i < d->ntr; i++) {
        const wave_trace *t = &d->tr[i];
        size_t sz = wave_value_size(t);
        for (size_t k = 0; k < t->n; k++) {
            if (t->ch[k].off > d->pool_len || d->pool_len - t->ch[k].off < sz ||
                (k && t->ch[k].t < t->ch[k - 1].t))
                goto broken;   /* the reader wrote over our memory */
        }
    }
    return 0;
broken:
    free(path);
    return 1;
}

/* The private directory of one read: the input is linked there, so the reader's
 * temporaries (it writes them beside its input) land in it and go with it. */
static void rm_private(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    char p[PATH_MAX + 300];
    if (dp) {
        while ((e = readdir(dp)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                unlink(p);
            }
        closedir(dp);
    }
    rmdir(dir);
}

/* Bytes of address space the process maps now (the child may add its budget). */
static uint64_t mapped_now(void)
{
    unsigned long long pages = 0;
    FILE *fp = fopen("/proc/self/statm", "r");
    if (fp) {
        if (fscanf(fp, "%llu", &pages) != 1)
            pages = 0;
        fclose(fp);
    }
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* The child: limits, quiet, default crash handling (a crash ends it; the parent says
 * so), then read and send. */
static void fst_child(wave_dump *d, const char *link, const char *path, int fd, rlim_t cpu,
                      const fst_needs *nd)
{
    static const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    struct rlimit rl = {cpu, cpu + 1};
    uint64_t wr = nd->max_write + FST_WRITE_SLACK, as = mapped_now();
    int null = open("/dev/null", O_WRONLY);
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
        signal(crash[i], SIG_DFL);
    if (null >= 0) {      /* fstapi prints its own messages; ours come from the parent */
        dup2(null, 2);
        close(null);
    }
    setrlimit(RLIMIT_CPU, &rl);
    rl.rlim_cur = rl.rlim_max = (rlim_t)wr;
    setrlimit(RLIMIT_FSIZE, &rl);
    if (as) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)(as + fst_mem_budget(nd));
        setrlimit(RLIMIT_AS, &rl);
    }
    fst_send(fd, d, fst_read_here(d, link, path));
    _exit(0);
}

int fst_read(wave_dump *d, const char *path)
{
    int fds[2], st = 0, rc;
    pid_t pid;
    rlim_t cpu = 5;   /* the 1.4 MB dump of tests/waves_harness.sh reads in 0.2 s */
    fst_needs nd;
    char dir[PATH_MAX], link[PATH_MAX + 16], abs[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    d->format = "FST";
    if (fst_check(d, path, &nd))
        return -1;
    cpu += (rlim_t)(nd.size >> 20);
    /* The link's target: the input's path, made absolute. */
    if (path[0] == '/') {
        snprintf(abs, sizeof abs, "%s", path);
    } else if (!getcwd(abs, sizeof abs) || strlen(abs) + strlen(path) + 2 > sizeof abs) {
        return wave_error(d, "%s: cannot make the path absolute: %s", path, strerror(errno));
    } else {
        strcat(abs, "/");
        strcat(abs, path);
    }
    snprintf(dir, sizeof dir, "%s/logq-fst.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        return wave_error(d, "%s: cannot create a private temporary directory %s: %s", path, dir,
                          strerror(errno));
    }
    snprintf(link, sizeof link, "%s/in.fst", dir);
    rc = symlink(abs, link);
    if (rc != 0) {
        rc = wave_error(d, "%s: cannot link it into %s: %s", path, dir, strerror(errno));
        rm_private(dir);
        return rc;
    }
    if (pipe(fds) != 0) {
        rm_private(dir);
        return wave_error(d, "%s: cannot create a pipe: %s", path, strerror(errno));
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        rm_private(dir);
        return wave_error(d, "%s: cannot fork the FST reader: %s", path, strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        fst_child(d, link, path, fds[1], cpu, &nd);
    }
    close(fds[1]);
    rc = fst_receive(fds[0], d);
    close(fds[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    rm_private(dir);
    if (rc == 1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        d->err[0] = '\0';
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
            return wave_error(d, "%s: the FST reader ran over its %llu s of CPU time: corrupt "
                              "or truncated FST file", path, (unsigned long long)cpu);
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ)
            return wave_error(d, "%s: the FST reader tried to write a temporary file over its "
                              "limit of %llu bytes: corrupt FST file", path,
                              (unsigned long long)(nd.max_write + FST_WRITE_SLACK));
        if (WIFSIGNALED(st))
            return wave_error(d, "%s: the FST reader died (signal %d): corrupt FST file",
                              path, WTERMSIG(st));
        if (WEXITSTATUS(st) != 0)
            return wave_error(d, "%s: the FST reader failed (exit status %d): corrupt FST "
                              "file", path, WEXITSTATUS(st));
        return wave_error(d, "%s: the FST reader returned inconsistent data: corrupt FST "
                          "file", path);
    }
    return rc;
}
