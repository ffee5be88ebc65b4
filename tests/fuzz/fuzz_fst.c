/* libFuzzer target of the FST path of `logq wavediff`: the checks of gen/wave/fstcheck.c
 * and the reader of gen/wave/fstread.c (Verilator's fstapi in a limited child
 * process, a private temporary directory). Each input is written to a file and read
 * with wave_read_file, as logq reads it. Any input must be read or refused with a
 * message naming the file, never crash, hang or leak the parent, and leave no file in
 * the temporary directory; a dump that reads must agree with itself. The corpus
 * starts from real dumps (mk/waves.mk). The Makefile links fstapi (built by
 * mk/waves.mk); the gen/ sources are included here. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>
#include <sys/types.h>

/* The reader's child is a fork of this process, libFuzzer's handlers included: a
 * sanitizer report in the child (the reader trusts its input) would be written as
 * this target's crash although the parent, which is what is tested, goes on. The
 * child drops the death callback and exits without libFuzzer's exit handler; its end is
 * the parent's refusal. */
static int in_child;
static pid_t fuzz_fork(void)
{
    pid_t p = fork();
    if (p == 0) {
        in_child = 1;
        __sanitizer_set_death_callback(NULL);
    }
    return p;
}

/* fstapi exits (exit(255)) on data it cannot uncompress; libFuzzer's exit handler would
 * take that for the target's crash. The link wraps exit (mk/waves.mk): in the child it
 * ends the process at once, as the reader's end that it is. */
void __real_exit(int code) __attribute__((noreturn));
void __wrap_exit(int code) __attribute__((noreturn));
void __wrap_exit(int code)
{
    if (in_child)
        _exit(code);
    __real_exit(code);
}
#define fork fuzz_fork
#include "../../gen/wave/fstcheck.c"
#include "../../gen/wave/fstread.c"
#undef fork
#include "../../gen/wave/read.c"
#include "../../gen/wave/vcd.c"
#include "../../gen/wave/wave.c"
#include "../../gen/wave/wavediff.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);
const char *__asan_default_options(void);

const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

/* The forked reader may ask for more than its address-space limit: a NULL from
 * malloc there, not an allocator report (the child's crash is the parent's error). */
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static char dir[64], input[96];

/* Entries of dir other than the input file. */
static int leftovers(void)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!dp)
        abort();
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "in.fst"))
            n++;
    closedir(dp);
    return n;
}

static void remove_dir(void)
{
    unlink(input);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wave_dump d;
    wave_diff_opts o = {0};
    wave_diff_result r;
    FILE *fp;
    if (!dir[0]) {
        /* One private directory for the run: the input and, through TMPDIR, every
         * temporary of the reader. */
        snprintf(dir, sizeof dir, "/tmp/logq-fuzz-fst.XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(input, sizeof input, "%s/in.fst", dir);
        setenv("TMPDIR", dir, 1);
        atexit(remove_dir);
    }
    /* Only inputs that reach the FST path (the VCD path is fuzz_wavediff's): the
     * header block's type and length, as read.c tells the formats apart. */
    static const unsigned char magic[9] = {0, 0, 0, 0, 0, 0, 0, 0x01, 0x49};
    if (size < 9 || memcmp(data, magic, 9) != 0)
        return 0;
    if (!(fp = fopen(input, "wb")) || fwrite(data, 1, size, fp) != size || fclose(fp))
        abort();
    wave_init(&d, input, "FST");
    if (wave_read_file(&d, input) != 0) {
        if (!d.err[0] || !strstr(d.err, input))
            abort();   /* a refusal must name the file */
    } else {
        o.max_print = 5;
        o.time_exp = -15;
        if (wave_diff(&d, &d, &o, &r, NULL) == 1)
            abort();   /* a dump differs from itself */
        wave_diff_result_free(&r);
    }
    wave_free(&d);
    if (leftovers())
        abort();   /* the reader's temporaries outlived the read */
    return 0;
}
