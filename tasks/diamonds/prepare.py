#!/usr/bin/env python3
"""Build the `diamonds` task (Crucible layout, multi-class tabular-classification with one
probability column per class) from the diamonds table (53,940 round-cut diamonds) that plotnine
ships as a CSV inside its wheel (plotnine/data/diamonds.csv; read as a file, plotnine is not
imported): the quality of a diamond's cut from its size, colour, clarity, proportions and price.

    python tasks/diamonds/prepare.py OUTDIR [--print-checksums]

The submission holds one probability per cut (Fair, Good, Ideal, Premium, Very Good); the metric is
multi-class log loss. All 53,940 rows are kept; the ladder's searches and kernel models train on
seeded subsamples of the train rows so that the build stays near a minute.
"""
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250620
TARGET = "cut"
CATEGORICAL = ["color", "clarity"]
# Rows the ladder's searches and its kernel models (SVM, k-NN) learn from; the other entries use all.
TUNE_ROWS = 2000
KERNEL_ROWS = 3000

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
    "default_logreg": 0.97147,
    "default_lda": 1.01886,
    "default_nb": 1.44207,
    "default_knn_on_3000_rows": 5.95469,
    "default_tree": 10.58991,
    "default_rf": 0.72475,
    "default_extra_trees": 0.89161,
    "default_adaboost": 1.58154,
    "default_gb": 0.64322,
    "default_hgb": 0.5431,
    "default_svm_on_3000_rows": 0.94833,
    "default_mlp": 0.60305,
    "logreg_tuned": 0.96673,
    "knn_tuned_on_3000_rows": 1.39474,
    "tree_tuned": 0.80735,
    "rf_tuned": 0.60985,
    "extra_trees_tuned": 0.69842,
    "hgb_tuned": 0.53142,
    "svm_tuned_on_3000_rows": 0.90485,
    "mlp_tuned": 0.61043,
    "ensemble_top3": 0.5684,
    "stack_top3": 0.57335,
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
    """(team, class probabilities on test in sorted class order): the shared ladder of real attempts,
    its searches and kernel models on seeded subsamples of the 34,386 train rows."""
    yield from ladder(train, test, TARGET, "logloss", seed=SEED, categorical=CATEGORICAL,
                      classes=sorted(train[TARGET].unique()), class_probabilities=True,
                      tune_rows=TUNE_ROWS, kernel_rows=KERNEL_ROWS)


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
