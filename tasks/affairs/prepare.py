#!/usr/bin/env python3
"""Build the `affairs` task (Crucible layout, binary tabular-classification scored by log loss) from
statsmodels' bundled `fair` data: Redbook magazine's 1974 survey of married women (R. Fair, 1978).

    python tasks/affairs/prepare.py OUTDIR [--print-checksums]

The target is whether the respondent reported any time spent in extramarital affairs (affairs > 0);
the amount itself is dropped, since it is the answer.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from statsmodels.datasets import fair

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250616
TARGET = "affair"

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6, statsmodels 0.15.0.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "e4d0511e9adc99a6a01e3e2275508126",
    "public/test.csv": "b3778e3878f1e22e34cb464277d679b4",
    "public/train.csv": "b47ed3293621d89c1b467d6c95d48859",
    "private/answers.csv": "0269dc56acae46fce72c9236626e6707",
    "private/selection.csv": "ac4b79af6e62baa37dff259a7aaccc98",
}

# Reference log losses (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "constant_0.5": 0.69315,
    "constant_train_rate": 0.62854,
    "random_uniform": 0.99286,
    "logreg_educ": 0.62608,
    "logreg_age": 0.62037,
    "logreg_yrs_married": 0.61378,
    "logreg_rate_marriage": 0.57498,
    "logreg_marriage_religion_years": 0.56222,
    "logreg_all": 0.55802,
    "logreg_all_C0.0003": 0.59673,
    "logreg_all_60_rows": 0.70129,
    "logreg_all_30pct_label_noise": 0.614,
    "logreg_onehot": 0.54175,
    "logreg_hard_labels_0.9": 0.73748,
    "naive_bayes": 0.62731,
    "knn_k5": 2.36384,
    "knn_k100": 0.55464,
    "tree_depth2": 0.56184,
    "tree_depth5_leaf50": 0.56093,
    "random_forest_leaf20": 0.54847,
    "random_forest_leaf1_clipped": 0.65403,
    "gradient_boosting": 0.54217,
    "gradient_boosting_deep": 0.69597,
}
SCORE_TOLERANCE = 1e-3


def build_frames():
    df = fair.load_pandas().data.copy()
    df[TARGET] = (df.pop("affairs") > 0).astype(int)
    # The survey's answers are stored as floats; whole-number columns read better as integers.
    for col in df.columns:
        if (df[col] % 1 == 0).all():
            df[col] = df[col].astype(int)
    return split(shuffle_ids(df, SEED), TARGET, SEED, stratify=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted probability of an affair on test) for a spread of weak to strong models."""
    feats = [c for c in train.columns if c not in ("id", TARGET)]
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)

    def fit(model, cols=feats, labels=y, rows=None):
        x = train[cols] if rows is None else train[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return model.fit(x, lab).predict_proba(test[cols])[:, 1]

    def lr(c=1.0):
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, 1 - y, y)

    def hard(p, confidence):
        # Hard decisions reported as near-certain probabilities: what a classifier's labels cost in log loss.
        return np.where(p >= 0.5, confidence, 1.0 - confidence)

    onehot = make_pipeline(OneHotEncoder(handle_unknown="ignore"), LogisticRegression(C=1.0, max_iter=2000))
    few = rng.choice(len(y), size=60, replace=False)
    refs = [
        ("constant_0.5", lambda: np.full(len(test), 0.5)),
        ("constant_train_rate", lambda: np.full(len(test), y.mean())),
        ("random_uniform", lambda: rng.random(len(test))),
        ("logreg_educ", lambda: fit(lr(), ["educ"])),
        ("logreg_age", lambda: fit(lr(), ["age"])),
        ("logreg_yrs_married", lambda: fit(lr(), ["yrs_married"])),
        ("logreg_rate_marriage", lambda: fit(lr(), ["rate_marriage"])),
        ("logreg_marriage_religion_years", lambda: fit(lr(), ["rate_marriage", "religious", "yrs_married"])),
        ("logreg_all", lambda: fit(lr())),
        ("logreg_all_C0.0003", lambda: fit(lr(0.0003))),
        ("logreg_all_60_rows", lambda: fit(lr(), rows=few)),
        ("logreg_all_30pct_label_noise", lambda: fit(lr(), labels=noisy(0.3))),
        ("logreg_onehot", lambda: fit(onehot)),
        ("logreg_hard_labels_0.9", lambda: hard(fit(lr()), 0.9)),
        ("naive_bayes", lambda: fit(GaussianNB())),
        ("knn_k5", lambda: fit(make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5)))),
        ("knn_k100", lambda: fit(make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=100)))),
        ("tree_depth2", lambda: fit(DecisionTreeClassifier(max_depth=2, random_state=SEED))),
        ("tree_depth5_leaf50", lambda: fit(DecisionTreeClassifier(max_depth=5, min_samples_leaf=50, random_state=SEED))),
        ("random_forest_leaf20", lambda: fit(RandomForestClassifier(n_estimators=200, min_samples_leaf=20, random_state=SEED))),
        ("random_forest_leaf1_clipped", lambda: np.clip(fit(RandomForestClassifier(n_estimators=100, random_state=SEED)), 0.02, 0.98)),
        ("gradient_boosting", lambda: fit(GradientBoostingClassifier(n_estimators=150, max_depth=2, learning_rate=0.05, random_state=SEED))),
        ("gradient_boosting_deep", lambda: np.clip(fit(GradientBoostingClassifier(n_estimators=300, max_depth=6, random_state=SEED)), 0.01, 0.99)),
    ]
    for team, predict in refs:
        yield team, predict()


TASK = Task(
    id="affairs",
    name="Affairs (Redbook 1974 Survey)",
    type="tabular-classification",
    metric="logloss",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=0.5,
    versions={"statsmodels": statsmodels.__version__},
    leaderboard_date="2025-06-16 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
