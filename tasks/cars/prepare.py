#!/usr/bin/env python3
"""Build the `cars` task (Crucible layout, tabular-regression scored by MAE) from vega_datasets'
bundled (local, offline) `cars` table: fuel economy of 1970-1982 car models (the UCI Auto MPG data).

    python tasks/cars/prepare.py OUTDIR [--print-checksums]

Rows without a recorded fuel economy are dropped; the few missing horsepower values are kept
missing, as in the source.
"""
import sys
from pathlib import Path

import pandas as pd
import vega_datasets
from vega_datasets import data as vega

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250618
TARGET = "mpg"

COLUMNS = {
    "Name": "name",
    "Miles_per_Gallon": TARGET,
    "Cylinders": "cylinders",
    "Displacement": "displacement",
    "Horsepower": "horsepower",
    "Weight_in_lbs": "weight",
    "Acceleration": "acceleration",
    "Year": "model_year",
    "Origin": "origin",
}

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6, vega_datasets 0.9.0.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "17215accda5a19fe842b93a3824107c5",
    "public/test.csv": "e20ab087e29b84f1425ff2af0fac151f",
    "public/train.csv": "d0e44f60d9604ffeb61512e67fe67313",
    "private/answers.csv": "d4bbf980d6b2b7b541acf958f2a2b90e",
    "private/selection.csv": "9b3bd5a994c4d092dd6697455e31ea20",
}

# Reference MAEs (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "default_linear": 2.66901,
    "default_ridge": 2.65736,
    "default_lasso": 2.48897,
    "default_knn": 3.1766,
    "default_tree": 3.31,
    "default_rf": 1.96655,
    "default_extra_trees": 1.86339,
    "default_adaboost": 2.25304,
    "default_gb": 2.03592,
    "default_hgb": 1.9301,
    "default_svr": 2.46057,
    "default_mlp": 2.43708,
    "ridge_tuned": 2.67444,
    "lasso_tuned": 2.40416,
    "knn_tuned": 3.14387,
    "tree_tuned": 2.71649,
    "rf_tuned": 1.93258,
    "extra_trees_tuned": 1.86339,
    "hgb_tuned": 1.9815,
    "svr_tuned": 2.18447,
    "mlp_tuned": 2.50828,
    "ensemble_top3": 1.8449,
    "stack_top3": 1.83064,
}
SCORE_TOLERANCE = 1e-3


def build_frames():
    df = vega.cars().rename(columns=COLUMNS)
    df = df[df[TARGET].notna()].reset_index(drop=True)
    df["model_year"] = pd.to_datetime(df["model_year"]).dt.year.astype(int)
    df["name"] = df["name"].astype(str)
    df["origin"] = df["origin"].astype(str)
    df = df[["name", "origin", "model_year", "cylinders", "displacement", "horsepower", "weight", "acceleration", TARGET]]
    return split(shuffle_ids(df, SEED), TARGET, SEED, stratify=False)


def numeric(df: pd.DataFrame) -> pd.DataFrame:
    out = df.drop(columns=["id", "name", "origin", TARGET], errors="ignore").astype(float)
    for origin in ("USA", "Europe", "Japan"):
        out[f"origin_{origin.lower()}"] = (df["origin"] == origin).astype(float)
    return out


def features(df: pd.DataFrame) -> pd.DataFrame:
    """The measurements, the origin, and the make (the first word of the model name) as categories;
    the full name is nearly unique per row."""
    out = df.drop(columns=["name"]).copy()
    out["make"] = df["name"].str.split().str[0]
    return out


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted mpg on test): the shared ladder of real attempts."""
    yield from ladder(features(train), features(test), TARGET, "mae", seed=SEED)


TASK = Task(
    id="cars",
    name="Auto MPG",
    type="tabular-regression",
    metric="mae",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    # A constant placeholder near the training mean, like Kaggle's dummy sample submissions.
    sample_value=23.0,
    versions={"vega_datasets": vega_datasets.__version__},
    leaderboard_date="2025-06-18 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
