#!/usr/bin/env python3
"""Build the `cars` task (Crucible layout, tabular-regression scored by MAE) from vega_datasets'
bundled (local, offline) `cars` table: fuel economy of 1970-1982 car models (the UCI Auto MPG data).

    python tasks/cars/prepare.py OUTDIR [--print-checksums]

Rows without a recorded fuel economy are dropped; the few missing horsepower values are kept
missing, as in the source.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import vega_datasets
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor
from vega_datasets import data as vega

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
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
    "constant_zero": 23.964,
    "constant_train_mean": 6.23445,
    "constant_train_median": 6.392,
    "random_normal": 8.66347,
    "brand_mean": 5.26886,
    "linear_model_year": 6.25716,
    "linear_acceleration": 5.94741,
    "linear_cylinders": 3.62482,
    "linear_weight": 3.1769,
    "linear_weight_year": 2.46551,
    "linear_all": 2.46011,
    "linear_all_15_rows": 2.90469,
    "linear_all_noisy_target": 2.80468,
    "ridge_alpha300": 2.80901,
    "knn_k1": 2.429,
    "knn_k5": 2.269,
    "knn_k5_unscaled": 3.1334,
    "tree_depth1": 3.74716,
    "tree_depth3": 3.09136,
    "tree_full": 2.481,
    "random_forest_200": 1.97445,
    "gradient_boosting": 1.91425,
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


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted mpg on test) for a spread of weak to strong models."""
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)
    xtr, xte = numeric(train), numeric(test)
    everything = list(xtr.columns)

    def fit(model, cols=everything, labels=y, rows=None):
        x = xtr[cols] if rows is None else xtr[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return make_pipeline(SimpleImputer(strategy="median"), model).fit(x, lab).predict(xte[cols])

    def scaled(model):
        return make_pipeline(StandardScaler(), model)

    def brand(s):
        return s.str.split().str[0]

    def brand_mean():
        means = pd.Series(y).groupby(brand(train["name"]).to_numpy()).mean()
        return brand(test["name"]).map(means).fillna(y.mean()).to_numpy()

    few = rng.choice(len(y), size=15, replace=False)
    noisy = y + rng.normal(0.0, 8.0, len(y))
    refs = [
        ("constant_zero", lambda: np.zeros(len(test))),
        ("constant_train_mean", lambda: np.full(len(test), y.mean())),
        ("constant_train_median", lambda: np.full(len(test), np.median(y))),
        ("random_normal", lambda: rng.normal(y.mean(), y.std(), len(test))),
        ("brand_mean", brand_mean),
        ("linear_model_year", lambda: fit(LinearRegression(), ["model_year"])),
        ("linear_acceleration", lambda: fit(LinearRegression(), ["acceleration"])),
        ("linear_cylinders", lambda: fit(LinearRegression(), ["cylinders"])),
        ("linear_weight", lambda: fit(LinearRegression(), ["weight"])),
        ("linear_weight_year", lambda: fit(LinearRegression(), ["weight", "model_year"])),
        ("linear_all", lambda: fit(LinearRegression())),
        ("linear_all_15_rows", lambda: fit(LinearRegression(), rows=few)),
        ("linear_all_noisy_target", lambda: fit(LinearRegression(), labels=noisy)),
        ("ridge_alpha300", lambda: fit(scaled(Ridge(alpha=300.0)))),
        ("knn_k1", lambda: fit(scaled(KNeighborsRegressor(n_neighbors=1)))),
        ("knn_k5", lambda: fit(scaled(KNeighborsRegressor(n_neighbors=5)))),
        ("knn_k5_unscaled", lambda: fit(KNeighborsRegressor(n_neighbors=5))),
        ("tree_depth1", lambda: fit(DecisionTreeRegressor(max_depth=1, random_state=SEED))),
        ("tree_depth3", lambda: fit(DecisionTreeRegressor(max_depth=3, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeRegressor(random_state=SEED))),
        ("random_forest_200", lambda: fit(RandomForestRegressor(n_estimators=200, random_state=SEED))),
        ("gradient_boosting", lambda: fit(GradientBoostingRegressor(n_estimators=200, max_depth=3, learning_rate=0.05, random_state=SEED))),
    ]
    for team, predict in refs:
        yield team, predict()


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
