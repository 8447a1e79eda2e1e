"""What the AutoML runners share: the command line, the task's public tables as features, the clock,
and the submission in the sample submission's exact columns and order.

Column roles come from the data, never from a column's name: a column whose every value names an
image file under the public folder is an image (pixel features); a text column of long, mostly
distinct values is free text (TF-IDF where the library needs numbers); a text column of dates becomes
year, month, day and weekday numbers, as the offline agent's solutions make them, so no contender
reads a date as a category. Everything else goes to the library as it is.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd

STARTED = time.monotonic()
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
# Free text: at least this many words per value on average, and mostly distinct values. A car's
# model name (3 words, repeated) stays a category; a message body does not.
TEXT_MIN_WORDS = 5
TEXT_MIN_DISTINCT = 0.5
# A date: ISO (2012-01-31, with or without a time) or day/month/year with slashes.
DATE_PATTERN = r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})([ T].*)?$"


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--public", required=True, help="the task's public folder (image paths are relative to it)")
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--sample-submission", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--id-column", required=True)
    p.add_argument("--problem", required=True, choices=["binary", "multiclass", "regression"])
    p.add_argument("--metric", required=True, help="the metric in the library's own name")
    p.add_argument(
        "--output",
        required=True,
        choices=["value", "positive-probability", "class-probabilities"],
        help="a label or value per row; the probability of the positive class; one probability column per class",
    )
    p.add_argument("--budget", required=True, type=float, help="wall seconds for everything, this process's start included")
    p.add_argument("--n-jobs", required=True, type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", required=True, help="scratch folder; submission.csv is written here")
    return p.parse_args()


def remaining(budget):
    """Seconds left of the budget, counted from this process's start."""
    return budget - (time.monotonic() - STARTED)


def read_tables(args):
    ids = {args.id_column: str}
    train = pd.read_csv(args.train, dtype=ids)
    test = pd.read_csv(args.test, dtype=ids)
    sample = pd.read_csv(args.sample_submission, dtype=str, keep_default_na=False)
    for name, frame, needs in (("train", train, [args.id_column, args.target]), ("test", test, [args.id_column])):
        missing = [c for c in needs if c not in frame.columns]
        if missing:
            sys.exit(f"{getattr(args, name)}: missing column(s) {', '.join(missing)} (columns: {', '.join(frame.columns)})")
    if args.id_column not in sample.columns or len(sample.columns) < 2:
        sys.exit(f"{args.sample_submission}: needs `{args.id_column}` and at least one prediction column (got {', '.join(sample.columns)})")
    return train, test, sample


def feature_columns(train, test, args):
    return [c for c in train.columns if c not in (args.id_column, args.target) and c in test.columns]


def is_image_column(series, public):
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series) or len(values) == 0 or len(values) < len(series):
        return False
    if not all(isinstance(v, str) and v.lower().endswith(IMAGE_SUFFIXES) for v in values):
        return False
    return all(os.path.isfile(os.path.join(public, v)) for v in values.iloc[:20])


def is_text_column(series):
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series) or len(values) == 0 or not all(isinstance(v, str) for v in values):
        return False
    words = values.str.split().str.len().mean()
    return words >= TEXT_MIN_WORDS and values.nunique() / len(values) >= TEXT_MIN_DISTINCT


def is_date_column(series):
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series) or len(values) == 0 or not all(isinstance(v, str) for v in values):
        return False
    return values.str.match(DATE_PATTERN).mean() >= 0.9 and pd.to_datetime(values, errors="coerce").notna().mean() >= 0.9


def roles(train, test, args):
    """(image columns, free-text columns, date columns, other columns), decided on train and test together."""
    images, texts, dates, others = [], [], [], []
    for c in feature_columns(train, test, args):
        both = pd.concat([train[c], test[c]], ignore_index=True)
        if is_image_column(both, args.public):
            images.append(c)
        elif is_date_column(both):
            dates.append(c)
        elif is_text_column(both):
            texts.append(c)
        else:
            others.append(c)
    return images, texts, dates, others


