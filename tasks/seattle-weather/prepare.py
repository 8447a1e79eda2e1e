#!/usr/bin/env python3
"""Build the `seattle-weather` task (Crucible layout, multi-class tabular-classification with text
labels) from vega_datasets' bundled (local, offline) Seattle daily weather table, 2012-2015.

    python tasks/seattle-weather/prepare.py OUTDIR [--print-checksums]
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import vega_datasets
from vega_datasets import data as vega

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250617
TARGET = "weather"
CLASSES = ["drizzle", "fog", "rain", "snow", "sun"]

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6, vega_datasets 0.9.0.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "f5af01e3760481a6c82c8d92bf0b9086",
    "public/test.csv": "eb0ffafc40cb07aec52da898b073f422",
    "public/train.csv": "9e27f7fed6b18cffae866ebe5356e117",
    "private/answers.csv": "a350830e1d6f25bcfb3cf9ab897c7026",
    "private/selection.csv": "0503b633f333ee0314b465d1696b6955",
}

# Reference accuracies (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "default_logreg": 0.7459,
    "default_lda": 0.73224,
    "default_nb": 0.30328,
    "default_knn": 0.74044,
    "default_tree": 0.74863,
    "default_rf": 0.8224,
    "default_extra_trees": 0.79508,
    "default_adaboost": 0.75137,
    "default_gb": 0.80874,
    "default_hgb": 0.80601,
    "default_svm": 0.75683,
    "default_mlp": 0.75683,
    "logreg_tuned": 0.74863,
    "knn_tuned": 0.74317,
    "tree_tuned": 0.77596,
    "rf_tuned": 0.81967,
    "extra_trees_tuned": 0.81967,
    "hgb_tuned": 0.8388,
    "svm_tuned": 0.77049,
    "mlp_tuned": 0.71311,
    "ensemble_top3": 0.84153,
    "stack_top3": 0.84426,
}
SCORE_TOLERANCE = 1e-3


def build_frames():
    df = vega.seattle_weather()
    df["date"] = pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d")
    df[TARGET] = df[TARGET].astype(str)
    return split(shuffle_ids(df, SEED), TARGET, SEED, stratify=True)


def calendar(df: pd.DataFrame) -> pd.DataFrame:
    d = pd.to_datetime(df["date"])
    doy = d.dt.day_of_year.to_numpy()
    out = df.drop(columns=["date"]).copy()
    out["year"] = d.dt.year.to_numpy()
    out["season_sin"] = np.sin(2 * np.pi * doy / 365.25)
    out["season_cos"] = np.cos(2 * np.pi * doy / 365.25)
    return out


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted weather on test): the shared ladder of real attempts on the measurements and
    the calendar features (year, and the season as a point on the unit circle)."""
    yield from ladder(calendar(train), calendar(test), TARGET, "accuracy", seed=SEED)


TASK = Task(
    id="seattle-weather",
    name="Seattle Weather",
    type="tabular-classification",
    metric="accuracy",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value="sun",
    versions={"vega_datasets": vega_datasets.__version__},
    leaderboard_date="2025-06-17 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
