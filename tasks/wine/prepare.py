#!/usr/bin/env python3
"""Build the `wine` task (Crucible layout, multi-class tabular-classification) from scikit-learn's
bundled wine recognition data (UCI): which of three cultivars a wine comes from.

    python tasks/wine/prepare.py OUTDIR [--print-checksums]
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250615
TARGET = "cultivar"

COLUMNS = {"od280/od315_of_diluted_wines": "od280_od315"}

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "78febc3cfd18e02fbd8ff7994e2ae995",
    "public/test.csv": "e106a982d1828dd03478500c524e5d32",
    "public/train.csv": "09b7ae564d5477c99cd3f49199303444",
    "private/answers.csv": "ed31e36bf306ddc03dcf352775f779cd",
    "private/selection.csv": "20cec47f45221beded2500294c74ab8f",
}

# Reference accuracies (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "constant_majority": 0.4,
    "random_class": 0.28889,
    "stump_ash": 0.35556,
    "stump_magnesium": 0.57778,
    "stump_alcohol": 0.66667,
    "stump_proline": 0.66667,
    "tree_color_intensity": 0.71111,
    "tree_proline_flavanoids": 0.91111,
    "tree_depth2": 0.91111,
    "tree_full": 0.93333,
    "knn_k1_unscaled": 0.82222,
    "knn_k5_unscaled": 0.71111,
    "knn_k5": 0.93333,
    "naive_bayes": 0.97778,
    "lda": 1.0,
    "logreg_C1": 0.97778,
    "logreg_C0.001": 0.77778,
    "logreg_12_rows": 0.91111,
    "logreg_50pct_label_noise": 0.55556,
    "svm_rbf_unscaled": 0.71111,
    "svm_rbf_C0.05": 0.64444,
    "random_forest_3_trees": 0.95556,
    "gradient_boosting": 0.95556,
}
SCORE_TOLERANCE = 1e-3


def build_frames():
    data = load_wine(as_frame=True)
    df = data.data.rename(columns=lambda c: COLUMNS.get(c, c))
    df[TARGET] = data.target.astype(int)
    for col in df.columns:
        if (df[col] % 1 == 0).all():
            df[col] = df[col].astype(int)
    return split(shuffle_ids(df, SEED), TARGET, SEED, stratify=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted cultivar on test) for a spread of weak to strong models."""
    feats = [c for c in train.columns if c not in ("id", TARGET)]
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)

    def fit(model, cols=feats, labels=y, rows=None):
        x = train[cols] if rows is None else train[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return model.fit(x, lab).predict(test[cols])

    def scaled(model):
        return make_pipeline(StandardScaler(), model)

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, rng.integers(0, 3, len(y)), y)

    def stump(col):
        return fit(DecisionTreeClassifier(max_depth=1, random_state=SEED), [col])

    few = rng.choice(len(y), size=12, replace=False)
    refs = [
        ("constant_majority", lambda: np.full(len(test), np.bincount(y).argmax())),
        ("random_class", lambda: rng.integers(0, 3, len(test))),
        ("stump_ash", lambda: stump("ash")),
        ("stump_magnesium", lambda: stump("magnesium")),
        ("stump_alcohol", lambda: stump("alcohol")),
        ("stump_proline", lambda: stump("proline")),
        ("tree_color_intensity", lambda: fit(DecisionTreeClassifier(max_depth=3, random_state=SEED), ["color_intensity"])),
        ("tree_proline_flavanoids", lambda: fit(DecisionTreeClassifier(max_depth=3, random_state=SEED), ["proline", "flavanoids"])),
        ("tree_depth2", lambda: fit(DecisionTreeClassifier(max_depth=2, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeClassifier(random_state=SEED))),
        ("knn_k1_unscaled", lambda: fit(KNeighborsClassifier(n_neighbors=1))),
        ("knn_k5_unscaled", lambda: fit(KNeighborsClassifier(n_neighbors=5))),
        ("knn_k5", lambda: fit(scaled(KNeighborsClassifier(n_neighbors=5)))),
        ("naive_bayes", lambda: fit(GaussianNB())),
        ("lda", lambda: fit(LinearDiscriminantAnalysis())),
        ("logreg_C1", lambda: fit(scaled(LogisticRegression(C=1.0, max_iter=2000)))),
        ("logreg_C0.001", lambda: fit(scaled(LogisticRegression(C=0.001, max_iter=2000)))),
        ("logreg_12_rows", lambda: fit(scaled(LogisticRegression(C=1.0, max_iter=2000)), rows=few)),
        ("logreg_50pct_label_noise", lambda: fit(scaled(LogisticRegression(C=1.0, max_iter=2000)), labels=noisy(0.5))),
        ("svm_rbf_unscaled", lambda: fit(SVC())),
        ("svm_rbf_C0.05", lambda: fit(scaled(SVC(C=0.05)))),
        ("random_forest_3_trees", lambda: fit(RandomForestClassifier(n_estimators=3, random_state=SEED))),
        ("gradient_boosting", lambda: fit(GradientBoostingClassifier(n_estimators=50, random_state=SEED))),
    ]
    for team, predict in refs:
        yield team, predict()


TASK = Task(
    id="wine",
    name="Wine Cultivar Recognition",
    type="tabular-classification",
    metric="accuracy",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=0,
    leaderboard_date="2025-06-15 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
