#!/usr/bin/env python3
"""Build the `digits` task (Crucible layout, image-classification) from scikit-learn's bundled
handwritten digits (the UCI optical recognition set, 8x8 images).

    python tasks/digits/prepare.py OUTDIR [--print-checksums]

Every image is written as an 8x8 8-bit grayscale PNG under public/images/<id>.png (pixel values
0..16 scaled to 0..255) by a tiny pure-Python PNG writer, so the bytes are the same everywhere.
train.csv holds id,image,target with image the path relative to the data folder; test.csv id,image.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from taskbuild import Task, build, png_gray8, shuffle_ids, split  # noqa: E402

SEED = 20250613
TARGET = "target"
PIXELS = [f"px{i:02d}" for i in range(64)]

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6.
EXPECTED_MD5 = {
    "public/images/": "005e3d94c25a7062feed6ecb40cfa04e",
    "public/sample_submission.csv": "9957cc8451ebea0b37ce6b7dcac4ecd2",
    "public/test.csv": "4b330c740b0363a42ab130390b14e224",
    "public/train.csv": "e3e62300ecdca44408b86749e03adcd0",
    "private/answers.csv": "0c7c4ece3f899cf2281e888a944a5deb",
    "private/selection.csv": "1e6deb29c2aaf9530d128686cd15fb3f",
}

# Reference accuracies (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "constant_majority": 0.10222,
    "random_digit": 0.09778,
    "tree_total_ink": 0.14,
    "tree_depth2": 0.30667,
    "tree_depth4": 0.67556,
    "tree_full": 0.85556,
    "naive_bayes": 0.88,
    "logreg_C0.001": 0.90222,
    "logreg_C0.1": 0.96222,
    "logreg_50_rows": 0.76667,
    "logreg_top_half": 0.84889,
    "logreg_4x4_pooled": 0.92444,
    "logreg_60pct_label_noise": 0.85111,
    "knn_k1": 0.98889,
    "knn_k5": 0.98444,
    "knn_k50": 0.93556,
    "knn_k1_50_rows": 0.80222,
    "random_forest_10": 0.95111,
    "random_forest_300": 0.98,
    "random_forest_30pct_label_noise": 0.97111,
    "extra_trees_300": 0.98444,
    "svm_rbf": 0.98667,
    "svm_linear_C0.0001": 0.3,
    "mlp_32": 0.98,
}
SCORE_TOLERANCE = 1e-3


def build_frames():
    data = load_digits()
    # 0..16 → 0..255, the gray levels a solution reads back from the PNGs.
    pixels = np.rint(data.data * 255.0 / 16.0).astype(np.uint8)
    df = pd.DataFrame(pixels, columns=PIXELS)
    df[TARGET] = data.target.astype(int)
    df = shuffle_ids(df, SEED)
    df.insert(1, "image", [f"images/{i}.png" for i in df["id"]])
    return split(df, TARGET, SEED, stratify=True)


def write_images(out: Path, rows: pd.DataFrame) -> None:
    folder = out / "public" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    for image, px in zip(rows["image"], rows[PIXELS].to_numpy()):
        (out / "public" / image).write_bytes(png_gray8(px.reshape(8, 8)))


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted digit on test) for a spread of weak to strong models, on the pixel values."""
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)
    xtr = train[PIXELS].to_numpy(dtype=float) / 255.0
    xte = test[PIXELS].to_numpy(dtype=float) / 255.0

    def fit(model, x=xtr, labels=y, rows=None, xt=xte):
        xs, lab = (x, labels) if rows is None else (x[rows], labels[rows])
        return model.fit(xs, lab).predict(xt)

    def pooled(x):
        # 4x4 images: the mean of each 2x2 block.
        return x.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, rng.integers(0, 10, len(y)), y)

    ink_tr, ink_te = xtr.sum(axis=1, keepdims=True), xte.sum(axis=1, keepdims=True)
    top_tr, top_te = xtr[:, :32], xte[:, :32]
    few = rng.choice(len(y), size=50, replace=False)
    lr = lambda c=1.0: make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))  # noqa: E731
    refs = [
        ("constant_majority", lambda: np.full(len(test), np.bincount(y).argmax())),
        ("random_digit", lambda: rng.integers(0, 10, len(test))),
        ("tree_total_ink", lambda: fit(DecisionTreeClassifier(max_depth=4, random_state=SEED), ink_tr, xt=ink_te)),
        ("tree_depth2", lambda: fit(DecisionTreeClassifier(max_depth=2, random_state=SEED))),
        ("tree_depth4", lambda: fit(DecisionTreeClassifier(max_depth=4, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeClassifier(random_state=SEED))),
        ("naive_bayes", lambda: fit(GaussianNB())),
        ("logreg_C0.001", lambda: fit(lr(0.001))),
        ("logreg_C0.1", lambda: fit(lr(0.1))),
        ("logreg_50_rows", lambda: fit(lr(1.0), rows=few)),
        ("logreg_top_half", lambda: fit(lr(1.0), top_tr, xt=top_te)),
        ("logreg_4x4_pooled", lambda: fit(lr(1.0), pooled(xtr), xt=pooled(xte))),
        ("logreg_60pct_label_noise", lambda: fit(lr(0.01), labels=noisy(0.6))),
        ("knn_k1", lambda: fit(KNeighborsClassifier(n_neighbors=1))),
        ("knn_k5", lambda: fit(KNeighborsClassifier(n_neighbors=5))),
        ("knn_k50", lambda: fit(KNeighborsClassifier(n_neighbors=50))),
        ("knn_k1_50_rows", lambda: fit(KNeighborsClassifier(n_neighbors=1), rows=few)),
        ("random_forest_10", lambda: fit(RandomForestClassifier(n_estimators=10, random_state=SEED))),
        ("random_forest_300", lambda: fit(RandomForestClassifier(n_estimators=300, random_state=SEED))),
        ("random_forest_30pct_label_noise",
         lambda: fit(RandomForestClassifier(n_estimators=100, random_state=SEED), labels=noisy(0.3))),
        ("extra_trees_300", lambda: fit(ExtraTreesClassifier(n_estimators=300, random_state=SEED))),
        ("svm_rbf", lambda: fit(SVC(C=10.0, gamma="scale"))),
        ("svm_linear_C0.0001", lambda: fit(SVC(kernel="linear", C=1e-4))),
        ("mlp_32", lambda: fit(MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=SEED))),
    ]
    for team, predict in refs:
        yield team, predict()


TASK = Task(
    id="digits",
    name="Handwritten Digits",
    type="image-classification",
    metric="accuracy",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=0,
    columns=["image"],
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions, write_extra=write_images)
