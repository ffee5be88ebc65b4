"""Train scikit-learn's MLPClassifier on the wine data set that ships with it, then
export the network and the data with NumPy for `logq import`, `logq eval` and
`logq gen net` (docs/python.md, "From scikit-learn to logq"; `make sklearn-example`
runs them all and the Verilator co-simulation). Usage: sklearn_wine.py OUT_DIR.

Inputs are standardized (StandardScaler fitted on the training set), so they are
signed: logq eval then quantizes the first layer's activations as signed codes."""

import sys

import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
X, y = load_wine(return_X_y=True)                        # 178 x 13, 3 classes
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scale = StandardScaler().fit(Xtr)
Xtr, Xte = scale.transform(Xtr), scale.transform(Xte)
clf = MLPClassifier(hidden_layer_sizes=(16,), max_iter=3000, random_state=0).fit(Xtr, ytr)
print(f"scikit-learn MLPClassifier 13-16-3: train {100 * clf.score(Xtr, ytr):.2f} %, "
      f"test {100 * clf.score(Xte, yte):.2f} %")

# The export: coefs_[k] is (inputs, outputs), the layout logq calls in-out.
np.savez(f"{out}/wine.npz", w1=clf.coefs_[0], b1=clf.intercepts_[0],
         w2=clf.coefs_[1], b2=clf.intercepts_[1])
for name, a in (("Xtr", Xtr), ("ytr", ytr), ("Xte", Xte), ("yte", yte)):
    np.save(f"{out}/{name}.npy", a)
