"""FLAML AutoML on one task's public data, within a wall budget: writes submission.csv in the sample
submission's columns and order (bench/automl.ts runs it; see bench/README.md).

FLAML needs numbers or categories: free-text columns become TF-IDF features (word 1-2-grams, fitted on
the training rows), image columns pixel features; then every column is sparse numeric, the other
columns one-hot encoded. Without free text, the tables go to FLAML as they are.
"""
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from frame import parse_args, read_tables, remaining, report, roles, with_date_parts, with_pixels, write_submission

# Time kept back from FLAML's search for predicting and writing the submission.
RESERVE_SECONDS = 3.0
RESERVE_SHARE = 0.05


def sparse_features(train, test, texts, others):
    """TF-IDF of each free-text column, then the other columns: numbers as they are, the rest one-hot."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import OneHotEncoder

    blocks = ([], [])
    for c in texts:
        tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=50_000)
        blocks[0].append(tfidf.fit_transform(train[c].fillna("")))
        blocks[1].append(tfidf.transform(test[c].fillna("")))
    numeric = [c for c in others if pd.api.types.is_numeric_dtype(train[c])]
    categorical = [c for c in others if c not in numeric]
    if numeric:
        for i, frame in enumerate((train, test)):
            blocks[i].append(sp.csr_matrix(frame[numeric].astype(float).fillna(0.0).to_numpy()))
    if categorical:
        enc = OneHotEncoder(handle_unknown="ignore")
        blocks[0].append(enc.fit_transform(train[categorical].astype(str)))
        blocks[1].append(enc.transform(test[categorical].astype(str)))
    return sp.hstack(blocks[0]).tocsr(), sp.hstack(blocks[1]).tocsr()


def main():
    args = parse_args("FLAML AutoML on a task's public data")
    train, test, sample = read_tables(args)
    images, texts, dates, others = roles(train, test, args)
    if dates:
        train, test, date_columns = with_date_parts(train, test, dates)
        others = others + date_columns
    if images:
        train, test, pixel_columns = with_pixels(train, test, images, args.public)
        others = others + pixel_columns
    y = train[args.target]
    # Labels go to FLAML as codes 0..k-1: its XGBoost learners refuse string labels on sparse features.
    classes = None
    if args.problem != "regression":
        classes, codes = np.unique(y.to_numpy(), return_inverse=True)
        y = pd.Series(codes, index=y.index)
    if texts:
        x_train, x_test = sparse_features(train, test, texts, others)
        features = f"TF-IDF (word 1-2-grams) of {', '.join(texts)}; {len(others)} other column(s) numeric or one-hot"
    else:
        x_train, x_test = train[others], test[others]
        features = f"{len(others)} column(s)" + (f", pixels of {', '.join(images)}" if images else "") + " as FLAML reads them"

    from flaml import AutoML

    automl = AutoML()
    search_budget = remaining(args.budget) - max(RESERVE_SECONDS, RESERVE_SHARE * args.budget)
    if search_budget < 1:
        raise SystemExit(f"--budget {args.budget}: no time left to search after loading the data ({remaining(args.budget):.1f} s left)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        automl.fit(
            X_train=x_train,
            y_train=y,
            task="regression" if args.problem == "regression" else "classification",
            metric=args.metric,
            time_budget=search_budget,
            n_jobs=args.n_jobs,
            seed=args.seed,
            # Retrain the best configuration on all rows only where the budget allows it.
            retrain_full="budget",
            verbose=0,
        )
    path = write_submission(
        args, sample, test[args.id_column],
        lambda: automl.predict(x_test) if classes is None else classes[np.asarray(automl.predict(x_test), dtype=int)],
        lambda: automl.predict_proba(x_test),
        None if classes is None else classes[np.asarray(automl.classes_, dtype=int)],
    )
    report(
        library="flaml",
        submission=path,
        best_estimator=automl.best_estimator,
        best_validation_loss=None if automl.best_loss is None else float(np.round(automl.best_loss, 6)),
        features=features,
        search_budget_seconds=round(search_budget, 1),
    )


if __name__ == "__main__":
    main()
