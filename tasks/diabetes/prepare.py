#!/usr/bin/env python3
"""Build the `diabetes` task (Crucible layout) from scikit-learn's bundled diabetes data.

    python tasks/diabetes/prepare.py OUTDIR [--print-checksums]

Writes OUTDIR/{task.yaml, description.md, checksums.yaml, leaderboard.csv, public/, private/}.
No network: the data ships inside the scikit-learn wheel. The split is fixed by SEED, and the
produced files are checked against committed MD5s so that a library upgrade that changes the data
fails here instead of silently moving every score and medal threshold. Lower RMSE is better, so
this task exercises the minimize direction end to end.
"""
import sys
from pathlib import Path

import pandas as pd
from sklearn.datasets import load_diabetes

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250612
TARGET = "progression"

# The source names the six blood serum measurements s1..s6; these are their documented meanings.
COLUMNS = {
    "age": "age",
    "sex": "sex",
    "bmi": "bmi",
    "bp": "blood_pressure",
    "s1": "total_cholesterol",
    "s2": "ldl",
    "s3": "hdl",
    "s4": "cholesterol_hdl_ratio",
    "s5": "log_triglycerides",
    "s6": "blood_sugar",
}

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "0fb1482877dc3cfe6c1489a6f5d3677a",
    "public/test.csv": "2f92d9ae52ee6cb66fffba388ebf17d0",
    "public/train.csv": "d6d9d480e955bc65a7780b23cc9f88a1",
    "private/answers.csv": "4acbb638d1509e43caa388825ef4c345",
    "private/selection.csv": "ace6e0ee4e29d4c260dc3b14a946b09f",
}

# Reference RMSEs (5 decimals) of the leaderboard below; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "default_linear": 57.08928,
    "default_ridge": 57.15913,
    "default_lasso": 57.51745,
    "default_knn": 60.26164,
    "default_tree": 78.19766,
    "default_rf": 61.45671,
    "default_extra_trees": 60.82491,
    "default_adaboost": 60.52134,
    "default_gb": 60.71939,
    "default_hgb": 59.97225,
    "default_svr": 58.23327,
    "default_mlp": 69.5602,
    "ridge_tuned": 57.08936,
    "lasso_tuned": 57.08936,
    "knn_tuned": 61.26446,
    "tree_tuned": 65.35912,
    "rf_tuned": 60.38633,
    "extra_trees_tuned": 59.22062,
    "hgb_tuned": 59.46121,
    "svr_tuned": 56.30041,
    "mlp_tuned": 56.27964,
    "ensemble_top3": 56.20262,
    "stack_top3": 56.09528,
}
SCORE_TOLERANCE = 1e-2


def build_frames():
    data = load_diabetes(as_frame=True, scaled=False)
    df = data.data.rename(columns=COLUMNS)
    df[TARGET] = data.target
    # The raw file stores everything as float; whole-number columns read better as integers.
    for col in df.columns:
        if (df[col] % 1 == 0).all():
            df[col] = df[col].astype(int)
    return split(shuffle_ids(df, SEED), TARGET, SEED, stratify=False)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted progression on test): the shared ladder of real attempts."""
    yield from ladder(train, test, TARGET, "rmse", seed=SEED)


TASK = Task(
    id="diabetes",
    name="Diabetes Progression",
    type="tabular-regression",
    metric="rmse",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    # A constant placeholder near the training mean, like Kaggle's dummy sample submissions.
    sample_value=150.0,
    leaderboard_date="2025-06-12 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
