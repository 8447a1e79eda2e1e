#!/usr/bin/env python3
"""Build the `breast-cancer` task (Crucible layout) from scikit-learn's bundled WDBC data.

    python tasks/breast-cancer/prepare.py OUTDIR [--print-checksums]

Writes OUTDIR/{task.yaml, description.md, checksums.yaml, leaderboard.csv, public/, private/}.
No network: the data ships inside the scikit-learn wheel. The split is fixed by SEED, and the
produced files are checked against committed MD5s so that a library upgrade that changes the data
fails here instead of silently moving every score and medal threshold.
"""
import hashlib
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
SEED = 20250611
TARGET = "target"

TASK_YAML = """\
id: breast-cancer
name: Breast Cancer Wisconsin (Diagnostic)
type: tabular-classification
metric: auc
direction: maximize
target: target
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
    "public/train.csv": "acaed4c450088761b08daa06b8c5e8ad",
    "public/test.csv": "019b9164138d1d5d5d2eed106fd33603",
    "public/sample_submission.csv": "5ad7ea0ed8aea7495351e45c8269d1dc",
    "private/answers.csv": "0206ba3c4d498f12680c97f32d594ee6",
}

# Reference AUCs (5 decimals) of the leaderboard below; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "constant_0.5": 0.5,
    "random_uniform": 0.54382,
    "one_feature_mean_fractal_dimension": 0.55985,
    "one_feature_texture_error": 0.51688,
    "one_feature_mean_symmetry": 0.71468,
    "one_feature_mean_texture": 0.77107,
    "one_feature_worst_area": 0.94696,
    "logreg_texture_smoothness": 0.78931,
    "logreg_all_C0.0001": 0.98134,
    "logreg_all_C0.01": 0.99119,
    "logreg_all_C1": 0.9956,
    "logreg_all_C100": 0.99078,
    "logreg_all_24_rows": 0.97065,
    "logreg_all_30pct_label_noise": 0.95472,
    "knn_k1_unscaled": 0.89895,
    "knn_k1": 0.90618,
    "knn_k5": 0.9783,
    "knn_k25": 0.99099,
    "tree_depth1": 0.88784,
    "tree_depth2": 0.9392,
    "tree_depth4": 0.93532,
    "tree_full": 0.90839,
    "naive_bayes_all": 0.98365,
    "naive_bayes_texture_symmetry": 0.81027,
    "random_forest_200": 0.98899,
    "random_forest_40pct_label_noise": 0.79235,
    "gradient_boosting": 0.98784,
}
SCORE_TOLERANCE = 1e-3


def snake(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def build_frames():
    data = load_breast_cancer(as_frame=True)
    features = data.data.rename(columns=snake)
    # sklearn codes benign as 1; the task's positive class is the diagnosis of interest, malignant.
    target = (data.target == 0).astype(int).rename(TARGET)
    df = pd.concat([features, target], axis=1)
    # Ids follow a seeded shuffle so that they carry no trace of the source file's row order.
    order = np.random.default_rng(SEED).permutation(len(df))
    df = df.iloc[order].reset_index(drop=True)
    df.insert(0, "id", np.arange(1, len(df) + 1))
    train, test = train_test_split(df, test_size=0.25, stratify=df[TARGET], random_state=SEED)
    return train.sort_values("id").reset_index(drop=True), test.sort_values("id").reset_index(drop=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted probability of malignant on test) for a spread of weak to strong models."""
    feats = [c for c in train.columns if c not in ("id", TARGET)]
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)

    def fit(model, cols=feats, labels=y, rows=None):
        x = train[cols] if rows is None else train[cols].iloc[rows]
        lab = labels if rows is None else labels[rows]
        return model.fit(x, lab).predict_proba(test[cols])[:, 1]

    def one_feature(col):
        # A single raw measurement as the score, oriented by its sign on the training data.
        sign = 1.0 if roc_auc_score(y, train[col]) >= 0.5 else -1.0
        return sign * test[col].to_numpy()

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, 1 - y, y)

    def scaled_lr(c):
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))

    def scaled_knn(k):
        return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))

    small = rng.choice(len(y), size=24, replace=False)
    refs = [
        ("constant_0.5", lambda: np.full(len(test), 0.5)),
        ("random_uniform", lambda: rng.random(len(test))),
        ("one_feature_mean_fractal_dimension", lambda: one_feature("mean_fractal_dimension")),
        ("one_feature_texture_error", lambda: one_feature("texture_error")),
        ("one_feature_mean_symmetry", lambda: one_feature("mean_symmetry")),
        ("one_feature_mean_texture", lambda: one_feature("mean_texture")),
        ("one_feature_worst_area", lambda: one_feature("worst_area")),
        ("logreg_texture_smoothness", lambda: fit(scaled_lr(1.0), ["mean_texture", "mean_smoothness"])),
        ("logreg_all_C0.0001", lambda: fit(scaled_lr(1e-4))),
        ("logreg_all_C0.01", lambda: fit(scaled_lr(0.01))),
        ("logreg_all_C1", lambda: fit(scaled_lr(1.0))),
        ("logreg_all_C100", lambda: fit(scaled_lr(100.0))),
        ("logreg_all_24_rows", lambda: fit(scaled_lr(1.0), rows=small)),
        ("logreg_all_30pct_label_noise", lambda: fit(scaled_lr(1.0), labels=noisy(0.3))),
        ("knn_k1_unscaled", lambda: fit(KNeighborsClassifier(n_neighbors=1))),
        ("knn_k1", lambda: fit(scaled_knn(1))),
        ("knn_k5", lambda: fit(scaled_knn(5))),
        ("knn_k25", lambda: fit(scaled_knn(25))),
        ("tree_depth1", lambda: fit(DecisionTreeClassifier(max_depth=1, random_state=SEED))),
        ("tree_depth2", lambda: fit(DecisionTreeClassifier(max_depth=2, random_state=SEED))),
        ("tree_depth4", lambda: fit(DecisionTreeClassifier(max_depth=4, random_state=SEED))),
        ("tree_full", lambda: fit(DecisionTreeClassifier(random_state=SEED))),
        ("naive_bayes_all", lambda: fit(GaussianNB())),
        ("naive_bayes_texture_symmetry", lambda: fit(GaussianNB(), ["mean_texture", "mean_symmetry"])),
        ("random_forest_200", lambda: fit(RandomForestClassifier(n_estimators=200, random_state=SEED))),
        ("random_forest_40pct_label_noise",
         lambda: fit(RandomForestClassifier(n_estimators=200, random_state=SEED), labels=noisy(0.4))),
        ("gradient_boosting", lambda: fit(GradientBoostingClassifier(random_state=SEED))),
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
    pd.DataFrame({"id": test["id"], TARGET: 0.5}).to_csv(public / "sample_submission.csv", index=False)
    test[["id", TARGET]].to_csv(private / "answers.csv", index=False)

    versions = f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}, numpy {np.__version__}"
    actual = {rel: md5(out / rel) for rel in EXPECTED_MD5}
    # Data first: a checksum mismatch fails before any reference model is fitted.
    bad = [f"  {rel}: expected {EXPECTED_MD5[rel]}, got {actual[rel]}" for rel in EXPECTED_MD5 if actual[rel] != EXPECTED_MD5[rel]]
    if bad and not print_only:
        sys.exit(f"breast-cancer: produced data differs from the committed checksums ({versions}):\n" + "\n".join(bad))
    scores = {team: round(float(roc_auc_score(test[TARGET], p)), 5) for team, p in reference_solutions(train, test)}
    if print_only:
        print(f"# {versions}")
        print("EXPECTED_MD5 =", actual)
        print("EXPECTED_SCORES =", scores)
        return
    drift = [f"  {t}: expected {EXPECTED_SCORES.get(t)}, got {s}" for t, s in scores.items()
             if t not in EXPECTED_SCORES or abs(EXPECTED_SCORES[t] - s) > SCORE_TOLERANCE]
    drift += [f"  {t}: expected {s}, no longer produced" for t, s in EXPECTED_SCORES.items() if t not in scores]
    if drift:
        sys.exit(f"breast-cancer: reference scores differ from the committed leaderboard ({versions}):\n" + "\n".join(drift))

    # Best first, as a Kaggle leaderboard in final rank order; ties keep definition order.
    board = sorted(EXPECTED_SCORES.items(), key=lambda kv: -kv[1])
    pd.DataFrame({
        "scoreNullable": [s for _, s in board],
        "teamId": [t for t, _ in board],
        "hasTeamName": True,
        "submissionDate": "2025-06-11 00:00:00",
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
