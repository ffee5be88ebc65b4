/* `logq vectors BLOCK [generator options] --count N --seed S -o DIR`: stimulus and
 * the C model's expected outputs as hex files for the self-checking bench of
 * gen/emit/tb_icarus.c (docs/xsim.md), and the bench itself (NAME_tb.v).
 *
 * Files in DIR: in.hex (one packed input beat a line, `last` in the top bit),
 * gap.hex (idle cycles before each beat), rdy.hex (m_ready, cycle c uses line
 * c mod NRDY), out.hex (the expected output items), count.hex (beats, outputs),
 * vectors.vh (the same counts, widths, seed and the command line, for the bench)
 * and NAME_tb.v. Every file starts with the generator version and the command line;
 * the same options give byte-identical files. Each block's stimulus is in its own
 * file (gen/blocks/); the files around it are gen/emit/vectors.c's. */
#include "commands.h"
#include "blocks/block.h"
#include "blocks/blocks.h"

static void usage(FILE *fp)
{
    const blk_entry *e;
    fprintf(fp,
            "usage: logq vectors BLOCK [generator options] [--count N] [--seed S] -o DIR\n"
            "\n"
            "Writes seeded stimulus, random stalls and the C model's expected outputs as hex\n"
            "files, and the self-checking Verilog-2005 bench NAME_tb.v that reads them\n"
            "(docs/xsim.md). The generator options are those of `logq gen BLOCK` and must be\n"
            "the same as for the RTL. Blocks:\n");
    for (int i = 0; (e = blk_entry_at(i)); i++)
        fprintf(fp, "  %-13s %s\n", e->name, e->summary);
    fprintf(fp,
            "\n"
            "  --count N         vectors (frames for slqdec), 1-1000000 (default 200)\n"
            "  --seed S          random seed (default 1)\n"
            "  --stall PCT       %% of cycles with s_valid or m_ready low, 0-90 (default 30)\n"
            "                    (other blocks: 0 = full rate, otherwise stalls in phases\n"
            "                    of 128 beats/cycles as in their Verilator benches)\n"
            "  --exhaustive      mac: every (a, w) pair, one beat per vector (one lane, at most\n"
            "                    20 input bits); --count is ignored\n"
            "  --wrong-model     test only: expected outputs from a deliberately wrong model\n"
            "                    (other blocks: every fifth output item off in its lowest bit)\n"
            "  -o, --out DIR     output directory (required)\n"
            "  -h, --help        this help ('logq vectors BLOCK --help': the block's options)\n"
            "\n"
            "Exit status: 0 success, 1 cannot write, 2 bad option (no file is written).\n");
}

int cmd_vectors(const lq_cmd *c)
{
    return blk_dispatch(c, "vectors", usage, blk_vectors);
}
