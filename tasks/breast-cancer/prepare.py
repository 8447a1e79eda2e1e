#!/usr/bin/env python3
"""Build the `breast-cancer` task (Crucible layout) from scikit-learn's bundled WDBC data.

    python tasks/breast-cancer/prepare.py OUTDIR [--print-checksums]

Writes OUTDIR/{task.yaml, description.md, checksums.yaml, leaderboard.csv, public/, private/}.
No network: the data ships inside the scikit-learn wheel. The split is fixed by SEED, and the
produced files are checked against committed MD5s so that a library upgrade that changes the data
fails here instead of silently moving every score and medal threshold.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250611
TARGET = "target"

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "0b25d100ae573097fae1a140841adbc8",
    "public/test.csv": "4d1353c193a29c71040ae0cf744c90ec",
    "public/train.csv": "21ce15ef26aab03b9394eaa09ae8f162",
    "private/answers.csv": "0206ba3c4d498f12680c97f32d594ee6",
    "private/selection.csv": "578bf28234343c1fb5d78593a45a9ff8",
}

# Reference AUCs (5 decimals) of the leaderboard below; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "constant_0.5": 0.5,
    "random_uniform": 0.54382,
    "one_feature_mean_fractal_dimension": 0.55985,
    "one_feature_texture_error": 0.51688,
    "one_feature_mean_symmetry": 0.71468,
    "one_feature_mean_texture": 0.77107,
    "one_feature_worst_area": 0.94696,
    "logreg_texture_smoothness": 0.79078,
    "logreg_all_C0.0001": 0.98302,
    "logreg_all_C0.01": 0.99078,
    "logreg_all_C1": 0.9956,
    "logreg_all_C100": 0.99581,
    "logreg_all_24_rows": 0.9847,
    "logreg_all_30pct_label_noise": 0.93019,
    "knn_k1_unscaled": 0.88564,
    "knn_k1": 0.90618,
    "knn_k5": 0.97621,
    "knn_k25": 0.98962,
    "tree_depth1": 0.88784,
    "tree_depth2": 0.94151,
    "tree_depth4": 0.93983,
    "tree_full": 0.93061,
    "naive_bayes_all": 0.98386,
    "naive_bayes_texture_symmetry": 0.80943,
    "random_forest_200": 0.98836,
    "random_forest_40pct_label_noise": 0.85744,
    "gradient_boosting": 0.98491,
}
SCORE_TOLERANCE = 1e-3


def snake(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def build_frames():
    data = load_breast_cancer(as_frame=True)
    features = data.data.rename(columns=snake)
    # sklearn codes benign as 1; the task's positive class is the diagnosis of interest, malignant.
    target = (data.target == 0).astype(int).rename(TARGET)
    df = shuffle_ids(pd.concat([features, target], axis=1), SEED)
    return split(df, TARGET, SEED, stratify=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted probability of malignant on test) for a spread of weak to strong models."""
    feats = [c for c in train.columns if c not in ("id", TARGET)]
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)

    def fit(model, cols=feats, labels=y, rows=None):
        x = train[cols] if rows is None else train[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return model.fit(x, lab).predict_proba(test[cols])[:, 1]

    def one_feature(col):
        # A single raw measurement as the score, oriented by its sign on the training data.
        sign = 1.0 if roc_auc_score(y, train[col]) >= 0.5 else -1.0
        return sign * test[col].to_numpy()

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, 1 - y, y)

    def scaled_lr(c):
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))

    def scaled_knn(k):
        return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))

    small = rng.choice(len(y), size=24, replace=False)
    refs = [
        ("constant_0.5", lambda: np.full(len(test), 0.5)),
        ("random_uniform", lambda: rng.random(len(test))),
        ("one_feature_mean_fractal_dimension", lambda: one_feature("mean_fractal_dimension")),
        ("one_feature_texture_error", lambda: one_feature("texture_error")),
        ("one_feature_mean_symmetry", lambda: one_feature("mean_symmetry")),
        ("one_feature_mean_texture", lambda: one_feature("mean_texture")),
        ("one_feature_worst_area", lambda: one_feature("worst_area")),
        ("logreg_texture_smoothness", lambda: fit(scaled_lr(1.0), ["mean_texture", "mean_smoothness"])),
        ("logreg_all_C0.0001", lambda: fit(scaled_lr(1e-4))),
        ("logreg_all_C0.01", lambda: fit(scaled_lr(0.01))),
        ("logreg_all_C1", lambda: fit(scaled_lr(1.0))),
        ("logreg_all_C100", lambda: fit(scaled_lr(100.0))),
        ("logreg_all_24_rows", lambda: fit(scaled_lr(1.0), rows=small)),
        ("logreg_all_30pct_label_noise", lambda: fit(scaled_lr(1.0), labels=noisy(0.3))),
        ("knn_k1_unscaled", lambda: fit(KNeighborsClassifier(n_neighbors=1))),
        ("knn_k1", lambda: fit(scaled_knn(1))),
        ("knn_k5", lambda: fit(scaled_knn(5))),
        ("knn_k25", lambda: fit(scaled_knn(25))),
        ("tree_depth1", lambda: fit(DecisionTreeClassifier(max_depth=1, random_state=SEED))),
        ("tree_depth2", lambda: fit(DecisionTreeClassifier(max_depth=2, random_state=SEED))),
        ("tree_depth4", lambda: fit(DecisionTreeClassifier(max_depth=4, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeClassifier(random_state=SEED))),
        ("naive_bayes_all", lambda: fit(GaussianNB())),
        ("naive_bayes_texture_symmetry", lambda: fit(GaussianNB(), ["mean_texture", "mean_symmetry"])),
        ("random_forest_200", lambda: fit(RandomForestClassifier(n_estimators=200, random_state=SEED))),
        ("random_forest_40pct_label_noise",
         lambda: fit(RandomForestClassifier(n_estimators=200, random_state=SEED), labels=noisy(0.4))),
        ("gradient_boosting", lambda: fit(GradientBoostingClassifier(random_state=SEED))),
    ]
    for team, predict in refs:
        yield team, predict()


TASK = Task(
    id="breast-cancer",
    name="Breast Cancer Wisconsin (Diagnostic)",
    type="tabular-classification",
    metric="auc",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=0.5,
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
