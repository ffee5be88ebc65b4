/* logq: generator of log-quantized arithmetic hardware, and its reference model's
 * command line. main() records the command line and dispatches a subcommand. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const struct {
    const char *name;
    int (*run)(const lq_cmd *);
    const char *summary;
} commands[] = {
    {"quant", cmd_quant, "quantize numbers and print codes, values and errors"},
    {"study", cmd_study, "error study of every scheme on Gaussian and Laplacian data"},
    {"train", cmd_train, "train a network (digits or your own data) in float, write its weights"},
    {"eval", cmd_eval, "its accuracy, quantized, through the MAC model"},
    {"import", cmd_import, "a network from NumPy files (.npy and a manifest, or .npz)"},
    {"export", cmd_export, "a network's quantized weights as $readmemh files per MAC lane"},
    {"gen", cmd_gen, "generate Verilog and companion files for a block"},
    {"wavediff", cmd_wavediff, "compare two waveform dumps (VCD or FST) signal by signal"},
    {"logacc-study", cmd_logacc_study, "error of the log-domain accumulator variants"},
    {"slq", cmd_slq, "SLQ weight streams for the hardware: encode, decode"},
    {"vectors", cmd_vectors, "stimulus, expected outputs and a self-checking bench for a block"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *fp)
{
    fprintf(fp, "usage: logq COMMAND [options]\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'logq COMMAND --help' documents each command's options.\n"
                "'logq --version' prints the version.\n");
}

/* The command line as one string, arguments single-quoted where the shell needs it. */
static char *join_cmdline(int argc, char **argv)
{
    size_t n = 8;
    char *s, *p;
    for (int i = 0; i < argc; i++)
        n += 4 * strlen(argv[i]) + 3;
    s = p = malloc(n);
    if (!s)
        return NULL;
    p += sprintf(p, "logq");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int plain = *a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789-_=+./:,@%") == strlen(a);
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'')
                p += sprintf(p, "'\\''");
            else
                *p++ = *a;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

int main(int argc, char **argv)
{
    lq_cmd c;
    char *cmdline;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return LQ_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return LQ_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("logq %s\n", LOGQ_VERSION);
        return LQ_EXIT_OK;
    }
    for (int i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        cmdline = join_cmdline(argc, argv);
        if (!cmdline) {
            cli_error("out of memory");
            return LQ_EXIT_FAIL;
        }
        c.argc = argc - 1;
        c.argv = argv + 1;
        c.cmdline = cmdline;
        rc = commands[i].run(&c);
        free(cmdline);
        return rc;
    }
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return LQ_EXIT_USAGE;
}
