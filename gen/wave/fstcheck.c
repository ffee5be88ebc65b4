/* Checking an FST file before Verilator's reader (fstapi.c) sees it (see read.h).
 *
 * That reader trusts every length in the file: a corrupt one makes it read past its
 * buffers, allocate gigabytes or write a temporary file of the claimed hierarchy size
 * (3 GB from a 1 KB file). The layout, from fstapi.c and GTKWave's FST notes: a file
 * is a sequence of blocks, each a type byte, a big-endian 64-bit length L that counts
 * itself and the block's data (the block takes 1 + L bytes), then the data. The
 * first block is the header (type 0, L = 329); the value-change blocks follow; the
 * geometry and the hierarchy are written last, at close, so a truncated file lacks
 * them. Here every block must lie inside the file, have a known type and hold its
 * fixed fields, and every uncompressed size must be one its compressed bytes can
 * give (zlib expands at most 1032:1, LZ4 255:1); counts of items must fit the bytes
 * that hold them. What the blocks may need (the largest buffer, the largest
 * temporary file) is returned so the reader's process can be limited to it. */
#include "wave/read.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum {
    BL_HDR = 0, BL_VCDATA = 1, BL_BLACKOUT = 2, BL_GEOM = 3, BL_HIER = 4,
    BL_VCDATA_DYN_ALIAS = 5, BL_HIER_LZ4 = 6, BL_HIER_LZ4DUO = 7, BL_VCDATA_DYN_ALIAS2 = 8,
    BL_SKIP = 255,
    HDR_LEN = 329,           /* the header block's length field */
};

/* The file, on disk or in memory. */
typedef struct {
    FILE *fp;
    const unsigned char *mem;
    uint64_t size;
} fc_source;

static int fc_get(const fc_source *s, uint64_t off, void *buf, size_t n)
{
    if (off > s->size || s->size - off < n)
        return -1;
    if (s->mem) {
        memcpy(buf, s->mem + off, n);
        return 0;
    }
    if (fseeko(s->fp, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, n, s->fp) != n)
        return -1;
    return 0;
}

static uint64_t fc_be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* An unsigned LEB128 varint of at most 10 bytes from b[0..n); its length, or 0. */
static int fc_varint(const unsigned char *b, size_t n, uint64_t *v)
{
    *v = 0;
    for (size_t i = 0; i < n && i < 10; i++) {
        *v |= (uint64_t)(b[i] & 0x7f) << (7 * i);
        if (!(b[i] & 0x80))
            return (int)i + 1;
    }
    return 0;
}

/* The most that c compressed bytes can expand to (zlib at most 1032:1). */
static uint64_t fc_zmax(uint64_t c)
{
    return c > UINT64_MAX / 2048 ? UINT64_MAX : 1032 * c + 64;
}

static uint64_t fc_lz4max(uint64_t c)
{
    return c > UINT64_MAX / 512 ? UINT64_MAX : 255 * c + 64;
}

static const char *fc_block_name(int t)
{
    switch (t) {
    case BL_HDR: return "header";
    case BL_VCDATA: case BL_VCDATA_DYN_ALIAS: case BL_VCDATA_DYN_ALIAS2: return "value changes";
    case BL_BLACKOUT: return "blackout";
    case BL_GEOM: return "geometry";
    case BL_HIER: case BL_HIER_LZ4: case BL_HIER_LZ4DUO: return "hierarchy";
    default: return "unknown";
    }
}

#define CORRUPT(...) (wave_error(d, __VA_ARGS__), -1)

static void fc_need(uint64_t *max, uint64_t v)
{
    if (v > *max)
        *max = v;
}

