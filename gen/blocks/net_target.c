/* `logq gen net --target` (net_target.h, docs/net.md "Targets"). The parts are those
 * scripts/synth.sh places on; their block RAM shapes are the read-port
 * configurations Yosys 0.23 maps a ROM to (iCE40 SB_RAM40_4K: 256x16 .. 2048x2;
 * ECP5 DP16KD: 512x36 .. 16384x1, the 36-bit one in its pseudo-dual-port mode). */
#include <string.h>

#include "blocks/net_target.h"

static const net_target targets[] = {
    {"none", "no part (iCE40 block shapes for --rom auto; nothing checked)", 0, 0, 4096, 4,
     {256, 512, 1024, 2048}, {16, 8, 4, 2}, 0, "EBR", "DSP", NULL, NULL, NULL, NULL, NULL, NULL},
    {"ice40-up5k", "Lattice iCE40 UP5K, SG48", 5280, 30, 4096, 4, {256, 512, 1024, 2048},
     {16, 8, 4, 2}, 8, "EBR (SB_RAM40_4K)", "DSP (SB_MAC16)", "synth_ice40 -dsp", "synth_ice40",
     "ice40-dsp", "ice40",
     "nextpnr-ice40 --up5k --package sg48 --json NAME.json --pcf NAME.pcf --asc NAME.asc", "up5k"},
    {"ice40-hx8k", "Lattice iCE40 HX8K, CT256", 7680, 32, 4096, 4, {256, 512, 1024, 2048},
     {16, 8, 4, 2}, 0, "EBR (SB_RAM40_4K)", "DSP", "synth_ice40", "synth_ice40", "ice40", "ice40",
     "nextpnr-ice40 --hx8k --package ct256 --json NAME.json --pcf NAME.pcf --asc NAME.asc", "hx8k"},
    {"ecp5-25k", "Lattice ECP5 LFE5U-25F, CABGA256, speed 6", 24288, 56, 18432, 6,
     {512, 1024, 2048, 4096, 8192, 16384}, {36, 18, 9, 4, 2, 1}, 28, "DP16KD",
     "DSP (MULT18X18D)", "synth_ecp5", "synth_ecp5 -nodsp", "ecp5", "ecp5-nodsp",
     "nextpnr-ecp5 --25k --package CABGA256 --speed 6 --json NAME.json --lpf NAME.lpf "
     "--textcfg NAME.config", "ecp5-25k"},
};
enum { NTARGETS = sizeof targets / sizeof targets[0] };

const net_target *net_target_find(const char *name)
{
    for (int i = 0; i < NTARGETS; i++)
        if (strcmp(name, targets[i].name) == 0)
            return &targets[i];
    return NULL;
}

const char *net_target_names(void)
{
    return "ice40-up5k, ice40-hx8k, ecp5-25k or none";
}

long net_target_blocks(const net_target *t, long depth, long width)
{
    long best = -1;
    for (int i = 0; i < t->nshapes; i++) {
        long n = ((depth + t->depth[i] - 1) / t->depth[i]) * ((width + t->width[i] - 1) / t->width[i]);
        if (best < 0 || n < best)
            best = n;
    }
    return best;
}

/* "NAME" in a command template replaced by the design's name */
static void put_cmd(lq_file *f, const char *tmpl, const char *name)
{
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "NAME", 4) == 0) {
            file_puts(f, name);
            p += 4;
        } else {
            file_printf(f, "%c", *p++);
        }
    }
}

void net_target_notes(lq_file *f, const net_target *t, const net_target_use *u, const char *name,
                      const char *const *files, int nfiles)
{
    long used = 0;
    file_printf(f, "\ntarget: %s (%s)\n", t->name, t->part);
    for (int k = 0; k < u->nlayers; k++) {
        file_printf(f, "  layer %d weight ROM: %ld x %ld bits, ", k + 1, u->rom_depth[k],
                    u->rom_width[k]);
        if (u->rom_blocks[k] > 0)
            file_printf(f, "block RAM (%ld %s)\n", u->rom_blocks[k], t->bram_name);
        else
            file_puts(f, "logic (LUTs)\n");
        used += u->rom_blocks[k];
    }
    if (!t->synth_dsp) {
        file_puts(f, "  no synthesis command: give --target for one\n");
        return;
    }
    file_printf(f, "  block RAM: %ld of the part's %d %s\n", used, t->bram, t->bram_name);
    if (u->mults == 0)
        file_puts(f, "  multipliers: none (shift-add arithmetic)\n");
    else if (u->use_dsp)
        file_printf(f, "  multipliers: %d, in %d of the part's %d %s\n", u->mults, u->mults, t->dsp,
                    t->dsp_name);
    else if (t->dsp == 0)
        file_printf(f, "  multipliers: %d, in logic (the part has no DSP blocks)\n", u->mults);
    else
        file_printf(f, "  multipliers: %d, in logic: more than the part's %d %s\n", u->mults, t->dsp,
                    t->dsp_name);
    file_printf(f, "  logic cells: known only after synthesis (the part has %d); gen net checks "
                   "block RAM only\n", t->luts);
    file_printf(f, "synthesis (Yosys 0.23, in this directory):\n  yosys -p 'read_verilog");
    for (int i = 0; i < nfiles; i++)
        file_printf(f, " %s", files[i]);
    file_printf(f, "; %s -top %s -json %s.json'\n", u->use_dsp ? t->synth_dsp : t->synth_nodsp, name,
                name);
    file_puts(f, "place and route (NAME.pcf/.lpf: your pins; logq's numbers come from\n"
                 "scripts/synth.sh, which places the design inside a register wrapper):\n  ");
    put_cmd(f, t->pnr, name);
    file_printf(f, "\n  scripts/synth.sh --families %s --devices %s:%s DIR %s\n",
                u->use_dsp ? t->family_dsp : t->family_nodsp,
                t->device,
                u->use_dsp ? t->family_dsp : t->family_nodsp, name);
}
