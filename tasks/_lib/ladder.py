"""The reference leaderboard of a bundled task: a ladder of real attempts, from the default models a
beginner submits to tuned models and ensembles, so that the medal thresholds mean something (gold
is close to the best known solution, a default model usually is not).

    from ladder import ladder
    def reference_solutions(train, test):
        yield from ladder(train, test, TARGET, "auc")            # a table
        yield from ladder(train, test, TARGET, "f1", text="text")  # a text column

It yields (team, predictions for test's rows) exactly as taskbuild.build()'s `references` expects.
Every entry is trained on the given train frame only (the public train rows; build() scores it on the
private test answers, never on the selection holdout) and is seeded, so the board is reproducible.
There are no constants, random scores, single raw features, label noise or starved training sets.

Entry names (the suite table reports where the `default_*` entries land):
  default_<model>   scikit-learn's defaults with only the preprocessing the model needs: median
                    imputation and one-hot encoding of categorical columns; standardized inputs for
                    the scale-sensitive models (linear, LDA, kNN, SVM, MLP); a standardized target
                    for the SVR and MLP regressors; max_iter raised to convergence for logistic
                    regression and MLP. `default_logreg` (classification) and `default_linear`
                    (regression) are the plain linear baselines, `default_hgb` the default
                    HistGradientBoosting.
  <model>_tuned     hyper-parameters chosen by a small search (grid, or seeded random for the
                    costly models) scored by the task's metric in cross-validation on train
                    (5-fold and twice the random points under 1,000 rows, else 3-fold); the
                    chosen parameters are refit on all of train.
  ensemble_top3     the mean prediction (probabilities for classifiers, else a majority vote) of
                    the three tuned entries with the best cross-validated score on the metric
                    (a calibrated model, searched on a proxy score, is no candidate).
  stack_top3        a logistic (classification) or non-negative linear (regression) model fitted
                    on the out-of-fold predictions of the same three.

Kinds: "table" (numeric and categorical columns; strings are categorical unless listed), "image"
(the caller passes pixel columns as numeric features; same ladder), "text" (one free-text column:
TF-IDF word and character n-grams, counts, and a 100-dimensional LSA for the dense models).

Predictions follow the metric: rmse/mae values; accuracy/f1 class labels; auc/logloss the
probability of the second class (sorted order, i.e. 1 of 0/1) for two classes, or an (n, k) array
of class probabilities whose columns follow `classes` (default: the sorted training labels) for more
classes or with class_probabilities=True (taskbuild's Task.class_probabilities: pass it, and the
sorted classes of all rows, so a class missing from train still gets its column). Models
without predict_proba (SVM, linear SVM, ridge, SGD) are calibrated (sigmoid, 3-fold) for those
metrics; their search runs on the bare model (AUC for two classes, else accuracy). Every model
runs single-threaded (threadpoolctl): on a shared machine OpenMP's spinning threads made
HistGradientBoosting fifty times slower, and one thread keeps the sums reproducible.

Large training sets: every search and the stacking's out-of-fold predictions run on a seeded
subsample of at most `tune_rows` rows (the chosen parameters are still refit on all rows); the
kernel and neighbour models (SVM, SVR, kNN), which scale badly with rows, are fit on a seeded
subsample of at most `kernel_rows` rows and then say so in their name (`svm_tuned_on_10000_rows`);
`skip` drops entries by name (e.g. the slowest ones of a big task).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.decomposition import TruncatedSVD
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import (AdaBoostClassifier, AdaBoostRegressor, ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import (Lasso, LinearRegression, LogisticRegression, Ridge, RidgeClassifier,
                                  SGDClassifier)
from sklearn.model_selection import GridSearchCV, KFold, RandomizedSearchCV, StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import ComplementNB, GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

# Untuned defaults are part of the ladder on purpose; their convergence notes are no news.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

REGRESSION = {"rmse", "mae"}
PROBABILITY = {"auc", "logloss"}
LABELS = {"accuracy", "f1"}
# Training sets under SMALL rows get 5 folds and twice the random-search points: cheap there, and
# a 3-fold search on a few hundred rows picked visibly worse parameters.
SMALL = 1000
TOP = 3


@dataclass(frozen=True)
class Entry:
    name: str
    model: Callable[[], object]       # the estimator, before any wrapping
    features: str = "plain"           # key of the precomputed feature matrices it reads
    grid: Optional[dict] = None       # search space over the estimator's own parameters
    n_iter: Optional[int] = None      # seeded random search of n_iter points instead of the full grid
    kernel: bool = False              # fit on at most kernel_rows rows
    scale_target: bool = False        # regression: standardize the target around the model


def _scorer(metric: str, n_classes: int) -> str:
    if metric == "auc":
        return "roc_auc" if n_classes == 2 else "roc_auc_ovr"
    return {"accuracy": "accuracy", "f1": "f1", "logloss": "neg_log_loss",
            "rmse": "neg_root_mean_squared_error", "mae": "neg_mean_absolute_error"}[metric]


def _table_features(train: pd.DataFrame, test: pd.DataFrame, numeric: list, categorical: list) -> dict:
    """'plain' (imputed, one-hot) and 'scaled' (also standardized) matrices, fitted on train."""
    def prep(scale: bool):
        num = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
        cat = [SimpleImputer(strategy="most_frequent"),
               OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=3, sparse_output=False)]
        parts = [("num", make_pipeline(*num), numeric)] if numeric else []
        if categorical:
            cat_scaled = cat + ([StandardScaler()] if scale else [])
            parts.append(("cat", make_pipeline(*cat_scaled), categorical))
        ct = ColumnTransformer(parts, sparse_threshold=0.0)
        return ct.fit_transform(train).astype(float), ct.transform(test).astype(float)

    return {"plain": prep(False), "scaled": prep(True)}


def _text_features(train: pd.Series, test: pd.Series, seed: int) -> dict:
    """Count and TF-IDF matrices (fitted on train); each tokenization runs once, its TF-IDF is a
    transform of its counts, as TfidfVectorizer would compute it."""
    def vec(v):
        return v.fit_transform(train), v.transform(test)

    def tfidf(counts, **kw):
        t = TfidfTransformer(**kw)
        return t.fit_transform(counts[0]), t.transform(counts[1])

    counts_default = vec(CountVectorizer())
    word_counts = vec(CountVectorizer(ngram_range=(1, 2), min_df=2))
    word = tfidf(word_counts, sublinear_tf=True)
    char = tfidf(vec(CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2)), sublinear_tf=True)
    svd = make_pipeline(TruncatedSVD(n_components=100, random_state=seed), Normalizer())
    return {
        "counts_default": counts_default,
        "tfidf_default": tfidf(counts_default),
        "word_counts": word_counts,
        "word": word,
        "char": char,
        "lsa": (svd.fit_transform(word[0]), svd.transform(word[1])),
    }


def _hgb_grid(regression: bool, metric: str) -> dict:
    grid = {"learning_rate": [0.05, 0.1, 0.2], "max_leaf_nodes": [7, 15, 31, 63],
            "l2_regularization": [0.0, 1.0, 10.0], "min_samples_leaf": [5, 20, 50]}
    if metric == "mae":
        grid["loss"] = ["squared_error", "absolute_error"]
    return grid


def _forest_grid() -> dict:
    return {"max_features": ["sqrt", 0.3, 0.6, 1.0], "min_samples_leaf": [1, 2, 5, 10]}


MLP_GRID = {"hidden_layer_sizes": [(64,), (128,), (64, 64), (128, 64)], "alpha": [1e-4, 1e-3, 1e-2, 1e-1, 1.0]}
KNN_GRID = {"n_neighbors": [3, 5, 9, 15, 25, 41], "weights": ["uniform", "distance"]}
TREE_GRID = {"max_depth": [2, 3, 4, 6, 8, 12, None], "min_samples_leaf": [1, 5, 20]}


def _table_entries(regression: bool, metric: str, n_features: int, seed: int) -> list:
    s = seed
    gammas = [g / n_features for g in (0.3, 1.0, 3.0)]
    hgb_tuned = dict(max_iter=300, early_stopping=True, n_iter_no_change=10, random_state=s)
    if regression:
        return [
            Entry("default_linear", lambda: LinearRegression(), "scaled"),
            Entry("default_ridge", lambda: Ridge(), "scaled"),
            Entry("default_lasso", lambda: Lasso(random_state=s), "scaled"),
            Entry("default_knn", lambda: KNeighborsRegressor(), "scaled", kernel=True),
            Entry("default_tree", lambda: DecisionTreeRegressor(random_state=s)),
            Entry("default_rf", lambda: RandomForestRegressor(random_state=s)),
            Entry("default_extra_trees", lambda: ExtraTreesRegressor(random_state=s)),
            Entry("default_adaboost", lambda: AdaBoostRegressor(random_state=s)),
            Entry("default_gb", lambda: GradientBoostingRegressor(random_state=s)),
            Entry("default_hgb", lambda: HistGradientBoostingRegressor(random_state=s)),
            Entry("default_svr", lambda: SVR(), "scaled", kernel=True, scale_target=True),
            Entry("default_mlp", lambda: MLPRegressor(max_iter=2000, random_state=s), "scaled", scale_target=True),
            Entry("ridge_tuned", lambda: Ridge(), "scaled", {"alpha": list(np.logspace(-3, 3, 13))}),
            Entry("lasso_tuned", lambda: Lasso(max_iter=10_000, random_state=s), "scaled",
                  {"alpha": list(np.logspace(-4, 1, 11))}),
            Entry("knn_tuned", lambda: KNeighborsRegressor(), "scaled", KNN_GRID, kernel=True),
            Entry("tree_tuned", lambda: DecisionTreeRegressor(random_state=s), "plain", TREE_GRID),
            Entry("rf_tuned", lambda: RandomForestRegressor(n_estimators=100, random_state=s), "plain",
                  _forest_grid(), n_iter=4),
            Entry("extra_trees_tuned", lambda: ExtraTreesRegressor(n_estimators=100, random_state=s), "plain",
                  _forest_grid(), n_iter=4),
            Entry("hgb_tuned", lambda: HistGradientBoostingRegressor(**hgb_tuned), "plain",
                  _hgb_grid(True, metric), n_iter=5),
            Entry("svr_tuned", lambda: SVR(), "scaled",
                  {"C": [0.3, 1.0, 3.0, 10.0, 30.0], "gamma": gammas, "epsilon": [0.05, 0.2]}, n_iter=6,
                  kernel=True, scale_target=True),
            Entry("mlp_tuned", lambda: MLPRegressor(max_iter=2000, early_stopping=True, random_state=s), "scaled",
                  MLP_GRID, n_iter=5, scale_target=True),
        ]
    return [
        Entry("default_logreg", lambda: LogisticRegression(max_iter=5000), "scaled"),
        Entry("default_lda", lambda: LinearDiscriminantAnalysis(), "scaled"),
        Entry("default_nb", lambda: GaussianNB()),
        Entry("default_knn", lambda: KNeighborsClassifier(), "scaled", kernel=True),
        Entry("default_tree", lambda: DecisionTreeClassifier(random_state=s)),
        Entry("default_rf", lambda: RandomForestClassifier(random_state=s)),
        Entry("default_extra_trees", lambda: ExtraTreesClassifier(random_state=s)),
        Entry("default_adaboost", lambda: AdaBoostClassifier(random_state=s)),
        Entry("default_gb", lambda: GradientBoostingClassifier(random_state=s)),
        Entry("default_hgb", lambda: HistGradientBoostingClassifier(random_state=s)),
        Entry("default_svm", lambda: SVC(random_state=s), "scaled", kernel=True),
        Entry("default_mlp", lambda: MLPClassifier(max_iter=2000, random_state=s), "scaled"),
        Entry("logreg_tuned", lambda: LogisticRegression(max_iter=5000), "scaled", {"C": list(np.logspace(-3, 3, 13))}),
        Entry("knn_tuned", lambda: KNeighborsClassifier(), "scaled", KNN_GRID, kernel=True),
        Entry("tree_tuned", lambda: DecisionTreeClassifier(random_state=s), "plain", TREE_GRID),
        Entry("rf_tuned", lambda: RandomForestClassifier(n_estimators=100, random_state=s), "plain",
              _forest_grid(), n_iter=4),
        Entry("extra_trees_tuned", lambda: ExtraTreesClassifier(n_estimators=100, random_state=s), "plain",
              _forest_grid(), n_iter=4),
        Entry("hgb_tuned", lambda: HistGradientBoostingClassifier(**hgb_tuned), "plain",
              _hgb_grid(False, metric), n_iter=5),
        Entry("svm_tuned", lambda: SVC(random_state=s), "scaled",
              {"C": [0.3, 1.0, 3.0, 10.0, 30.0, 100.0], "gamma": gammas}, n_iter=6, kernel=True),
        Entry("mlp_tuned", lambda: MLPClassifier(max_iter=2000, early_stopping=True, random_state=s), "scaled",
              MLP_GRID, n_iter=5),
    ]


def _text_entries(seed: int) -> list:
    s = seed
    c_grid = {"C": [0.1, 0.3, 1.0, 3.0]}
    # TF-IDF rows are unit vectors, so logistic regression wants a weak penalty.
    lr_grid = {"C": [3.0, 10.0, 30.0, 100.0]}
    return [
        Entry("default_nb", lambda: MultinomialNB(), "counts_default"),
        Entry("default_complement_nb", lambda: ComplementNB(), "counts_default"),
        Entry("default_logreg", lambda: LogisticRegression(max_iter=5000), "tfidf_default"),
        Entry("default_linear_svm", lambda: LinearSVC(random_state=s), "tfidf_default"),
        Entry("default_ridge", lambda: RidgeClassifier(), "tfidf_default"),
        Entry("default_sgd", lambda: SGDClassifier(random_state=s), "tfidf_default"),
        Entry("default_knn", lambda: KNeighborsClassifier(), "tfidf_default", kernel=True),
        Entry("default_rf", lambda: RandomForestClassifier(random_state=s), "counts_default"),
        # HistGradientBoosting needs dense inputs: it reads the LSA of the word TF-IDF.
        Entry("default_hgb", lambda: HistGradientBoostingClassifier(random_state=s), "lsa"),
        Entry("nb_tuned", lambda: MultinomialNB(), "word_counts", {"alpha": [0.01, 0.03, 0.1, 0.3, 1.0]}),
        Entry("complement_nb_tuned", lambda: ComplementNB(), "word", {"alpha": [0.01, 0.03, 0.1, 0.3, 1.0]}),
        Entry("complement_nb_char_tuned", lambda: ComplementNB(), "char", {"alpha": [0.01, 0.03, 0.1, 0.3, 1.0]}),
        Entry("logreg_word_tuned", lambda: LogisticRegression(max_iter=5000), "word", lr_grid),
        Entry("logreg_char_tuned", lambda: LogisticRegression(max_iter=5000), "char", lr_grid),
        Entry("linear_svm_word_tuned", lambda: LinearSVC(random_state=s), "word", c_grid),
        Entry("linear_svm_char_tuned", lambda: LinearSVC(random_state=s), "char", c_grid),
        Entry("sgd_word_tuned", lambda: SGDClassifier(loss="modified_huber", random_state=s), "word",
              {"alpha": [1e-6, 1e-5, 1e-4, 1e-3]}),
        Entry("ridge_word_tuned", lambda: RidgeClassifier(), "word", {"alpha": [0.1, 0.3, 1.0, 3.0, 10.0]}),
        Entry("knn_tuned", lambda: KNeighborsClassifier(), "word", KNN_GRID, kernel=True),
        Entry("svm_lsa_tuned", lambda: SVC(random_state=s), "lsa", {"C": [0.3, 1.0, 3.0, 10.0, 30.0]}, kernel=True),
    ]


class _Ladder:
    def __init__(self, y: np.ndarray, metric: str, seed: int, classes, class_probabilities: bool,
                 tune_rows: int, kernel_rows: int):
        self.metric = metric
        self.regression = metric in REGRESSION
        self.proba = metric in PROBABILITY
        self.seed = seed
        self.y = y
        n = len(y)
        folds, self.search_scale = (5, 2) if n < SMALL else (3, 1)
        if self.regression:
            self.classes = None
            self.cv = KFold(folds, shuffle=True, random_state=seed)
        else:
            found = np.unique(y)
            self.classes = found if classes is None else np.asarray(classes)
            if set(found) - set(self.classes):
                raise ValueError(f"ladder: training labels {sorted(set(found) - set(self.classes))} are not in classes")
            self.cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        self.columns = class_probabilities or (self.classes is not None and len(self.classes) > 2)
        self.scoring = _scorer(metric, 0 if self.classes is None else len(self.classes))
        self.tune_rows = self._subsample(n, tune_rows, seed + 1)
        self.kernel_rows = self._subsample(n, kernel_rows, seed + 2)

    @staticmethod
    def _subsample(n: int, cap: int, seed: int) -> np.ndarray:
        return np.arange(n) if n <= cap else np.sort(np.random.default_rng(seed).choice(n, cap, replace=False))

    def wrap(self, entry: Entry):
        """The entry's estimator, wrapped as the metric needs, and the prefix of its own parameters."""
        est = entry.model()
        if self.regression and entry.scale_target:
            return TransformedTargetRegressor(regressor=est, transformer=StandardScaler()), "regressor__"
        if self.proba and not hasattr(est, "predict_proba"):
            return CalibratedClassifierCV(est, method="sigmoid", cv=3, ensemble=False), "estimator__"
        return est, ""

    def fit(self, entry: Entry, x: np.ndarray):
        """The fitted estimator, and its cross-validated score on the task's metric (None when it
        was not searched, or searched on a proxy)."""
        est, prefix = self.wrap(entry)
        cv_score = None
        if entry.grid:
            # A model calibrated for probabilities is searched bare, on how well its decision
            # function ranks (two classes) or classifies: calibrating inside every fold of the
            # search made an SVM on 4,000 rows take minutes.
            calibrated = isinstance(est, CalibratedClassifierCV)
            target = est.estimator if calibrated else est
            scoring = ("roc_auc" if len(self.classes) == 2 else "accuracy") if calibrated else self.scoring
            common = dict(scoring=scoring, cv=self.cv, refit=False, error_score="raise")
            grid = dict(entry.grid) if calibrated else {prefix + k: v for k, v in entry.grid.items()}
            search = (GridSearchCV(target, grid, **common) if entry.n_iter is None
                      else RandomizedSearchCV(target, grid, n_iter=entry.n_iter * self.search_scale,
                                         random_state=self.seed, **common))
            search.fit(x[self.tune_rows], self.y[self.tune_rows])
            target.set_params(**search.best_params_)
            cv_score = None if calibrated else float(search.best_score_)
        rows = self.kernel_rows if entry.kernel else slice(None)
        est.fit(x[rows], self.y[rows])
        return est, cv_score

    def output(self, est, x) -> np.ndarray:
        if not self.proba:
            return est.predict(x)
        p = self._proba(est, x)
        return p if self.columns else p[:, 1]

    def _proba(self, est, x) -> np.ndarray:
        return self._reorder(est.predict_proba(x), est.classes_)

    def _reorder(self, p: np.ndarray, seen: np.ndarray) -> np.ndarray:
        """Probability columns in self.classes' order (zeros for a class never seen in training)."""
        out = np.zeros((p.shape[0], len(self.classes)))
        for j, c in enumerate(seen):
            out[:, np.flatnonzero(self.classes == c)[0]] = p[:, j]
        return out

    def name(self, entry: Entry) -> str:
        sub = len(self.kernel_rows) < len(self.y) and entry.kernel
        return f"{entry.name}_on_{len(self.kernel_rows)}_rows" if sub else entry.name

    def ensemble(self, members: list, xs: dict) -> np.ndarray:
        """Mean of the members' predictions: values, probabilities, or (labels without
        probabilities) a majority vote whose ties go to the best member."""
        if self.regression:
            return np.mean([est.predict(xs[e.features][1]) for e, est in members], axis=0)
        if all(hasattr(est, "predict_proba") for _, est in members):
            p = np.mean([self._proba(est, xs[e.features][1]) for e, est in members], axis=0)
            return self.classes[p.argmax(axis=1)] if not self.proba else (p if self.columns else p[:, 1])
        votes = np.stack([est.predict(xs[e.features][1]) for e, est in members])
        out = votes[0].copy()
        for i in range(votes.shape[1]):
            labels, counts = np.unique(votes[:, i], return_counts=True)
            if counts.max() > 1:
                out[i] = labels[counts.argmax()]
        return out

    def _meta_features(self, est, x) -> np.ndarray:
        if self.regression:
            return est.predict(x)[:, None]
        if hasattr(est, "predict_proba"):
            p = self._proba(est, x)
            return p[:, 1:] if len(self.classes) == 2 else p
        d = est.decision_function(x)
        return d[:, None] if d.ndim == 1 else d

    def stack(self, members: list, xs: dict) -> np.ndarray:
        """Stacking: a simple model on the members' out-of-fold predictions (on the tuning rows),
        applied to the predictions of the members refit on all of train."""
        rows = self.tune_rows
        method = "predict" if self.regression else None
        oof, test = [], []
        for e, est in members:
            x_tr, x_te = xs[e.features]
            m = method or ("predict_proba" if hasattr(est, "predict_proba") else "decision_function")
            pred = cross_val_predict(clone(est), x_tr[rows], self.y[rows], cv=self.cv, method=m)
            if not self.regression and m == "predict_proba":
                # cross_val_predict orders columns by the sorted labels, as self.classes does by default.
                pred = self._reorder(pred, np.unique(self.y[rows]))
                pred = pred[:, 1:] if len(self.classes) == 2 else pred
            elif pred.ndim == 1:
                pred = pred[:, None]
            oof.append(pred)
            test.append(self._meta_features(est, x_te))
        meta = (LinearRegression(positive=True) if self.regression
                else LogisticRegression(max_iter=5000))
        meta.fit(np.hstack(oof), self.y[rows])
        z = np.hstack(test)
        if self.regression or not self.proba:
            return meta.predict(z)
        p = self._proba(meta, z)
        return p if self.columns else p[:, 1]


