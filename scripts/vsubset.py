#!/usr/bin/env python3
"""Check generated Verilog against the subset that Vivado and Quartus synthesize.

    scripts/vsubset.py [--table] FILE.v...

docs/fpga.md ("Verilog subset for vendor tools") defines the subset; in short:
`initial` only as a parameter check (an `if` over parameters, or a generate branch
that exists only when they are wrong, with nothing but $display and $finish) or as a
ROM initialization (constant assignments MEM[const] = const to a declared memory, or
$readmemh/$readmemb); $display and $finish only in parameter checks; no other system
task; no delays (#) outside `timescale; no simulation-only statements (force,
release, fork, wait, event, deassign, specify, defparam) and no real/time types.

For each file, prints the constructs it uses (one line per file, or a Markdown table
row with --table) and each violation as FILE:LINE: message. Exit status: 0 when every
file is inside the subset, 1 when one is not, 2 on bad usage or an unreadable file.
"""
import re
import sys

# System functions allowed anywhere (elaboration-time or pure expressions).
PURE_SYSFUNCS = {"$signed", "$unsigned", "$clog2"}
CHECK_TASKS = {"$display", "$finish"}
ROM_TASKS = {"$readmemh", "$readmemb"}
SIM_ONLY = {"force", "release", "fork", "join", "wait", "event", "deassign",
            "specify", "endspecify", "defparam", "real", "realtime", "time",
            "forever", "disable", "primitive", "table"}

TOKEN = re.compile(r"""
    (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<num>\d*'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ_?]+|\d[\d_]*(?:\.\d+)?)
  | (?P<sys>\$[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<dir>`[A-Za-z_][A-Za-z0-9_]*)
  | (?P<id>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op><=|>=|==|!=|===|!==|&&|\|\||<<<|>>>|<<|>>|\S)
""", re.X)


