#!/usr/bin/env python3
"""Build the `digits` task (Crucible layout, image-classification) from scikit-learn's bundled
handwritten digits (the UCI optical recognition set, 8x8 images).

    python tasks/digits/prepare.py OUTDIR [--print-checksums]

Every image is written as an 8x8 8-bit grayscale PNG under public/images/<id>.png (pixel values
0..16 scaled to 0..255) by a tiny pure-Python PNG writer, so the bytes are the same everywhere.
train.csv holds id,image,target with image the path relative to the data folder; test.csv id,image.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits

HERE = Path(__file__).resolve().parent
# The shared builder (tasks/_lib); a copy of this script run from elsewhere finds it from the project root.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(next((p for p in (HERE.parent / "_lib", Path.cwd() / "tasks" / "_lib") if p.is_dir()), HERE)))
from ladder import ladder  # noqa: E402
from taskbuild import Task, build, png_gray8, shuffle_ids, split  # noqa: E402

SEED = 20250613
TARGET = "target"
PIXELS = [f"px{i:02d}" for i in range(64)]

# MD5 of every produced data file, computed once with scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6.
EXPECTED_MD5 = {
    "public/images/": "005e3d94c25a7062feed6ecb40cfa04e",
    "public/sample_submission.csv": "9957cc8451ebea0b37ce6b7dcac4ecd2",
    "public/test.csv": "4b330c740b0363a42ab130390b14e224",
    "public/train.csv": "e3e62300ecdca44408b86749e03adcd0",
    "private/answers.csv": "0c7c4ece3f899cf2281e888a944a5deb",
    "private/selection.csv": "1e6deb29c2aaf9530d128686cd15fb3f",
}

# Reference accuracies (5 decimals) of the leaderboard; recomputed on every build and compared, but
# the committed values are what gets written, so thresholds are identical on every machine.
EXPECTED_SCORES = {
    "default_logreg": 0.97333,
    "default_lda": 0.95333,
    "default_nb": 0.88,
    "default_knn": 0.97333,
    "default_tree": 0.85556,
    "default_rf": 0.98222,
    "default_extra_trees": 0.98889,
    "default_adaboost": 0.72222,
    "default_gb": 0.95333,
    "default_hgb": 0.97111,
    "default_svm": 0.97333,
    "default_mlp": 0.97111,
    "logreg_tuned": 0.97333,
    "knn_tuned": 0.97556,
    "tree_tuned": 0.85556,
    "rf_tuned": 0.97333,
    "extra_trees_tuned": 0.98444,
    "hgb_tuned": 0.96889,
    "svm_tuned": 0.98,
    "mlp_tuned": 0.97556,
    "ensemble_top3": 0.98222,
    "stack_top3": 0.97778,
}
SCORE_TOLERANCE = 1e-3


def build_frames():
    data = load_digits()
    # 0..16 → 0..255, the gray levels a solution reads back from the PNGs.
    pixels = np.rint(data.data * 255.0 / 16.0).astype(np.uint8)
    df = pd.DataFrame(pixels, columns=PIXELS)
    df[TARGET] = data.target.astype(int)
    df = shuffle_ids(df, SEED)
    df.insert(1, "image", [f"images/{i}.png" for i in df["id"]])
    return split(df, TARGET, SEED, stratify=True)


def write_images(out: Path, rows: pd.DataFrame) -> None:
    folder = out / "public" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    for image, px in zip(rows["image"], rows[PIXELS].to_numpy()):
        (out / "public" / image).write_bytes(png_gray8(px.reshape(8, 8)))


def reference_solutions(train: pd.DataFrame, test: pd.DataFrame):
    """(team, predicted digit on test): the shared ladder of real attempts on the 64 gray levels
    (the pixels a solution reads back from the PNGs)."""
    yield from ladder(train, test, TARGET, "accuracy", kind="image", features=PIXELS, seed=SEED)


TASK = Task(
    id="digits",
    name="Handwritten Digits",
    type="image-classification",
    metric="accuracy",
    target=TARGET,
    source_dir=HERE,
    expected_md5=EXPECTED_MD5,
    expected_scores=EXPECTED_SCORES,
    score_tolerance=SCORE_TOLERANCE,
    sample_value=0,
    columns=["image"],
)

if __name__ == "__main__":
    build(TASK, sys.argv[1:], build_frames, reference_solutions, write_extra=write_images)
