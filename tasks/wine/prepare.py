#!/usr/bin/env python3
"""Build the `wine` task (Crucible layout, multi-class tabular-classification) from scikit-learn's
bundled wine recognition data (UCI): which of three cultivars a wine comes from.

    python tasks/wine/prepare.py OUTDIR [--print-checksums]
"""
import sys
from pathlib import Path

import pandas as pd
from sklearn.datasets import load_wine

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
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
    "default_logreg": 0.97778,
    "default_lda": 1.0,
    "default_nb": 0.97778,
    "default_knn": 0.93333,
    "default_tree": 0.93333,
    "default_rf": 0.97778,
    "default_extra_trees": 1.0,
    "default_adaboost": 0.91111,
    "default_gb": 0.95556,
    "default_hgb": 0.95556,
    "default_svm": 0.97778,
    "default_mlp": 0.97778,
    "logreg_tuned": 0.95556,
    "knn_tuned": 0.91111,
    "tree_tuned": 0.93333,
    "rf_tuned": 0.97778,
    "extra_trees_tuned": 0.97778,
    "hgb_tuned": 0.97778,
    "svm_tuned": 0.97778,
    "mlp_tuned": 0.82222,
    "ensemble_top3": 0.97778,
    "stack_top3": 0.97778,
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
    """(team, predicted cultivar on test): the shared ladder of real attempts."""
    yield from ladder(train, test, TARGET, "accuracy", seed=SEED)


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
