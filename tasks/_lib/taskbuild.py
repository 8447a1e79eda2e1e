"""Shared builder of the bundled tasks: every tasks/<id>/prepare.py describes its data and its
reference solutions, and calls `build(...)`, which does the rest the same way for every task:

- argument handling: `prepare.py OUTDIR [--print-checksums]`;
- the split: a test part (scored, answers in private/answers.csv) and a selection holdout taken
  from the remaining rows (answers in private/selection.csv), both with a fixed seed; the inputs of
  the holdout rows are appended to public/test.csv and public/sample_submission.csv, sorted by id
  with the test rows, so that nobody can tell them apart;
- sorted, deterministic CSV output, task.yaml, description.md (task folder and public/ copy);
- MD5 of every produced data file, asserted against the committed values: a mismatch fails the
  build naming the file, the expected and the actual checksum and the library versions;
- the leaderboard: reference solutions scored on the test answers only (never the holdout),
  compared with the committed scores within a tolerance, written best first from the committed
  values so that medal thresholds are identical on every machine.

This folder is not a task (it has no prepare.py) and scripts/setup.sh skips it; a change to it
rebuilds every task, because setup's per-task stamp hashes it too.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import sys
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics as skm
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

# Reference solutions are deliberately of every quality, some of them not converged: no noise in the build log.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

ID = "id"
TEST_SIZE = 0.25
HOLDOUT_SIZE = 0.15

MAXIMIZE = {"accuracy", "auc", "f1"}
MINIMIZE = {"logloss", "rmse", "mae"}


def class_logloss(y_true, probs, classes) -> float:
    """Multi-class log loss of one probability column per class (columns in `classes` order), as
    src/tasks/metrics.ts scores it and Kaggle does: clipped to [eps, 1 - eps], each row divided by
    its sum, the mean of -log p(true class)."""
    p = np.clip(np.asarray(probs, dtype=float), np.finfo(float).eps, 1 - np.finfo(float).eps)
    p = p / p.sum(axis=1, keepdims=True)
    index = {c: i for i, c in enumerate(classes)}
    truth = np.array([index[v] for v in y_true])
    return float(-np.mean(np.log(p[np.arange(len(truth)), truth])))


def score(metric: str, y_true, y_pred, classes=None) -> float:
    """The task metric as scikit-learn computes it (src/tasks/metrics.ts agrees with these). With
    `classes`, y_pred is an (n, k) array of class probabilities in that column order."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if classes is not None:
        if y_pred.shape != (len(y_true), len(classes)):
            raise ValueError(f"expected {len(y_true)} x {len(classes)} class probabilities, got shape {y_pred.shape}")
        if metric == "logloss":
            return class_logloss(y_true, y_pred, classes)
        if metric == "auc":
            return float(skm.roc_auc_score(y_true, y_pred, multi_class="ovr", average="macro", labels=list(classes)))
        raise ValueError(f"{metric} cannot score class probabilities (logloss or auc)")
    if metric == "accuracy":
        return float(skm.accuracy_score(y_true, y_pred))
    if metric == "auc":
        return float(skm.roc_auc_score(y_true, y_pred))
    if metric == "logloss":
        return float(skm.log_loss(y_true, np.clip(y_pred.astype(float), 0.0, 1.0), labels=[0, 1]))
    if metric == "rmse":
        return float(np.sqrt(skm.mean_squared_error(y_true, y_pred)))
    if metric == "mae":
        return float(skm.mean_absolute_error(y_true, y_pred))
    if metric == "f1":
        return float(skm.f1_score(y_true, y_pred, zero_division=0))
    raise ValueError(f"unknown metric {metric}")


def npm_package(task_id: str, package: str, source_dir: Path) -> Path:
    """An npm data package: CRUCIBLE_NODE_MODULES, else node_modules/ of the project `source_dir` is
    in (or of the working directory, for a copy run from elsewhere)."""
    roots = [Path(os.environ["CRUCIBLE_NODE_MODULES"])] if os.environ.get("CRUCIBLE_NODE_MODULES") else []
    roots += [source_dir.parent.parent / "node_modules", Path.cwd() / "node_modules"]
    for root in roots:
        if (root / package / "data").is_dir():
            return root / package
    sys.exit(f"{task_id}: npm package {package} not found in {', '.join(map(str, roots))}; run `npm ci` (scripts/setup.sh does)")


