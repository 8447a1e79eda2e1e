#!/usr/bin/env python3
"""Build the `diamonds` task (Crucible layout, multi-class tabular-classification with one
probability column per class) from the diamonds table (53,940 round-cut diamonds) that plotnine
ships as a CSV inside its wheel (plotnine/data/diamonds.csv; read as a file, plotnine is not
imported): the quality of a diamond's cut from its size, colour, clarity, proportions and price.

    python tasks/diamonds/prepare.py OUTDIR [--print-checksums]

The submission holds one probability per cut (Fair, Good, Ideal, Premium, Very Good); the metric is
multi-class log loss. All 53,940 rows are kept; the costlier reference models train on a seeded
subsample of the train rows so that the build stays well under a minute.
"""
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250620
TARGET = "cut"
CATEGORICAL = ["color", "clarity"]
NUMERIC = ["carat", "depth", "table", "price", "x", "y", "z"]
# Train rows the costlier reference models (forests, boosting, k-NN) learn from.
SUBSAMPLE = 8000

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6, plotnine 0.15.9.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "f383b85849e8aa4205046d0c9ca72be6",
    "public/test.csv": "6e869c9251390c5e3dc818d5c845ae4b",
    "public/train.csv": "a7476a547c7c5aa72341510d1148f256",
    "private/answers.csv": "5961b4498d7762a2073b183b34908bbf",
    "private/selection.csv": "eceac867157b1ba391e83f4fd5848292",
}

# Reference log losses (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "logreg": 0.97143,
    "logreg_C0.01": 1.05155,
    "logreg_poly2": 0.78624,
    "lda": 1.01886,
    "naive_bayes": 1.89031,
    "tree_depth4": 0.76521,
    "tree_depth8": 0.92237,
    "tree_leaf50": 1.03684,
    "knn_k100": 0.97911,
    "knn_k50": 1.0526,
    "knn_k50_distance": 1.02759,
    "random_forest": 0.90042,
    "random_forest_leaf5": 0.68346,
    "extra_trees_leaf3": 0.79214,
    "hist_gb_default_8k": 0.6338,
    "hist_gb_20_iters_8k": 0.65966,
    "hist_gb_depth3_8k": 0.62003,
    "hist_gb_lr0.3_early_stop_8k": 1.20015,
    "hist_gb_default": 0.5392,
    "hist_gb_tuned": 0.52821,
}
SCORE_TOLERANCE = 2e-3


def diamonds_csv() -> Path:
    spec = importlib.util.find_spec("plotnine")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("diamonds: the Python package plotnine is not installed (tasks/requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "diamonds.csv"


def build_frames():
    df = pd.read_csv(diamonds_csv())
    df = df[["carat", "color", "clarity", "depth", "table", "price", "x", "y", "z", TARGET]]
    return split(shuffle_ids(df, SEED), TARGET, SEED, stratify=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, class probabilities on test in sorted class order) for real attempts, from linear
    baselines to tuned gradient boosting."""
    y = train[TARGET].to_numpy()
    sub = np.random.default_rng(SEED + 1).choice(len(train), size=SUBSAMPLE, replace=False)

    def onehot(scale=True):
        return make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            (StandardScaler() if scale else "passthrough", NUMERIC))

    def ordinal():
        return make_column_transformer((OrdinalEncoder(), CATEGORICAL), ("passthrough", NUMERIC))

    def proba(model, rows=None):
        x, lab = (train, y) if rows is None else (train.iloc[rows], y[rows])
        model.fit(x, lab)
        assert list(model.classes_) == sorted(set(y))
        return model.predict_proba(test)

    def hgb(**kw):
        return make_pipeline(ordinal(), HistGradientBoostingClassifier(
            categorical_features=[0, 1], random_state=SEED, **kw))

    refs = [
        ("logreg", lambda: proba(make_pipeline(onehot(), LogisticRegression(max_iter=1000)))),
        ("logreg_C0.01", lambda: proba(make_pipeline(onehot(), LogisticRegression(C=0.01, max_iter=1000)))),
        ("logreg_poly2", lambda: proba(make_pipeline(onehot(), PolynomialFeatures(2), StandardScaler(),
                                                     LogisticRegression(C=0.1, max_iter=300)), sub)),
        ("lda", lambda: proba(make_pipeline(onehot(), LinearDiscriminantAnalysis()))),
        ("naive_bayes", lambda: proba(make_pipeline(onehot(), GaussianNB()))),
        ("tree_depth4", lambda: proba(make_pipeline(ordinal(), DecisionTreeClassifier(max_depth=4, random_state=SEED)))),
        ("tree_depth8", lambda: proba(make_pipeline(ordinal(), DecisionTreeClassifier(max_depth=8, random_state=SEED)))),
        ("tree_leaf50", lambda: proba(make_pipeline(ordinal(), DecisionTreeClassifier(min_samples_leaf=50, random_state=SEED)))),
        ("knn_k100", lambda: proba(make_pipeline(onehot(), KNeighborsClassifier(n_neighbors=100)), sub)),
        ("knn_k50", lambda: proba(make_pipeline(onehot(), KNeighborsClassifier(n_neighbors=50)), sub)),
        ("knn_k50_distance", lambda: proba(make_pipeline(onehot(), KNeighborsClassifier(n_neighbors=50, weights="distance")), sub)),
        ("random_forest", lambda: proba(make_pipeline(ordinal(), RandomForestClassifier(n_estimators=100, random_state=SEED)), sub)),
        ("random_forest_leaf5", lambda: proba(make_pipeline(ordinal(), RandomForestClassifier(
            n_estimators=200, min_samples_leaf=5, random_state=SEED)), sub)),
        ("extra_trees_leaf3", lambda: proba(make_pipeline(ordinal(), ExtraTreesClassifier(
            n_estimators=200, min_samples_leaf=3, random_state=SEED)), sub)),
        ("hist_gb_default_8k", lambda: proba(hgb(), sub)),
        ("hist_gb_20_iters_8k", lambda: proba(hgb(max_iter=20), sub)),
        ("hist_gb_depth3_8k", lambda: proba(hgb(max_depth=3, max_iter=300), sub)),
        ("hist_gb_lr0.3_early_stop_8k", lambda: proba(hgb(learning_rate=0.3, max_iter=300, early_stopping=True), sub)),
        ("hist_gb_default", lambda: proba(hgb())),
        ("hist_gb_tuned", lambda: proba(hgb(learning_rate=0.05, max_iter=400, max_leaf_nodes=63,
                                            min_samples_leaf=40, l2_regularization=1.0))),
    ]
    for team, predict in refs:
        yield team, predict()


TASK = Task(
    id="diamonds",
    name="Diamond Cut Quality",
    type="tabular-classification",
    metric="logloss",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=None,
    class_probabilities=True,
    versions={"plotnine": importlib.metadata.version("plotnine")},
    leaderboard_date="2025-06-20 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
