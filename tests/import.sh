#!/usr/bin/env bash
# Your own network and data (docs/import.md): `logq import` reads what NumPy wrote
# (.npy per tensor and a manifest, or .npz, stored or deflated; float32/float64, both
# byte orders, C and Fortran order, both weight layouts) into a weight file that is the
# original network exactly; bad files are refused naming the file, the member and the
# value, exit 2, nothing written. `logq train` and `logq eval` take inputs and labels
# of any feature and class count as .npy or CSV (a 100-input, 3-class network here),
# with the same results from both formats; mismatched data is refused clearly.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
DATA=$BUILD/data/digits.csv
case $DATA in /*) ;; *) DATA=$PWD/$DATA ;; esac
PY=${PYTHON:-/usr/bin/python3}
SEED=${SEED:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: ${PREFIX:-}$1"; }
bad() { echo "FAIL: ${PREFIX:-}$1"; }
cd "$tmp" || exit 1

if ! "$PY" -c 'import numpy' 2>/dev/null; then
    bad "numpy: $PY cannot import numpy (python3-numpy: make deps)"; exit 1
fi
if [ ! -f "$DATA" ]; then bad "data: $DATA missing (make data)"; exit 1; fi
"$LOGQ" train --data "$DATA" --epochs 5 -o w.txt >train.out 2>&1 || { bad "train"; cat train.out; exit 1; }
body() { grep -v '^#' "$1"; }

# The trained network as NumPy files in every accepted form.
"$PY" - <<'EOF' || { bad "python: writing the NumPy files"; exit 1; }
import numpy as np
lines = [l.split() for l in open('w.txt') if l.strip() and not l.startswith('#')]
assert lines[0] == ['logq-nn', '1']
n = int(lines[1][1]); p = 2; layers = []
for k in range(n):
    _, i, o, act = lines[p]; i, o = int(i), int(o); p += 1
    W = np.array([[float(v) for v in lines[p + j]] for j in range(o)]); p += o
    b = np.array([float(v) for v in lines[p]]); p += 1
    layers.append((W, b, act))
man = ['logq-import 1', '# kind in out activation weight bias layout']
for k, (W, b, act) in enumerate(layers):
    np.save(f'w{k+1}.npy', W)                       # PyTorch layout (out, in), float64
    np.save(f'b{k+1}.npy', b)
    np.save(f'k{k+1}.npy', np.asfortranarray(W.T.astype('>f8')))  # Keras layout, big-endian, Fortran
    np.save(f'f{k+1}.npy', W.astype(np.float32))    # float32
    np.save(f'bf{k+1}.npy', b.astype(np.float32))
    man.append(f'dense {W.shape[1]} {W.shape[0]} {act} w{k+1}.npy b{k+1}.npy out-in')
open('torch.txt', 'w').write('\n'.join(man) + '\n')
open('keras.txt', 'w').write('\n'.join(m.replace(' w', ' k').replace('out-in', 'in-out') for m in man) + '\n')
open('f32.txt', 'w').write('\n'.join(m.replace(' w', ' f').replace(' b', ' bf') for m in man) + '\n')
# the float32 network as logq would read it: every value rounded to float32
with open('w32.txt', 'w') as f:
    f.write(f'logq-nn 1\nlayers {n}\n')
    for W, b, act in layers:
        f.write(f'layer {W.shape[1]} {W.shape[0]} {act}\n')
        for row in W.astype(np.float32).astype(np.float64):
            f.write(' '.join('%.17g' % v for v in row) + '\n')
        f.write(' '.join('%.17g' % v for v in b.astype(np.float32).astype(np.float64)) + '\n')
    f.write('end\n')
d = {}
for k, (W, b, act) in enumerate(layers):
    d[f'w{k+1}'] = W; d[f'b{k+1}'] = b
np.savez('torch.npz', **d)
np.savez_compressed('torchz.npz', **d)
np.savez('keras.npz', **{k: (v.T if k[0] == 'w' else v) for k, v in d.items()})
np.savez('missing.npz', w1=d['w1'], b1=d['b1'], w2=d['w2'])          # b2 missing
# bad tensors
open('magic.npy', 'wb').write(b'\x93NUMPX' + open('w1.npy', 'rb').read()[6:])
np.save('half.npy', d['w1'].astype(np.float16))
np.save('int.npy', (d['w1'] * 100).astype(np.int32))
x = d['w1'].copy(); x[3, 7] = np.nan; np.save('nan.npy', x)
x = d['w1'].copy(); x[0, 2] = np.inf; np.save('inf.npy', x)
np.save('shape.npy', d['w1'][:, :63])
open('trunc.npy', 'wb').write(open('w1.npy', 'rb').read()[:-5])
np.save('bias3.npy', d['b1'][:31])
np.savez('other.npz', x=d['b1'])
EOF
ok "python3 + numpy wrote the network as .npy and .npz files"

same() { # NAME WEIGHTFILE REFERENCE
    if cmp -s <(body "$2") <(body "$3"); then ok "import $1: the weight file is the network, exactly"
    else bad "import $1: the weight file differs from the network"; diff <(body "$2") <(body "$3") | head -3; fi
}
imp() { # OUT ARGS...: import, report its failure
    local out=$1; shift
    "$LOGQ" import "$@" -o "$out" >imp.out 2>&1 || { bad "import $*"; cat imp.out; }
}
imp t.txt torch.txt; same "manifest, PyTorch layout (out, in), float64" t.txt w.txt
imp k.txt keras.txt; same "manifest, Keras layout (in, out), big-endian, Fortran order" k.txt w.txt
imp n.txt --npz torch.npz --layout out-in; same ".npz (np.savez), no manifest, --layout out-in" n.txt w.txt
imp z.txt --npz torchz.npz --layout out-in; same ".npz (np.savez_compressed, deflated)" z.txt w.txt
imp kn.txt --npz keras.npz --layout in-out; same ".npz, --layout in-out" kn.txt w.txt
sed 's/\.npy//g' torch.txt >npzman.txt
imp m.txt --npz torch.npz npzman.txt; same ".npz with a manifest naming its members" m.txt w.txt
imp f.txt f32.txt; same "float32 tensors (values rounded to float32)" f.txt w32.txt
if grep -q '^logq import: 2 layers: 64-32 relu, 32-10 linear (2410 parameters)$' imp.out &&
   head -2 f.txt | grep -q '^#   logq import f32.txt -o f.txt$'; then
    ok "import reports the layers and records its command line in the weight file"
else bad "import report"; cat imp.out; head -3 f.txt; fi

# Downstream unchanged: eval on the imported file is eval on the original.
"$LOGQ" eval --data "$DATA" --weights w.txt --quick >e0.out 2>&1
"$LOGQ" eval --data "$DATA" --weights k.txt --quick >e1.out 2>&1
if [ -s e0.out ] && cmp -s <(sed 1,3d e0.out) <(sed 1,3d e1.out); then
    ok "eval of the imported network prints the original's table ($(grep '^float test' e1.out))"
else bad "eval of the imported network differs"; diff e0.out e1.out | head -5; fi

# Bad files: exit 2, nothing written, the message names the file, member and value.
refused() { # NAME WORDS... -- IMPORT ARGS
    local name=$1 words=() rc okk=1
    shift
    while [ "$1" != -- ]; do words+=("$1"); shift; done
    shift
    "$LOGQ" import "$@" -o no.txt >r.out 2>r.err
    rc=$?
    [ $rc -eq 2 ] && [ ! -e no.txt ] && [ ! -s r.out ] || okk=0
    for w in "${words[@]}"; do grep -qF -- "$w" r.err || okk=0; done
    if [ $okk -eq 1 ]; then ok "import refused: $name ($(head -c 160 r.err))"
    else bad "import not refused as expected: $name (exit $rc)"; cat r.err; fi
}
bad1() { sed "3s/ w1.npy / $1 /" torch.txt >bad.txt; } # layer 1's weight replaced
bad1 magic.npy; refused "wrong magic" "magic.npy" "not a .npy file" -- bad.txt
bad1 half.npy; refused "float16" "half.npy" "dtype '<f2'" -- bad.txt
bad1 int.npy; refused "int32" "int.npy" "dtype '<i4'" -- bad.txt
bad1 nan.npy; refused "NaN" "nan.npy" "element [3, 7] is nan" -- bad.txt
bad1 inf.npy; refused "Inf" "inf.npy" "element [0, 2] is inf" -- bad.txt
bad1 shape.npy; refused "shape disagrees with the manifest" "shape.npy" "(32, 63)" "needs (32, 64)" "bad.txt:3" -- bad.txt
bad1 trunc.npy; refused "truncated" "trunc.npy" "truncated" -- bad.txt
bad1 gone.npy; refused "missing file" "gone.npy" -- bad.txt
sed '3s/ b1.npy / bias3.npy /' torch.txt >bad.txt; refused "bias shape" "bias3.npy" "(31,)" "needs (32,)" -- bad.txt
refused "zip member missing" "missing.npz" "member 'b2.npy' is missing" "w1.npy, b1.npy, w2.npy" -- --npz missing.npz --layout out-in
refused "not a zip" "w1.npy" "not a readable .npz" -- --npz w1.npy --layout out-in
refused "an archive without w1" "member 'w1.npy' is missing (the archive holds x.npy)" -- --npz other.npz --layout in-out
sed 's/ b1 / b9 /' npzman.txt >bad.txt; refused "manifest member missing" "member 'b9.npy' is missing" -- --npz torch.npz bad.txt
sed '3s/^dense/conv2d/' torch.txt >bad.txt; refused "unknown layer kind" "bad.txt:3" "'conv2d'" -- bad.txt
sed '3s/ relu / tanh /' torch.txt >bad.txt; refused "unknown activation" "'tanh'" -- bad.txt
sed '4s/ 32 10 / 31 10 /' torch.txt >bad.txt; refused "widths disagree" "layer 2 has 31 inputs but layer 1 has 32" -- bad.txt
sed '3s/ out-in$/ rows/' torch.txt >bad.txt; refused "unknown layout" "'rows'" -- bad.txt
sed '1s/1/2/' torch.txt >bad.txt; refused "bad magic line" "logq-import 1" -- bad.txt
sed '3s/ relu / softmax /' torch.txt >bad.txt; refused "softmax before the last layer" "softmax is only allowed on the last layer" -- bad.txt
sed '3s/ out-in$/ in-out/' torch.txt >bad.txt; refused "layout contradicts the shape" "(32, 64)" "needs (64, 32)" -- bad.txt
refused "--npz without --layout" "--layout" -- --npz torch.npz

# ---- your own data: 100 inputs, 3 classes, as .npy and as CSV ----
"$PY" - "$SEED" <<'EOF' || { bad "python: writing the data"; exit 1; }
import sys
import numpy as np
rng = np.random.default_rng(int(sys.argv[1]))
n, f, c = 600, 100, 3
centers = rng.normal(0, 1.0, (c, f))
y = rng.integers(0, c, n)
X = centers[y] + rng.normal(0, 2.5, (n, f))   # negative values too: signed inputs
np.save('X.npy', X); np.save('y.npy', y)
np.savetxt('X.csv', X, delimiter=',', fmt='%.17g'); np.savetxt('y.csv', y, fmt='%d')
np.save('Xtr.npy', X[:450].astype(np.float32)); np.save('ytr.npy', y[:450].astype(np.int32))
np.save('Xte.npy', X[450:].astype(np.float32)); np.save('yte.npy', y[450:].astype(np.uint8))
np.save('y2.npy', np.stack([y, y], 1))
yb = y.copy(); yb[10] = 7; np.save('ybig.npy', yb)
np.save('yfrac.npy', y + 0.5)
Xn = X.copy(); Xn[5, 9] = np.nan; np.save('Xnan.npy', Xn)
np.save('y599.npy', y[:599])
EOF
T=(--epochs 20 --hidden 16 --test 150)
if "$LOGQ" train --inputs X.npy --labels y.npy "${T[@]}" -o u.txt >u.out 2>&1 &&
   grep -q '^logq train: 100-16-3 ReLU MLP, 450 training and 150 test examples' u.out; then
    ok "train on your own data: $(sed -n 1p u.out | cut -d, -f1), $(grep '^test accuracy' u.out)"
else bad "train --inputs X.npy --labels y.npy"; cat u.out; fi
acc=$(sed -n 's/^test accuracy: \([0-9.]*\) %$/\1/p' u.out)
if [ -n "$acc" ] && awk -v a="$acc" 'BEGIN { exit !(a >= 80) }'; then
    ok "the 100-input network learns the 3 classes ($acc % >= 80 %, chance 33 %)"
else bad "100-input network accuracy '$acc' below 80 %"; fi
"$LOGQ" train --inputs X.csv --labels y.csv "${T[@]}" -o uc.txt >uc.out 2>&1
if cmp -s <(body u.txt) <(body uc.txt) && cmp -s <(sed 1d u.out | grep -v '^weights') <(sed 1d uc.out | grep -v '^weights'); then
    ok "train: CSV inputs and labels give the .npy run's weights and accuracy, exactly"
else bad "train: CSV and .npy runs differ"; fi
if "$LOGQ" eval --inputs X.npy --labels y.npy --test 150 --weights u.txt --quick --check 3 >ue.out 2>&1 &&
   grep -q "^float test accuracy: $acc %" ue.out &&
   grep -Eq '^check: [1-9][0-9]* MAC dot products .* 0 mismatches$' ue.out; then
    ok "eval on your own data: the float row is train's $acc %, the MAC check passes ($(grep -o '[0-9]* MAC dot products' ue.out))"
else bad "eval --inputs X.npy"; tail -5 ue.out; fi
row=$(grep -m1 '^| logsqrt2 |' ue.out)
if grep -Eq '^\| logsqrt2 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' <<<"$row" &&
   grep -Eq '^\| log2 \| W\+A \| 4 \| -?[0-9]+ / -?[0-9]+ \| -?[0-9]+ / -?[0-9]+ \|$' ue.out; then
    ok "eval on your own data prints the table ($row)"
else bad "eval table on your own data"; fi
"$LOGQ" eval --inputs X.csv --labels y.csv --test 150 --weights u.txt --quick >uec.out 2>&1
if cmp -s <(sed 1,3d ue.out | grep -v -e '^check' -e '^$') <(sed 1,3d uec.out | grep -v '^$'); then
    ok "eval: CSV data gives the .npy table"
else bad "eval: CSV and .npy tables differ"; diff <(sed 1,3d ue.out) <(sed 1,3d uec.out) | head -4; fi
if "$LOGQ" eval --inputs Xtr.npy --labels ytr.npy --test-inputs Xte.npy --test-labels yte.npy \
    --weights u.txt --quick >ut.out 2>&1 && grep -q ', 150 test images (train Xtr.npy' ut.out; then
    ok "eval with a separate test set (float32 inputs, int32 and uint8 labels): $(grep '^float test' ut.out)"
else bad "eval --test-inputs"; head -3 ut.out; fi

erefused() { # NAME WORDS -- EVAL ARGS
    local name=$1 words=$2 rc
    shift 3
    "$LOGQ" eval --weights u.txt --quick "$@" >r.out 2>r.err
    rc=$?
    if [ $rc -eq 2 ] && [ ! -s r.out ] && grep -qF -- "$words" r.err; then ok "eval refused: $name ($(head -c 150 r.err))"
    else bad "eval not refused: $name (exit $rc)"; cat r.err; fi
}
erefused "digits on a 100-input network" "has 100 inputs and 3 outputs; the data (digits" -- --data "$DATA"
erefused "a label beyond the outputs" "labels 0..7" -- --inputs X.npy --labels ybig.npy --test 150
erefused "labels of 2 columns" "(600, 2) is not (N,) or (N, 1)" -- --inputs X.npy --labels y2.npy
erefused "fractional label" "label 0 is" -- --inputs X.npy --labels yfrac.npy
erefused "NaN input" "element [5, 9] is nan" -- --inputs Xnan.npy --labels y.npy
erefused "fewer labels" "600 examples but y599.npy has 599" -- --inputs X.npy --labels y599.npy
erefused "--inputs without --labels" "go together" -- --inputs X.npy
erefused "--test-inputs with --test" "nothing is split" -- --inputs Xtr.npy --labels ytr.npy --test-inputs Xte.npy --test-labels yte.npy --test 5
erefused "inputs as labels" "is not (N,) or (N, 1)" -- --inputs X.npy --labels X.npy
printf '1,2\n3\n' >rag.csv
erefused "ragged CSV" "rag.csv:2: 1 fields, expected 2" -- --inputs rag.csv --labels y.csv