def shuffle_ids(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Rows in a seeded random order, numbered 1..n in a new first column `id`, so that ids carry
    no trace of the source's row order."""
    order = np.random.default_rng(seed).permutation(len(df))
    df = df.iloc[order].reset_index(drop=True)
    df.insert(0, ID, np.arange(1, len(df) + 1))
    return df


def split(df: pd.DataFrame, target: str, seed: int, stratify: bool,
          test_size: float = TEST_SIZE, holdout_size: float = HOLDOUT_SIZE):
    """(train, test, holdout), each sorted by id. The test part is taken first, exactly as the
    tasks did before the holdout existed; the holdout is `holdout_size` of the remaining rows."""
    rest, test = train_test_split(df, test_size=test_size, random_state=seed,
                                  stratify=df[target] if stratify else None)
    train, holdout = train_test_split(rest, test_size=holdout_size, random_state=seed + 7,
                                      stratify=rest[target] if stratify else None)

    def tidy(part):
        return part.sort_values(ID).reset_index(drop=True)

    return tidy(train), tidy(test), tidy(holdout)


def md5_bytes(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5(path: Path) -> str:
    return md5_bytes(path.read_bytes())


def data_checksums(out: Path) -> dict:
    """MD5 of every produced data file under public/ and private/ (descriptions excluded). The files
    of a sub-folder (public/images/) count as one entry, `public/images/`: the MD5 of their sorted
    "name md5" lines, so that a thousand images need one committed value."""
    sums = {}
    for part in ("public", "private"):
        base = out / part
        for p in sorted(base.iterdir()):
            if p.is_file() and p.name != "description.md":
                sums[f"{part}/{p.name}"] = md5(p)
            elif p.is_dir():
                lines = "".join(f"{f.relative_to(p).as_posix()} {md5(f)}\n"
                                for f in sorted(p.rglob("*")) if f.is_file())
                sums[f"{part}/{p.name}/"] = md5_bytes(lines.encode())
    return sums


def png_gray8(pixels) -> bytes:
    """An 8-bit grayscale PNG of a 2-D uint8 array, byte for byte the same everywhere: the zlib
    stream is written by hand with stored (uncompressed) blocks, so no zlib version can change it."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    h, w = pixels.shape
    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))  # filter type 0 per row
    stream = bytearray(b"\x78\x01")
    for start in range(0, max(len(raw), 1), 65535):
        block = raw[start:start + 65535]
        final = 1 if start + 65535 >= len(raw) else 0
        stream += struct.pack("<BHH", final, len(block), 0xFFFF ^ len(block)) + block
    stream += struct.pack(">I", zlib.adler32(raw) & 0xFFFFFFFF)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", bytes(stream))
            + chunk(b"IEND", b""))


@dataclass
class Task:
    id: str
    name: str
    type: str
    metric: str
    target: str
    source_dir: Path
    expected_md5: dict
    expected_scores: dict
    score_tolerance: float
    # Value of every row of the sample submission (a probability, a number or a class label);
    # ignored with class_probabilities.
    sample_value: object
    # The submission holds one probability column per class of the target (named by the class, in
    # sorted order, as scikit-learn's predict_proba), uniform in the sample; answers keep the label.
    # Reference solutions then yield (n, k) arrays in that column order.
    class_probabilities: bool = False
    # Input columns written to the public files, in order (id first, target last in train);
    # None: every column of the frames. Others stay in memory for the reference solutions.
    columns: Optional[list] = None
    # Extra library versions that the data depends on, for the mismatch message.
    versions: dict = field(default_factory=dict)
    # submissionDate of every leaderboard row.
    leaderboard_date: str = "2025-06-11 00:00:00"


def versions_line(task: Task) -> str:
    libs = {"scikit-learn": sklearn.__version__, "pandas": pd.__version__, "numpy": np.__version__}
    libs.update(task.versions)
    return ", ".join(f"{k} {v}" for k, v in libs.items())


def task_yaml(task: Task) -> str:
    direction = "maximize" if task.metric in MAXIMIZE else "minimize"
    return (
        f"id: {task.id}\n"
        f"name: {json.dumps(task.name)}\n"  # quoted: a name may hold ": " (JSON strings are YAML)
        f"type: {task.type}\n"
        f"metric: {task.metric}\n"
        f"direction: {direction}\n"
        f"target: {task.target}\n"
        f"id_column: {ID}\n"
        "files:\n"
        "  train: train.csv\n"
        "  test: test.csv\n"
        "  sample_submission: sample_submission.csv\n"
        "answers: private/answers.csv\n"
        "selection: private/selection.csv\n"
        "leaderboard: leaderboard.csv\n"
    )


def build(task: Task, argv: list,
          frames: Callable[[], tuple],
          references: Callable[[pd.DataFrame, pd.DataFrame], Iterable],
          write_extra: Optional[Callable[[Path, pd.DataFrame], None]] = None) -> None:
    """Builds `task` into argv's OUTDIR.

    frames() -> (train, test, holdout) DataFrames with `id`, the input columns and the target.
    references(train, test) yields (team, predictions for the test rows, in test's row order: one
    value per row, or with class_probabilities an (n, k) array in sorted class order); `test` is
    given without its target.
    write_extra(out, all_rows) writes further public files (e.g. images) before the checksums.
    """
    args = [a for a in argv if not a.startswith("--")]
    print_only = "--print-checksums" in argv
    if len(args) != 1:
        sys.exit(f"usage: python {sys.argv[0]} OUTDIR [--print-checksums]")
    out = Path(args[0])
    public, private = out / "public", out / "private"
    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)

    train, test, holdout = frames()
    inputs = task.columns if task.columns is not None else [c for c in train.columns if c not in (ID, task.target)]
    unseen = pd.concat([test, holdout]).sort_values(ID).reset_index(drop=True)

    if write_extra is not None:
        write_extra(out, pd.concat([train, unseen]).sort_values(ID).reset_index(drop=True))
    train[[ID, *inputs, task.target]].to_csv(public / "train.csv", index=False)
    unseen[[ID, *inputs]].to_csv(public / "test.csv", index=False)
    classes = sorted(pd.concat([train, test, holdout])[task.target].unique()) if task.class_probabilities else None
    if classes is not None:
        if ID in map(str, classes):
            sys.exit(f"{task.id}: a class of `{task.target}` is named like the id column `{ID}`")
        sample = pd.DataFrame({ID: unseen[ID], **{str(c): 1.0 / len(classes) for c in classes}})
    else:
        sample = pd.DataFrame({ID: unseen[ID], task.target: task.sample_value})
    sample.to_csv(public / "sample_submission.csv", index=False)
    test[[ID, task.target]].to_csv(private / "answers.csv", index=False)
    holdout[[ID, task.target]].to_csv(private / "selection.csv", index=False)

    versions = versions_line(task)
    actual = data_checksums(out)
    # Data first: a checksum mismatch fails before any reference model is fitted.
    bad = [f"  {rel}: expected {task.expected_md5.get(rel, '(none committed)')}, got {actual.get(rel, '(not produced)')}"
           for rel in sorted(set(actual) | set(task.expected_md5)) if actual.get(rel) != task.expected_md5.get(rel)]
    if bad and not print_only:
        sys.exit(f"{task.id}: produced data differs from the committed checksums ({versions}):\n" + "\n".join(bad))

    y_test = test[task.target].to_numpy()
    scores = {}
    # One thread per native thread pool (OpenMP, BLAS): on a busy machine the spinning threads of
    # HistGradientBoosting run ten times slower, and the scores then never depend on the core count.
    with threadpool_limits(1):
        scored = list(references(train, test.drop(columns=[task.target])))
    for team, pred in scored:
        if team in scores:
            sys.exit(f"{task.id}: reference team {team} defined twice")
        pred = np.asarray(pred)
        if len(pred) != len(test):
            sys.exit(f"{task.id}: reference {team} predicted {len(pred)} rows, test has {len(test)}")
        scores[team] = round(score(task.metric, y_test, pred, classes), 5)
    if print_only:
        print(f"# {versions}")
        print("EXPECTED_MD5 = {")
        for rel, h in actual.items():
            print(f'    "{rel}": "{h}",')
        print("}")
        print("EXPECTED_SCORES = {")
        for team, s in scores.items():
            print(f'    "{team}": {s},')
        print("}")
        return
    drift = [f"  {t}: expected {task.expected_scores.get(t)}, got {s}" for t, s in scores.items()
             if t not in task.expected_scores or abs(task.expected_scores[t] - s) > task.score_tolerance]
    drift += [f"  {t}: expected {s}, no longer produced" for t, s in task.expected_scores.items() if t not in scores]
    if drift:
        sys.exit(f"{task.id}: reference scores differ from the committed leaderboard ({versions}):\n" + "\n".join(drift))

    # Best first, as a Kaggle leaderboard in final rank order; ties keep definition order.
    sign = -1.0 if task.metric in MAXIMIZE else 1.0
    board = sorted(task.expected_scores.items(), key=lambda kv: sign * kv[1])
    pd.DataFrame({
        "scoreNullable": [s for _, s in board],
        "teamId": [t for t, _ in board],
        "hasTeamName": True,
        "submissionDate": task.leaderboard_date,
        "score": [s for _, s in board],
        "hasScore": True,
    }).to_csv(out / "leaderboard.csv", index=False)

    (out / "task.yaml").write_text(task_yaml(task))
    shutil.copyfile(task.source_dir / "description.md", out / "description.md")
    shutil.copyfile(task.source_dir / "description.md", public / "description.md")
    (out / "checksums.yaml").write_text(
        f"# MD5 of the produced data files, asserted by prepare.py ({versions})\n"
        + "".join(f"{rel}: {h}\n" for rel, h in sorted(actual.items())))