def with_date_parts(train, test, dates):
    """(train, test, date-part columns): each date column replaced by its year, month, day and weekday."""
    out, names = [], []
    for frame in (train, test):
        frame = frame.copy()
        names = []
        for c in dates:
            when = pd.to_datetime(frame[c], errors="coerce")
            for part, values in (("year", when.dt.year), ("month", when.dt.month), ("day", when.dt.day), ("weekday", when.dt.dayofweek)):
                frame[f"{c}_{part}"] = values
                names.append(f"{c}_{part}")
        out.append(frame.drop(columns=dates))
    return out[0], out[1], names


def pixels(series, public, size):
    """Grey levels in [0, 1], one column per pixel, every image resized to `size`."""
    from PIL import Image

    rows = []
    for rel in series:
        with Image.open(os.path.join(public, rel)) as im:
            im = im.convert("L")
            if im.size != size:
                im = im.resize(size)
            rows.append(np.asarray(im, dtype=np.float32).ravel() / 255.0)
    return np.vstack(rows)


def with_pixels(train, test, images, public):
    """(train, test, pixel columns): the tables with each image column replaced by its pixel columns,
    every image at the size of the column's first training image."""
    from PIL import Image

    sizes = {}
    for c in images:
        with Image.open(os.path.join(public, train[c].iloc[0])) as im:
            sizes[c] = im.size
    out, names = [], []
    for frame in (train, test):
        parts = [frame.drop(columns=images)]
        names = []
        for c in images:
            px = pixels(frame[c], public, sizes[c])
            names += [f"{c}_px{i}" for i in range(px.shape[1])]
            parts.append(pd.DataFrame(px, columns=names[-px.shape[1]:], index=frame.index))
        out.append(pd.concat(parts, axis=1))
    return out[0], out[1], names


def classes_of(y):
    """The target's classes in sorted order (numbers by value): the positive class is the last."""
    values = pd.unique(y.dropna())
    try:
        return sorted(values, key=float)
    except (TypeError, ValueError):
        return sorted(values, key=str)


def column_class(column, classes):
    """The class a probability column of the sample submission stands for: by text, else by value."""
    for c in classes:
        if str(c) == column:
            return c
    try:
        v = float(column)
    except ValueError:
        return None
    for c in classes:
        try:
            if float(c) == v:
                return c
        except (TypeError, ValueError):
            continue
    return None


def write_submission(args, sample, test_ids, predict_values, predict_proba, model_classes):
    """submission.csv with the sample submission's columns, in its order, rows in its id order.

    predict_values() gives labels or values, predict_proba() a matrix whose columns follow
    model_classes; only the one the output needs is called.
    """
    columns = [c for c in sample.columns if c != args.id_column]
    if args.output == "value":
        if len(columns) != 1:
            sys.exit(f"{args.sample_submission}: {len(columns)} prediction columns, but the task predicts one value per row")
        preds = pd.DataFrame({columns[0]: np.asarray(predict_values())})
    else:
        proba = np.asarray(predict_proba(), dtype=float)
        classes = list(model_classes)
        if args.output == "positive-probability":
            if len(columns) != 1:
                sys.exit(f"{args.sample_submission}: {len(columns)} prediction columns, expected one probability column")
            positive = classes_of(pd.Series(classes))[-1]
            preds = pd.DataFrame({columns[0]: proba[:, classes.index(positive)]})
        else:
            matched = {col: column_class(col, classes) for col in columns}
            unknown = [col for col, c in matched.items() if c is None]
            if len(unknown) == len(columns):
                sys.exit(f"{args.sample_submission}: no prediction column names a class of `{args.target}` ({', '.join(map(str, classes))})")
            # A class the training rows never show gets probability 0.
            preds = pd.DataFrame({col: (proba[:, classes.index(c)] if c is not None else 0.0) for col, c in matched.items()})
    preds.insert(0, args.id_column, list(test_ids))
    by_id = preds.set_index(args.id_column)
    missing = [i for i in sample[args.id_column] if i not in by_id.index]
    if missing:
        sys.exit(f"{args.test}: id {missing[0]} of the sample submission has no row ({len(missing)} missing)")
    out = by_id.loc[sample[args.id_column], columns].reset_index()
    path = os.path.join(args.workdir, "submission.csv")
    out.to_csv(path, index=False)
    return path


def report(**fields):
    """The runner's last stdout line: what it fitted, for the bench's JSON."""
    fields["wall_seconds"] = round(time.monotonic() - STARTED, 2)
    print(json.dumps(fields, default=str))
