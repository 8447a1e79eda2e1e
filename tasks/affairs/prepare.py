#!/usr/bin/env python3
"""Build the `affairs` task (Crucible layout, binary tabular-classification scored by log loss) from
statsmodels' bundled `fair` data: Redbook magazine's 1974 survey of married women (R. Fair, 1978).

    python tasks/affairs/prepare.py OUTDIR [--print-checksums]

The target is whether the respondent reported any time spent in extramarital affairs (affairs > 0);
the amount itself is dropped, since it is the answer.
"""
import sys
from pathlib import Path

import pandas as pd
import statsmodels
from statsmodels.datasets import fair

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
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
    "default_logreg": 0.55648,
    "default_lda": 0.55709,
    "default_nb": 0.76036,
    "default_knn": 2.16865,
    "default_tree": 12.1783,
    "default_rf": 0.88298,
    "default_extra_trees": 3.40176,
    "default_adaboost": 0.59254,
    "default_gb": 0.5451,
    "default_hgb": 0.56952,
    "default_svm": 0.57073,
    "default_mlp": 0.58969,
    "logreg_tuned": 0.55618,
    "knn_tuned": 0.57383,
    "tree_tuned": 0.56172,
    "rf_tuned": 0.55596,
    "extra_trees_tuned": 0.55771,
    "hgb_tuned": 0.55155,
    "svm_tuned": 0.57196,
    "mlp_tuned": 0.55478,
    "ensemble_top3": 0.54895,
    "stack_top3": 0.55169,
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
    """(team, predicted probability of an affair on test): the shared ladder of real attempts. The
    two occupation columns are codes (1-6), not quantities, so they are one-hot encoded."""
    yield from ladder(train, test, TARGET, "logloss", categorical=["occupation", "occupation_husb"], seed=SEED)


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
