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

import pandas as pd
from sklearn.datasets import load_breast_cancer

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
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
    "default_logreg": 0.9956,
    "default_lda": 0.987,
    "default_nb": 0.98386,
    "default_knn": 0.97621,
    "default_tree": 0.93061,
    "default_rf": 0.98763,
    "default_extra_trees": 0.99057,
    "default_adaboost": 0.98868,
    "default_gb": 0.98491,
    "default_hgb": 0.98952,
    "default_svm": 0.9956,
    "default_mlp": 0.99497,
    "logreg_tuned": 0.99497,
    "knn_tuned": 0.98365,
    "tree_tuned": 0.95094,
    "rf_tuned": 0.98763,
    "extra_trees_tuned": 0.99057,
    "hgb_tuned": 0.99078,
    "svm_tuned": 0.99455,
    "mlp_tuned": 0.96939,
    "ensemble_top3": 0.99245,
    "stack_top3": 0.99266,
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
    """(team, predicted probability of malignant on test): the shared ladder of real attempts."""
    yield from ladder(train, test, TARGET, "auc", seed=SEED)


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
