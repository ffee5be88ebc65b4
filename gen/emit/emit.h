/* Output files of a generator: built in memory, then written all together, so a
 * failure never leaves a half-written directory. */
#ifndef LOGQ_EMIT_H
#define LOGQ_EMIT_H

#include <stddef.h>

#include "cli.h"

typedef struct {
    char *name;   /* file name inside the output directory */
    char *data;
    size_t len, cap;
    int failed;   /* out of memory while appending */
} lq_file;

enum { LQ_MAX_FILES = 32 };

typedef struct {
    lq_file files[LQ_MAX_FILES];
    int n;
} lq_fileset;

void fileset_init(lq_fileset *s);
void fileset_free(lq_fileset *s);
/* Append every file of src to dst (src is left empty): 0, or -1 when dst has no room
 * (then nothing moved). */
int fileset_move(lq_fileset *dst, lq_fileset *src);
/* A new empty file (NULL when the set is full or memory is out). */
lq_file *fileset_add(lq_fileset *s, const char *name);
void file_printf(lq_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void file_puts(lq_file *f, const char *s);
/* The header every generated file starts with: generator version and the full
 * command line, each line behind `comment` ("//", "#", ...). No date: the same
 * options give byte-identical files. */
void file_header(lq_file *f, const char *comment, const lq_cmd *c);
/* Create dir (and parents), write every file to a temporary name, then rename them
 * into place, all or nothing: on any failure the directory is as before (files
 * replaced are restored, directories created are removed). 0, or -1 with a message
 * naming the path. */
int fileset_commit(lq_fileset *s, const char *dir);

#endif
