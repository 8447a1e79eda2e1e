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
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from vega_datasets import data as vega

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
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
    "constant_sun": 0.48907,
    "constant_rain": 0.1776,
    "random_label": 0.19672,
    "rule_wet_rain_else_sun": 0.60383,
    "tree_precipitation": 0.67213,
    "tree_wind": 0.50546,
    "tree_year": 0.53552,
    "tree_precipitation_year": 0.77596,
    "tree_depth6": 0.78689,
    "tree_full": 0.74863,
    "naive_bayes": 0.30328,
    "logreg_measurements": 0.63388,
    "logreg_all": 0.7459,
    "logreg_all_C0.001": 0.55191,
    "logreg_all_40_rows": 0.58743,
    "knn_k1": 0.67486,
    "knn_k15": 0.7377,
    "random_forest_measurements": 0.67213,
    "random_forest_all": 0.81421,
    "random_forest_40pct_label_noise": 0.80328,
    "gradient_boosting": 0.8224,
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
    """(team, predicted weather label on test) for a spread of weak to strong models."""
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)
    xtr, xte = calendar(train.drop(columns=["id", TARGET])), calendar(test.drop(columns=["id"]))
    measured = ["precipitation", "temp_max", "temp_min", "wind"]
    everything = list(xtr.columns)

    def fit(model, cols=everything, labels=y, rows=None):
        x = xtr[cols] if rows is None else xtr[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return model.fit(x, lab).predict(xte[cols])

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, rng.choice(CLASSES, len(y)), y)

    def lr(c=1.0):
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000))

    def rf(**kw):
        return RandomForestClassifier(n_estimators=200, random_state=SEED, **kw)

    few = rng.choice(len(y), size=40, replace=False)
    wet = xte["precipitation"].to_numpy() > 0
    refs = [
        ("constant_sun", lambda: np.full(len(test), "sun")),
        ("constant_rain", lambda: np.full(len(test), "rain")),
        ("random_label", lambda: rng.choice(CLASSES, len(test))),
        ("rule_wet_rain_else_sun", lambda: np.where(wet, "rain", "sun")),
        ("tree_precipitation", lambda: fit(DecisionTreeClassifier(max_depth=2, random_state=SEED), ["precipitation"])),
        ("tree_wind", lambda: fit(DecisionTreeClassifier(max_depth=3, random_state=SEED), ["wind"])),
        ("tree_year", lambda: fit(DecisionTreeClassifier(max_depth=3, random_state=SEED), ["year"])),
        ("tree_precipitation_year", lambda: fit(DecisionTreeClassifier(max_depth=4, random_state=SEED), ["precipitation", "year"])),
        ("tree_depth6", lambda: fit(DecisionTreeClassifier(max_depth=6, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeClassifier(random_state=SEED))),
        ("naive_bayes", lambda: fit(GaussianNB())),
        ("logreg_measurements", lambda: fit(lr(), measured)),
        ("logreg_all", lambda: fit(lr())),
        ("logreg_all_C0.001", lambda: fit(lr(0.001))),
        ("logreg_all_40_rows", lambda: fit(lr(), rows=few)),
        ("knn_k1", lambda: fit(make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=1)))),
        ("knn_k15", lambda: fit(make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15)))),
        ("random_forest_measurements", lambda: fit(rf(min_samples_leaf=3), measured)),
        ("random_forest_all", lambda: fit(rf(min_samples_leaf=3))),
        ("random_forest_40pct_label_noise", lambda: fit(rf(min_samples_leaf=3), labels=noisy(0.4))),
        ("gradient_boosting", lambda: fit(GradientBoostingClassifier(n_estimators=100, max_depth=3, learning_rate=0.05, random_state=SEED))),
    ]
    for team, predict in refs:
        yield team, predict()


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