def tokens(text):
    """(kind, value, line) for every token, comments removed."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        line = re.sub(r"//.*", "", line)
        if line.lstrip().startswith("`timescale"):
            out.append(("dir", "`timescale", n))
            continue
        for m in TOKEN.finditer(line):
            out.append((m.lastgroup, m.group(m.lastgroup), n))
    return out


def statement_end(toks, i):
    """Index just past the statement that starts at toks[i] (begin..end or up to ;)."""
    if toks[i][1] == "begin":
        depth = 0
        for j in range(i, len(toks)):
            if toks[j][1] in ("begin", "case", "casez", "casex"):
                depth += 1
            elif toks[j][1] in ("end", "endcase"):
                depth -= 1
                if depth == 0:
                    return j + 1
        return len(toks)
    if toks[i][1] == "if":
        # if ( cond ) stmt [else stmt]
        j, depth = i + 1, 0
        while j < len(toks):
            if toks[j][1] == "(":
                depth += 1
            elif toks[j][1] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        j = statement_end(toks, j + 1)
        if j < len(toks) and toks[j][1] == "else":
            j = statement_end(toks, j + 1)
        return j
    for j in range(i, len(toks)):
        if toks[j][1] == ";":
            return j + 1
    return len(toks)


def classify_initial(body, memories, in_bad_branch):
    """'check', 'rom' or None (outside the subset) for the tokens of one initial body."""
    words = [v for k, v in body if k in ("id", "sys")]
    systasks = {v for k, v in body if k == "sys"}
    if "$finish" in systasks and systasks <= CHECK_TASKS | PURE_SYSFUNCS:
        assigns = [v for k, v in body if k == "op" and v in ("=", "<=")]
        # The check either is the body of a branch that exists only for wrong
        # parameters, or tests them itself: an if, and no assignment.
        if not assigns and (in_bad_branch or "if" in words):
            return "check"
    if systasks <= ROM_TASKS | PURE_SYSFUNCS:
        # begin? (MEM [ const ] = const ;)* end?  or $readmemh("file", MEM);
        vals = [v for _, v in body if v not in ("begin", "end")]
        if systasks & ROM_TASKS:
            return "rom" if any(v in memories for v in vals) else None
        k = 0
        while k < len(vals):
            if not (k + 7 <= len(vals) and vals[k] in memories and vals[k + 1] == "["
                    and re.match(r"^\d", vals[k + 2] or "") and vals[k + 3] == "]"
                    and vals[k + 4] == "=" and re.match(r"^\d", vals[k + 5] or "")
                    and vals[k + 6] == ";"):
                return None
            k += 7
        return "rom" if vals else None
    return None


def check(path):
    """(constructs used, violations) of one file."""
    with open(path, encoding="utf-8") as f:
        toks = tokens(f.read())
    used, bad = {}, []

    def use(what):
        used[what] = used.get(what, 0) + 1

    # Memories: reg [..] NAME [..] declarations.
    memories = set()
    for i, (k, v, _) in enumerate(toks):
        if v == "reg":
            j = i + 1
            if j < len(toks) and toks[j][1] == "signed":
                j += 1
            if j < len(toks) and toks[j][1] == "[":
                while j < len(toks) and toks[j][1] != "]":
                    j += 1
                j += 1
            if j + 1 < len(toks) and toks[j][0] == "id" and toks[j + 1][1] == "[":
                memories.add(toks[j][1])

    # Generate branches named g_bad_parameters exist only for wrong parameters.
    i, in_check = 0, set()
    for i, (k, v, _) in enumerate(toks):
        if v == ":" and i + 1 < len(toks) and toks[i + 1][1] == "g_bad_parameters":
            start = i - 1
            end = statement_end(toks, start) if toks[start][1] == "begin" else i
            in_check.update(range(start, end))

    i = 0
    while i < len(toks):
        k, v, line = toks[i]
        if v == "initial":
            end = statement_end(toks, i + 1)
            body = [(kk, vv) for kk, vv, _ in toks[i + 1:end]]
            kind = classify_initial(body, memories, i in in_check)
            if kind == "check":
                use("initial: parameter check ($display, $finish)")
            elif kind == "rom":
                use("initial: ROM contents")
            else:
                bad.append((line, "initial block that is neither a parameter check nor a ROM "
                                  "initialization (e.g. a register's power-up value)"))
            i = end
            continue
        if k == "sys":
            if v in PURE_SYSFUNCS:
                use(v)
            else:
                bad.append((line, f"{v} outside a parameter check or ROM initialization"))
        elif k == "op" and v == "#":
            # NAME #( ... ): a module's parameter list, or an instance's overrides
            prev = toks[i - 1] if i else ("", "", 0)
            if (prev[0] == "id" and prev[1] not in ("assign", "begin", "else", "end")
                    and i + 1 < len(toks) and toks[i + 1][1] == "("):
                use("#(parameter list)")
            else:
                bad.append((line, "delay (#): simulation only"))
        elif k == "id" and v in SIM_ONLY:
            bad.append((line, f"'{v}': simulation only"))
        elif k == "id" and v in ("generate", "function", "task", "localparam", "parameter"):
            use(v)
        elif k == "id" and v == "always":
            nxt = " ".join(t[1] for t in toks[i + 1:i + 5])
            if nxt.startswith("@ ( posedge"):
                use("always @(posedge clk)")
            elif nxt.startswith("@ *") or nxt.startswith("@ ( *"):
                use("always @*")
            else:
                bad.append((line, "always block that is neither clocked nor @*"))
        elif k == "dir" and v not in ("`timescale", "`default_nettype", "`resetall"):
            bad.append((line, f"compiler directive {v}"))
        i += 1
    return used, bad


def main(argv):
    table = False
    if argv and argv[0] == "--table":
        table, argv = True, argv[1:]
    if not argv or any(a.startswith("-") for a in argv):
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    rc = 0
    for path in argv:
        try:
            used, bad = check(path)
        except OSError as e:
            print(f"vsubset: {path}: {e.strerror}", file=sys.stderr)
            return 2
        desc = ", ".join(f"{u}" + (f" x{n}" if n > 1 and u.startswith("initial") else "")
                         for u, n in sorted(used.items()))
        if table:
            print(f"| `{path.split('/')[-1]}` | {desc or '-'} | {'ok' if not bad else 'OUTSIDE'} |")
        else:
            print(f"{path}: {'ok' if not bad else 'OUTSIDE the subset'}: {desc or '-'}")
        for line, msg in bad:
            print(f"{path}:{line}: {msg}")
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
