#!/usr/bin/env python3
"""Build the `diabetes` task (Crucible layout) from scikit-learn's bundled diabetes data.

    python tasks/diabetes/prepare.py OUTDIR [--print-checksums]

Writes OUTDIR/{task.yaml, description.md, checksums.yaml, leaderboard.csv, public/, private/}.
No network: the data ships inside the scikit-learn wheel. The split is fixed by SEED, and the
produced files are checked against committed MD5s so that a library upgrade that changes the data
fails here instead of silently moving every score and medal threshold. Lower RMSE is better, so
this task exercises the minimize direction end to end.
"""
import hashlib
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

HERE = Path(__file__).resolve().parent
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

TASK_YAML = """\
id: diabetes
name: Diabetes Progression
type: tabular-regression
metric: rmse
direction: minimize
target: progression
id_column: id
files:
  train: train.csv
  test: test.csv
  sample_submission: sample_submission.csv
answers: private/answers.csv
leaderboard: leaderboard.csv
"""

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6.
EXPECTED_MD5 = {
    "public/train.csv": "1f1807412731f864145ef4a685dc6adc",
    "public/test.csv": "5e83a046ac5c93f7e2aae490390c7040",
    "public/sample_submission.csv": "778325e3067aa2c1a4a97f598f493872",
    "private/answers.csv": "4acbb638d1509e43caa388825ef4c345",
}

# Reference RMSEs (5 decimals) of the leaderboard below; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "constant_zero": 173.2777,
    "constant_train_mean": 81.34802,
    "constant_train_median": 82.22021,
    "random_normal": 110.93512,
    "linear_sex": 81.83172,
    "linear_age": 79.75609,
    "linear_blood_pressure": 73.30212,
    "linear_bmi": 69.04354,
    "linear_log_triglycerides": 65.30847,
    "linear_bmi_triglycerides": 61.14114,
    "linear_all": 56.8531,
    "linear_all_30_rows": 63.65281,
    "linear_all_noisy_target": 58.89235,
    "ridge_alpha1": 56.90097,
    "ridge_alpha100": 58.1857,
    "ridge_alpha1000": 67.05879,
    "lasso_alpha1": 57.42027,
    "knn_k1": 83.08717,
    "knn_k5": 59.63325,
    "knn_k20": 60.66219,
    "tree_depth1": 69.12009,
    "tree_depth3": 66.62534,
    "tree_full": 77.56741,
    "random_forest_200": 60.41332,
    "gradient_boosting": 59.69466,
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
    # Ids follow a seeded shuffle so that they carry no trace of the source file's row order.
    order = np.random.default_rng(SEED).permutation(len(df))
    df = df.iloc[order].reset_index(drop=True)
    df.insert(0, "id", np.arange(1, len(df) + 1))
    train, test = train_test_split(df, test_size=0.25, random_state=SEED)
    return train.sort_values("id").reset_index(drop=True), test.sort_values("id").reset_index(drop=True)


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


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    print_only = "--print-checksums" in argv
    if len(args) != 1:
        sys.exit(__doc__)
    out = Path(args[0])
    public, private = out / "public", out / "private"
    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)

    train, test = build_frames()
    train.to_csv(public / "train.csv", index=False)
    test.drop(columns=[TARGET]).to_csv(public / "test.csv", index=False)
    # A constant placeholder near the training mean, like Kaggle's dummy sample submissions.
    pd.DataFrame({"id": test["id"], TARGET: 150.0}).to_csv(public / "sample_submission.csv", index=False)
    test[["id", TARGET]].to_csv(private / "answers.csv", index=False)

    versions = f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}, numpy {np.__version__}"
    actual = {rel: md5(out / rel) for rel in EXPECTED_MD5}
    # Data first: a checksum mismatch fails before any reference model is fitted.
    bad = [f"  {rel}: expected {EXPECTED_MD5[rel]}, got {actual[rel]}" for rel in EXPECTED_MD5 if actual[rel] != EXPECTED_MD5[rel]]
    if bad and not print_only:
        sys.exit(f"diabetes: produced data differs from the committed checksums ({versions}):\n" + "\n".join(bad))
    scores = {team: round(float(np.sqrt(mean_squared_error(test[TARGET], p))), 5)
              for team, p in reference_solutions(train, test)}
    if print_only:
        print(f"# {versions}")
        print("EXPECTED_MD5 =", actual)
        print("EXPECTED_SCORES =", scores)
        return
    drift = [f"  {t}: expected {EXPECTED_SCORES.get(t)}, got {s}" for t, s in scores.items()
             if t not in EXPECTED_SCORES or abs(EXPECTED_SCORES[t] - s) > SCORE_TOLERANCE]
    drift += [f"  {t}: expected {s}, no longer produced" for t, s in EXPECTED_SCORES.items() if t not in scores]
    if drift:
        sys.exit(f"diabetes: reference scores differ from the committed leaderboard ({versions}):\n" + "\n".join(drift))

    # Best (lowest RMSE) first, as a Kaggle leaderboard in final rank order; ties keep definition order.
    board = sorted(EXPECTED_SCORES.items(), key=lambda kv: kv[1])
    pd.DataFrame({
        "scoreNullable": [s for _, s in board],
        "teamId": [t for t, _ in board],
        "hasTeamName": True,
        "submissionDate": "2025-06-12 00:00:00",
        "score": [s for _, s in board],
        "hasScore": True,
    }).to_csv(out / "leaderboard.csv", index=False)

    (out / "task.yaml").write_text(TASK_YAML)
    shutil.copyfile(HERE / "description.md", out / "description.md")
    shutil.copyfile(HERE / "description.md", public / "description.md")
    (out / "checksums.yaml").write_text(
        "# MD5 of the produced data files, asserted by prepare.py\n"
        + "".join(f"{rel}: {h}\n" for rel, h in sorted(actual.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
