"""AutoGluon Tabular on one task's public data, within a wall budget: writes submission.csv in the
sample submission's columns and order (bench/automl.ts --autogluon runs it; see bench/README.md).

AutoGluon reads numbers, categories, dates and free text (its own n-gram features) itself: the tables
go to it as they are, but for image columns, which become pixel features.
"""
import os
import warnings

from frame import parse_args, read_tables, remaining, report, roles, with_date_parts, with_pixels, write_submission

# Time kept back from AutoGluon's fit for predicting and writing the submission.
RESERVE_SECONDS = 5.0
RESERVE_SHARE = 0.1


def main():
    args = parse_args("AutoGluon Tabular on a task's public data")
    train, test, sample = read_tables(args)
    images, texts, dates, others = roles(train, test, args)
    if dates:
        train, test, date_columns = with_date_parts(train, test, dates)
        others = others + date_columns
    columns = others + texts
    if images:
        train, test, pixel_columns = with_pixels(train, test, images, args.public)
        columns += pixel_columns

    from autogluon.tabular import TabularPredictor

    fit_budget = remaining(args.budget) - max(RESERVE_SECONDS, RESERVE_SHARE * args.budget)
    if fit_budget < 1:
        raise SystemExit(f"--budget {args.budget}: no time left to fit after loading the data ({remaining(args.budget):.1f} s left)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predictor = TabularPredictor(
            label=args.target, problem_type=args.problem, eval_metric=args.metric,
            path=os.path.join(args.workdir, "autogluon"), verbosity=0,
        ).fit(
            # No seed argument: AutoGluon seeds its models itself, the same on every run.
            train[columns + [args.target]], time_limit=fit_budget, num_cpus=args.n_jobs, num_gpus=0,
        )
    x_test = test[columns]
    path = write_submission(
        args, sample, test[args.id_column],
        lambda: predictor.predict(x_test),
        lambda: predictor.predict_proba(x_test, as_multiclass=True).to_numpy(),
        predictor.class_labels if args.problem != "regression" else None,
    )
    report(
        library="autogluon",
        submission=path,
        best_estimator=predictor.model_best,
        features=f"{len(others)} column(s), {len(texts)} free-text" + (f", pixels of {', '.join(images)}" if images else "") + " as AutoGluon reads them",
        search_budget_seconds=round(fit_budget, 1),
    )


if __name__ == "__main__":
    main()
