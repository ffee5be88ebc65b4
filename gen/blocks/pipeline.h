/* --pipeline of the blocks built around an adder tree (mac, logacc): where the
 * register stages go. One parser, so every block reads and refuses it alike. */
#ifndef LOGQ_PIPELINE_H
#define LOGQ_PIPELINE_H

/* spec: a comma list of
 *   none      no register (alone only)
 *   FIRST     after level 0 (the products or the decoded inputs: "product", "input")
 *   tree:k    after every k adder-tree levels, 1 <= k <= levels
 *   sum       after the last tree level
 *   full      after every level (= FIRST,tree:1)
 * reg[0..levels] is set to 1 where a stage goes (reg has levels + 1 entries).
 * Returns the number of stages, or -1 with a message naming the value (an empty
 * spec or item, an unknown item, none with another item, and, when given (the user
 * wrote it, not a default), k above levels). lanes is named in the message about k. */
int pipeline_parse(const char *spec, const char *first, int levels, int lanes, int given,
                   int *reg);

/* The same with nextra items of the block's own (e.g. the MAC's "input", "carry"):
 * item extra[i] sets bit i of *flags and is not counted in the returned stages; the
 * messages list them among the items. */
int pipeline_parse_ext(const char *spec, const char *first, const char *const *extra,
                       int nextra, unsigned *flags, int levels, int lanes, int given, int *reg);

#endif
