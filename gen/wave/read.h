/* Reading waveform files into a wave_dump (wave.h): the format is told by the content
 * (read.c), VCD is parsed in memory (vcd.c), FST is checked (fstcheck.c) and then read
 * through Verilator's reader in a child process (fstread.c). */
#ifndef LOGQ_WAVE_READ_H
#define LOGQ_WAVE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "wave/wave.h"

/* Read a dump from a file, VCD or FST by its content. 0, or -1 with d->err set. */
int wave_read_file(wave_dump *d, const char *path);
/* Parse a VCD held in memory (vcd.c). 0, or -1 with d->err set. */
int vcd_parse(wave_dump *d, const char *buf, size_t len);
/* Read an FST file (fstread.c): fst_check first, then the reader. 0, or -1 with
 * d->err set. */
int fst_read(wave_dump *d, const char *path);

/* What a checked FST file may need from its reader (fstcheck.c). */
typedef struct {
    uint64_t size;       /* bytes of the file */
    uint64_t max_write;  /* the largest temporary file the reader writes (hierarchy) */
    uint64_t max_alloc;  /* the largest single buffer its blocks ask for */
} fst_needs;

/* Check an FST file's header and block table against its length before any reader
 * sees it: every block inside the file, known block types, one header of the right
 * size first, one hierarchy, and every size field within what the file's bytes can
 * expand to. 0 with *n filled, or -1 with d->err set ("truncated" when the file ends
 * inside a block or before its hierarchy, "corrupt" otherwise). */
int fst_check(wave_dump *d, const char *path, fst_needs *n);
/* The same on a file held in memory (what fst_check reads). */
int fst_check_mem(wave_dump *d, const char *name, const unsigned char *b, uint64_t size,
                  fst_needs *n);

#endif