static int fc_check(wave_dump *d, const char *name, const fc_source *s, fst_needs *n)
{
    uint64_t pos = 0, maxhandle = 0, var_count = 0, hier_uclen = 0;
    long nb = 0, nhier = 0, hdr_complete = 0;
    unsigned char b[HDR_LEN + 1];
    memset(n, 0, sizeof *n);
    n->size = s->size;
    while (pos < s->size) {
        uint64_t len, left = s->size - pos, at = pos + 9, body;
        int t;
        if (left < 9)
            return CORRUPT("%s: truncated FST file: block %ld at byte %llu has %llu of its 9 "
                           "header bytes", name, nb, (unsigned long long)pos,
                           (unsigned long long)left);
        if (fc_get(s, pos, b, 9))
            return CORRUPT("%s: read error at byte %llu", name, (unsigned long long)pos);
        t = b[0];
        len = fc_be64(b + 1);
        if (t == BL_SKIP)
            return CORRUPT("%s: truncated FST file: block %ld at byte %llu was never finished "
                           "(the writer did not close the file)", name, nb,
                           (unsigned long long)pos);
        if (t > BL_VCDATA_DYN_ALIAS2)
            return CORRUPT("%s: corrupt FST file: block %ld at byte %llu has unknown type %d",
                           name, nb, (unsigned long long)pos, t);
        if (len < 8)
            return CORRUPT("%s: corrupt FST file: %s block %ld at byte %llu has length %llu "
                           "(at least 8)", name, fc_block_name(t), nb, (unsigned long long)pos,
                           (unsigned long long)len);
        if (len > left - 1)
            return CORRUPT("%s: truncated FST file: %s block %ld at byte %llu needs %llu bytes, "
                           "the file ends %llu bytes after it starts", name, fc_block_name(t), nb,
                           (unsigned long long)pos, (unsigned long long)len + 1,
                           (unsigned long long)left);
        if ((nb == 0) != (t == BL_HDR))
            return CORRUPT("%s: corrupt FST file: block %ld at byte %llu is a %s block; the "
                           "header must come first and only once", name, nb,
                           (unsigned long long)pos, fc_block_name(t));
        body = len - 8;   /* data bytes after the length field */
        switch (t) {
        case BL_HDR: {
            uint64_t start, end;
            if (len != HDR_LEN)
                return CORRUPT("%s: corrupt FST file: header length %llu (329 expected)", name,
                               (unsigned long long)len);
            if (fc_get(s, at, b, HDR_LEN - 8))
                return CORRUPT("%s: read error in the header", name);
            start = fc_be64(b);
            end = fc_be64(b + 8);
            var_count = fc_be64(b + 40);
            maxhandle = fc_be64(b + 48);
            hdr_complete = start != 0 || end != 0;
            if (hdr_complete && start > end)
                return CORRUPT("%s: corrupt FST file: start time %llu after end time %llu",
                               name, (unsigned long long)start, (unsigned long long)end);
            if (var_count < maxhandle)
                return CORRUPT("%s: corrupt FST file: %llu variables but %llu handles", name,
                               (unsigned long long)var_count, (unsigned long long)maxhandle);
            break;
        }
        case BL_VCDATA: case BL_VCDATA_DYN_ALIAS: case BL_VCDATA_DYN_ALIAS2: {
            /* begin time, end time, memory for traversal; at the end the time table's
             * uncompressed and compressed lengths and item count; after the first 32
             * bytes the frame's varints: uncompressed, compressed length, handles. */
            uint64_t beg, end, mem, tu, tc, ti, fu, fc, fh;
            int k1, k2, k3;
            if (body < 24 + 24 + 3)
                return CORRUPT("%s: corrupt FST file: %s block %ld at byte %llu is %llu bytes "
                               "long, too short for its fields", name, fc_block_name(t), nb,
                               (unsigned long long)pos, (unsigned long long)len);
            if (fc_get(s, at, b, 24 + 30 < body ? 24 + 30 : body))
                return CORRUPT("%s: read error at byte %llu", name, (unsigned long long)at);
            beg = fc_be64(b);
            end = fc_be64(b + 8);
            mem = fc_be64(b + 16);
            if (!(k1 = fc_varint(b + 24, 30, &fu)) || !(k2 = fc_varint(b + 24 + k1, 30 - k1, &fc)) ||
                !(k3 = fc_varint(b + 24 + k1 + k2, 30 - k1 - k2, &fh)))
                return CORRUPT("%s: corrupt FST file: %s block %ld at byte %llu: bad frame "
                               "lengths", name, fc_block_name(t), nb, (unsigned long long)pos);
            if (fc_get(s, pos + 1 + len - 24, b + 64, 24))
                return CORRUPT("%s: read error at byte %llu", name, (unsigned long long)pos);
            tu = fc_be64(b + 64);
            tc = fc_be64(b + 72);
            ti = fc_be64(b + 80);
            if (beg > end || mem > fc_zmax(body) || fc > body || (fu != fc && fu > fc_zmax(fc)) ||
                fh > maxhandle || tc > body - 24 || (tu != tc && tu > fc_zmax(tc)) || ti > tu ||
                ti == 0)
                return CORRUPT("%s: corrupt FST file: %s block %ld at byte %llu (%llu bytes): "
                               "times %llu..%llu, traversal memory %llu, frame %llu/%llu bytes "
                               "for %llu handles (of %llu), time table %llu/%llu bytes for %llu "
                               "times do not fit", name, fc_block_name(t), nb,
                               (unsigned long long)pos, (unsigned long long)len,
                               (unsigned long long)beg, (unsigned long long)end,
                               (unsigned long long)mem, (unsigned long long)fu,
                               (unsigned long long)fc, (unsigned long long)fh,
                               (unsigned long long)maxhandle, (unsigned long long)tu,
                               (unsigned long long)tc, (unsigned long long)ti);
            fc_need(&n->max_alloc, mem);
            fc_need(&n->max_alloc, fu);
            fc_need(&n->max_alloc, tu);
            fc_need(&n->max_alloc, ti * 12);
            break;
        }
        case BL_BLACKOUT: {
            uint64_t cnt;
            size_t m = body < 10 ? (size_t)body : 10;
            if (fc_get(s, at, b, m) || !fc_varint(b, m, &cnt) || cnt > body)
                return CORRUPT("%s: corrupt FST file: blackout block %ld at byte %llu: bad count",
                               name, nb, (unsigned long long)pos);
            fc_need(&n->max_alloc, cnt * 9);
            break;
        }
        case BL_GEOM: {
            uint64_t uc, mh;
            if (body < 16 || fc_get(s, at, b, 16))
                return CORRUPT("%s: corrupt FST file: geometry block %ld at byte %llu is too "
                               "short", name, nb, (unsigned long long)pos);
            uc = fc_be64(b);
            mh = fc_be64(b + 8);
            if ((uc != body - 16 && uc > fc_zmax(body - 16)) || mh > uc ||
                (hdr_complete && mh != maxhandle))
                return CORRUPT("%s: corrupt FST file: geometry block %ld at byte %llu: %llu "
                               "bytes from %llu for %llu handles (the header has %llu)", name,
                               nb, (unsigned long long)pos, (unsigned long long)uc,
                               (unsigned long long)(body - 16), (unsigned long long)mh,
                               (unsigned long long)maxhandle);
            fc_need(&n->max_alloc, uc);
            fc_need(&n->max_alloc, mh * 8);
            break;
        }
        default: { /* the hierarchy: its uncompressed length first */
            uint64_t uc, once = 0, c = body - 8;
            size_t m = t == BL_HIER_LZ4DUO ? 16 : 8;
            if (body < m + 1 || fc_get(s, at, b, m))
                return CORRUPT("%s: corrupt FST file: hierarchy block %ld at byte %llu is too "
                               "short", name, nb, (unsigned long long)pos);
            uc = fc_be64(b);
            if (t == BL_HIER_LZ4DUO) {
                once = fc_be64(b + 8);
                c = body - 16;
            }
            if (++nhier > 1)
                return CORRUPT("%s: corrupt FST file: a second hierarchy block (%ld at byte %llu)",
                               name, nb, (unsigned long long)pos);
            if ((t == BL_HIER && uc > fc_zmax(c)) || (t == BL_HIER_LZ4 && uc > fc_lz4max(c)) ||
                (t == BL_HIER_LZ4DUO && (once > fc_lz4max(c) || uc > fc_lz4max(once))))
                return CORRUPT("%s: corrupt FST file: the hierarchy claims %llu bytes from %llu "
                               "compressed", name, (unsigned long long)uc, (unsigned long long)c);
            hier_uclen = uc;
            fc_need(&n->max_alloc, once);
            break;
        }
        }
        pos += 1 + len;
        nb++;
    }
    if (nb == 0)
        return CORRUPT("%s: truncated FST file: empty", name);
    if (nhier == 0)
        return CORRUPT("%s: truncated FST file: no hierarchy block after %ld blocks (it is "
                       "written last, when the dump is closed)", name, nb);
    /* Every variable is at least a few bytes of hierarchy. */
    if (var_count > hier_uclen)
        return CORRUPT("%s: corrupt FST file: %llu variables in a hierarchy of %llu bytes", name,
                       (unsigned long long)var_count, (unsigned long long)hier_uclen);
    n->max_write = hier_uclen;
    fc_need(&n->max_alloc, hier_uclen);
    fc_need(&n->max_alloc, maxhandle * 16);
    return 0;
}

int fst_check_mem(wave_dump *d, const char *name, const unsigned char *b, uint64_t size,
                  fst_needs *n)
{
    fc_source s = {NULL, b, size};
    return fc_check(d, name, &s, n);
}

int fst_check(wave_dump *d, const char *path, fst_needs *n)
{
    struct stat st;
    fc_source s = {NULL, NULL, 0};
    int rc;
    if (!(s.fp = fopen(path, "rb")))
        return wave_error(d, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(s.fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(s.fp);
        return wave_error(d, "%s: not a regular file", path);
    }
    s.size = (uint64_t)st.st_size;
    rc = fc_check(d, path, &s, n);
    fclose(s.fp);
    return rc;
}
