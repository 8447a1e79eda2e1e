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

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
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
    "constant_zero": 173.2777,
    "constant_train_mean": 81.34323,
    "constant_train_median": 82.08022,
    "random_normal": 109.71413,
    "linear_sex": 81.79901,
    "linear_age": 79.75139,
    "linear_blood_pressure": 73.2391,
    "linear_bmi": 69.1039,
    "linear_log_triglycerides": 65.55913,
    "linear_bmi_triglycerides": 61.59346,
    "linear_all": 57.08928,
    "linear_all_30_rows": 71.49896,
    "linear_all_noisy_target": 71.64857,
    "ridge_alpha1": 57.15913,
    "ridge_alpha100": 58.39312,
    "ridge_alpha1000": 67.92839,
    "lasso_alpha1": 57.51745,
    "knn_k1": 82.82746,
    "knn_k5": 60.26164,
    "knn_k20": 60.84172,
    "tree_depth1": 71.35217,
    "tree_depth3": 65.96534,
    "tree_full": 78.19766,
    "random_forest_200": 60.37957,
    "gradient_boosting": 59.93936,
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
    """(team, predicted progression on test) for a spread of weak to strong models."""
    feats = [c for c in train.columns if c not in ("id", TARGET)]
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)

    def fit(model, cols=feats, labels=y, rows=None):
        x = train[cols] if rows is None else train[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return model.fit(x, lab).predict(test[cols])

    def scaled(model):
        return make_pipeline(StandardScaler(), model)

    small = rng.choice(len(y), size=30, replace=False)
    noisy = y + rng.normal(0.0, 150.0, len(y))
    refs = [
        ("constant_zero", lambda: np.zeros(len(test))),
        ("constant_train_mean", lambda: np.full(len(test), y.mean())),
        ("constant_train_median", lambda: np.full(len(test), np.median(y))),
        ("random_normal", lambda: rng.normal(y.mean(), y.std(), len(test))),
        ("linear_sex", lambda: fit(LinearRegression(), ["sex"])),
        ("linear_age", lambda: fit(LinearRegression(), ["age"])),
        ("linear_blood_pressure", lambda: fit(LinearRegression(), ["blood_pressure"])),
        ("linear_bmi", lambda: fit(LinearRegression(), ["bmi"])),
        ("linear_log_triglycerides", lambda: fit(LinearRegression(), ["log_triglycerides"])),
        ("linear_bmi_triglycerides", lambda: fit(LinearRegression(), ["bmi", "log_triglycerides"])),
        ("linear_all", lambda: fit(LinearRegression())),
        ("linear_all_30_rows", lambda: fit(LinearRegression(), rows=small)),
        ("linear_all_noisy_target", lambda: fit(LinearRegression(), labels=noisy)),
        ("ridge_alpha1", lambda: fit(scaled(Ridge(alpha=1.0)))),
        ("ridge_alpha100", lambda: fit(scaled(Ridge(alpha=100.0)))),
        ("ridge_alpha1000", lambda: fit(scaled(Ridge(alpha=1000.0)))),
        ("lasso_alpha1", lambda: fit(scaled(Lasso(alpha=1.0)))),
        ("knn_k1", lambda: fit(scaled(KNeighborsRegressor(n_neighbors=1)))),
        ("knn_k5", lambda: fit(scaled(KNeighborsRegressor(n_neighbors=5)))),
        ("knn_k20", lambda: fit(scaled(KNeighborsRegressor(n_neighbors=20)))),
        ("tree_depth1", lambda: fit(DecisionTreeRegressor(max_depth=1, random_state=SEED))),
        ("tree_depth3", lambda: fit(DecisionTreeRegressor(max_depth=3, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeRegressor(random_state=SEED))),
        ("random_forest_200", lambda: fit(RandomForestRegressor(n_estimators=200, min_samples_leaf=5, random_state=SEED))),
        ("gradient_boosting", lambda: fit(GradientBoostingRegressor(n_estimators=100, max_depth=2, learning_rate=0.05, random_state=SEED))),
    ]
    for team, predict in refs:
        yield team, predict()


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