def ladder(train: pd.DataFrame, test: pd.DataFrame, target: str, metric: str, *,
           kind: str = "table", text: Optional[str] = None, features: Optional[list] = None,
           categorical: Optional[list] = None, classes=None, class_probabilities: bool = False, seed: int = 0,
           tune_rows: int = 5000, kernel_rows: int = 10_000, skip=()) -> Iterator[tuple]:
    """Yields (team, predictions on test) for every entry of the ladder, in a fixed order.

    train: the public training rows with `target`; test: the rows to predict (its target, if any, is
    never read). kind: "table", "image" or "text". features: the input columns of a table or image
    (default: every column but `id` and the target); categorical: those to one-hot encode (default:
    the non-numeric ones). text: the free-text column of a text task. classes: the column order of
    class probabilities; class_probabilities: (n, k) probabilities even for two classes. See the
    module docstring for the names, tune_rows, kernel_rows and skip.
    """
    if metric not in REGRESSION | PROBABILITY | LABELS:
        raise ValueError(f"ladder: unknown metric {metric!r}")
    if kind not in ("table", "image", "text"):
        raise ValueError(f"ladder: kind must be table, image or text, got {kind!r}")
    y = train[target].to_numpy()
    lad = _Ladder(y, metric, seed, classes, class_probabilities, tune_rows, kernel_rows)
    if kind == "text":
        if text is None or text not in train.columns:
            raise ValueError(f"ladder: a text task needs text= naming a column of train, got {text!r}")
        if lad.regression:
            raise ValueError("ladder: text tasks are classification only")
        xs = _text_features(train[text].fillna(""), test[text].fillna(""), seed)
        entries = _text_entries(seed)
    else:
        cols = features if features is not None else [c for c in train.columns if c not in ("id", target)]
        cat = (categorical if categorical is not None
               else [c for c in cols if not pd.api.types.is_numeric_dtype(train[c])])
        num = [c for c in cols if c not in cat]
        xs = _table_features(train[cols], test[cols], num, cat)
        entries = _table_entries(lad.regression, metric, xs["plain"][0].shape[1], seed)

    unknown = set(skip) - {e.name for e in entries} - {"ensemble_top3", "stack_top3"}
    if unknown:
        raise ValueError(f"ladder: skip names no entry: {sorted(unknown)}")
    tuned = []
    for entry in entries:
        if entry.name in skip:
            continue
        x_tr, x_te = xs[entry.features]
        with threadpool_limits(limits=1):
            est, cv_score = lad.fit(entry, x_tr)
            pred = lad.output(est, x_te)
        if cv_score is not None:
            tuned.append((cv_score, entry, est))
        yield lad.name(entry), pred

    # The best tuned entries by their cross-validated score; ties keep the ladder's order.
    best = [(e, est) for _, e, est in sorted(tuned, key=lambda t: -t[0])[:TOP]]
    if len(best) == TOP:
        for name, combine in (("ensemble_top3", lad.ensemble), ("stack_top3", lad.stack)):
            if name not in skip:
                with threadpool_limits(limits=1):
                    pred = combine(best, xs)
                yield name, pred
