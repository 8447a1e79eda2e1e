"""Records how mlebench's own graders grade synthetic submissions, as fixtures for Crucible's native graders.

For each competition of MLE-bench's lite split this writes, under test/fixtures/mlebench-grades/<id>/:
answers.csv (small synthetic answers in the columns the competition's prepare.py writes to its private
folder), submissions/<kind>.csv (perfect, random, constant, noisy, shuffled, missing/extra rows and
columns, NaN, out-of-range values, wrong types, ...), and expected.json: for each submission, what
mlebench's grader made of it (the raw score, the score mlebench reports, or the exception it raised).

Run it with a Python where mlebench is installed from its repository (see README.md next to the
fixtures). It is deterministic: every random draw comes from a generator seeded per competition.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import zlib
from csv import QUOTE_ALL
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from mlebench.grade_helpers import Grader
from mlebench.utils import get_module_dir, load_answers, load_yaml, read_csv

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "mlebench-grades"

# ---------------------------------------------------------------------------------------------
# Synthetic answers, one builder per competition. Each returns (answers as the private file holds
# them, id column, prediction columns, kind of prediction). Kinds: "prob" (a probability per
# column), "label" (a class label), "real" (a positive quantity), "simplex" (one probability per
# class, rows sum to one), "text" (a normalised token).
# ---------------------------------------------------------------------------------------------


def hexes(rng: np.random.Generator, n: int, length: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        s = "".join(rng.choice(list("0123456789abcdef"), size=length))
        # An all-digit id would make pandas read the column as numbers; the real ids are strings.
        if not s.isdigit() and s not in out:
            out.append(s)
    return out


def binary(rng: np.random.Generator, n: int, rate: float = 0.4) -> np.ndarray:
    y = (rng.random(n) < rate).astype(int)
    y[0], y[1] = 0, 1  # both classes, so AUC is defined
    return y


def one_hot(rng: np.random.Generator, n: int, classes: list[str]) -> pd.DataFrame:
    labels = rng.integers(0, len(classes), size=n)
    labels[: min(n, len(classes))] = np.arange(min(n, len(classes)))
    m = np.zeros((n, len(classes)), dtype=int)
    m[np.arange(n), labels] = 1
    return pd.DataFrame(m, columns=classes)


def classes_of(competition: str, module: str) -> list[str]:
    import importlib

    mod = importlib.import_module(f"mlebench.competitions.{competition}.{module}")
    return list(mod.DOGS_LIST if hasattr(mod, "DOGS_LIST") else mod.CLASSES)


def simple_binary(id_col: str, target: str, make_ids: Callable[[np.random.Generator, int], list]):
    def build(rng: np.random.Generator):
        n = 60
        answers = pd.DataFrame({id_col: make_ids(rng, n), target: binary(rng, n)})
        return answers, id_col, [target], "prob"

    return build


def aptos(rng):
    n = 60
    y = rng.choice([0, 1, 2, 3, 4], size=n, p=[0.45, 0.1, 0.25, 0.1, 0.1])
    y[:5] = [0, 1, 2, 3, 4]
    return pd.DataFrame({"id_code": hexes(rng, n, 12), "diagnosis": y}), "id_code", ["diagnosis"], "label"


def denoising(rng):
    rows = []
    for image in (3, 17):
        for r in range(1, 7):
            for c in range(1, 9):
                v = 1.0 if rng.random() < 0.7 else int(rng.integers(0, 255)) / 255.0
                rows.append((f"{image}_{r}_{c}", v))
    return pd.DataFrame(rows, columns=["id", "value"]), "id", ["value"], "real"


INSULT_WORDS = "you are an idiot great point thanks moron agree loser fool nice post what a clown".split()


def insults(rng):
    n = 60
    comments = []
    while len(comments) < n:
        words = rng.choice(INSULT_WORDS, size=int(rng.integers(2, 8)))
        # The real comments are quoted, with escapes, commas and non-ASCII characters.
        text = '"' + " ".join(words) + (", \\xa0right?" if rng.random() < 0.2 else "") + (" é" if rng.random() < 0.1 else "") + '"'
        if text not in comments:
            comments.append(text)
    dates = [
        "" if rng.random() < 0.3 else f"2012{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}{int(rng.integers(0, 240000)):06d}Z"
        for _ in range(n)
    ]
    answers = pd.DataFrame(
        {"Insult": binary(rng, n, 0.3), "Date": dates, "Comment": comments, "Usage": rng.choice(["PrivateTest", "PublicTest"], size=n)}
    )
    return answers, "Comment", ["Insult"], "prob"


def one_hot_competition(competition: str, module: str, n: int, make_ids):
    def build(rng):
        classes = classes_of(competition, module)
        answers = pd.concat([pd.DataFrame({"id": make_ids(rng, n)}), one_hot(rng, n, classes)], axis=1)
        return answers, "id", classes, "simplex"

    return build


def dogs_vs_cats(rng):
    n = 60
    return pd.DataFrame({"id": np.arange(1, n + 1), "label": binary(rng, n, 0.5)}), "id", ["label"], "prob"


def jigsaw(rng):
    n = 80
    classes = classes_of("jigsaw-toxic-comment-classification-challenge", "classes")
    m = (rng.random((n, len(classes))) < 0.35).astype(int)
    m[0, :], m[1, :] = 0, 1
    # Rows Kaggle did not score are -1 in every column.
    m[rng.choice(np.arange(2, n), size=12, replace=False), :] = -1
    answers = pd.concat([pd.DataFrame({"id": hexes(rng, n, 16)}), pd.DataFrame(m, columns=classes)], axis=1)
    return answers, "id", classes, "prob"


def mlsp(rng):
    rec_ids = sorted(rng.choice(np.arange(0, 300), size=5, replace=False))
    rows = []
    for rec in rec_ids:
        present = set(rng.choice(np.arange(19), size=int(rng.integers(0, 4)), replace=False))
        for species in range(19):
            rows.append((int(rec) * 100 + species, int(species in present)))
    rows[0] = (rows[0][0], 1)
    return pd.DataFrame(rows, columns=["Id", "Probability"]), "Id", ["Probability"], "prob"


def taxi(rng):
    n = 60
    keys = sorted({f"2015-0{int(rng.integers(1, 7))}-{int(rng.integers(10, 29))} {int(rng.integers(10, 24))}:{int(rng.integers(10, 60))}:{int(rng.integers(10, 60))}.000000{int(rng.integers(1, 9))}" for _ in range(n * 2)})[:n]
    order = rng.permutation(n)
    answers = pd.DataFrame(
        {
            "key": [keys[i] for i in order],
            "fare_amount": np.round(rng.gamma(2.0, 6.0, size=n) + 2.5, 2),
            "pickup_datetime": [keys[i][:19] + " UTC" for i in order],
            "pickup_longitude": np.round(-73.98 + rng.normal(0, 0.03, n), 6),
            "pickup_latitude": np.round(40.75 + rng.normal(0, 0.03, n), 6),
            "dropoff_longitude": np.round(-73.98 + rng.normal(0, 0.03, n), 6),
            "dropoff_latitude": np.round(40.75 + rng.normal(0, 0.03, n), 6),
            "passenger_count": rng.integers(1, 7, size=n),
        }
    )
    return answers, "key", ["fare_amount"], "real"


def nomad(rng):
    n = 60
    al = rng.random(n)
    ga = (1 - al) * rng.random(n)
    answers = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "spacegroup": rng.choice([12, 33, 167, 194, 206, 227], size=n),
            "number_of_total_atoms": rng.choice([10.0, 20.0, 30.0, 40.0, 60.0, 80.0], size=n),
            "percent_atom_al": np.round(al, 4),
            "percent_atom_ga": np.round(ga, 4),
            "percent_atom_in": np.round(1 - al - ga, 4),
            "lattice_vector_1_ang": np.round(rng.uniform(3, 25, n), 4),
            "lattice_vector_2_ang": np.round(rng.uniform(3, 10, n), 4),
            "lattice_vector_3_ang": np.round(rng.uniform(5, 25, n), 4),
            "lattice_angle_alpha_degree": np.round(rng.uniform(85, 106, n), 4),
            "lattice_angle_beta_degree": np.round(rng.uniform(85, 106, n), 4),
            "lattice_angle_gamma_degree": np.round(rng.uniform(29, 120, n), 4),
            "formation_energy_ev_natom": np.round(rng.uniform(0.0, 0.5, n), 4),
            "bandgap_energy_ev": np.round(rng.uniform(0.2, 5.3, n), 4),
        }
    )
    return answers, "id", ["formation_energy_ev_natom", "bandgap_energy_ev"], "real"


def plant(rng):
    n = 60
    answers = pd.concat(
        [pd.DataFrame({"image_id": [f"Test_{i}" for i in range(n)]}), one_hot(rng, n, ["healthy", "multiple_diseases", "rust", "scab"])],
        axis=1,
    )
    return answers, "image_id", ["healthy", "multiple_diseases", "rust", "scab"], "prob"


def ranzcr(rng):
    n = 60
    classes = classes_of("ranzcr-clip-catheter-line-classification", "classes")
    all_classes = classes + ["CVC - Normal", "Swan Ganz Catheter Present"]
    m = (rng.random((n, len(all_classes))) < 0.3).astype(int)
    m[0, :], m[1, :] = 0, 1
    uids = [f"1.2.826.0.1.3680043.8.498.{int(x)}" for x in rng.choice(10**11, size=n, replace=False)]
    answers = pd.concat(
        [pd.DataFrame({"StudyInstanceUID": uids}), pd.DataFrame(m, columns=all_classes), pd.DataFrame({"PatientID": hexes(rng, n, 9)})],
        axis=1,
    )
    return answers, "StudyInstanceUID", classes, "prob"


def pizza(rng):
    n = 60
    ids = ["t3_" + "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), size=5)) for _ in range(n)]
    return pd.DataFrame({"request_id": ids, "requester_received_pizza": binary(rng, n, 0.25)}), "request_id", ["requester_received_pizza"], "prob"


def tps_dec(rng):
    n = 60
    cols = {
        "Id": rng.choice(np.arange(4_000_000), size=n, replace=False),
        "Elevation": rng.integers(1800, 3800, n),
        "Aspect": rng.integers(0, 360, n),
        "Slope": rng.integers(0, 60, n),
        "Horizontal_Distance_To_Hydrology": rng.integers(0, 1400, n),
        "Vertical_Distance_To_Hydrology": rng.integers(-150, 600, n),
        "Horizontal_Distance_To_Roadways": rng.integers(0, 7000, n),
        "Hillshade_9am": rng.integers(0, 255, n),
        "Hillshade_Noon": rng.integers(0, 255, n),
        "Hillshade_3pm": rng.integers(0, 255, n),
        "Horizontal_Distance_To_Fire_Points": rng.integers(0, 7000, n),
    }
    for i in range(1, 5):
        cols[f"Wilderness_Area{i}"] = (rng.random(n) < 0.25).astype(int)
    for i in range(1, 41):
        cols[f"Soil_Type{i}"] = (rng.random(n) < 0.05).astype(int)
    y = rng.choice([1, 2, 3, 4, 6, 7], size=n, p=[0.35, 0.45, 0.1, 0.02, 0.03, 0.05])
    cols["Cover_Type"] = y
    return pd.DataFrame(cols), "Id", ["Cover_Type"], "label"


def tps_may(rng):
    n = 60
    cols: dict = {"id": rng.choice(np.arange(900_000), size=n, replace=False)}
    for i in range(31):
        if i == 27:
            cols["f_27"] = ["".join(rng.choice(list("ABCDEFGHIJKLMNOPQRST"), size=10)) for _ in range(n)]
        elif 7 <= i <= 18 or i == 29 or i == 30:
            cols[f"f_{i:02d}"] = rng.integers(0, 15, n)
        else:
            cols[f"f_{i:02d}"] = np.round(rng.normal(0, 1, n), 6)
    cols["target"] = binary(rng, n, 0.5)
    return pd.DataFrame(cols), "id", ["target"], "prob"


EN_TOKENS = [
    ("The", "The"), ("cat", "cat"), ("sat", "sat"), (".", "."), (",", ","), ("2", "two"), ("1990", "nineteen ninety"),
    ("Dr.", "doctor"), ("km", "kilometers"), ("3.5", "three point five"), ("NA", "NA"), ("n/a", "n/a"),
    ("null", "null"), ("\"quoted\"", "\"quoted\""), ("a,b", "a,b"), ("%", "percent"), ("12:30", "twelve thirty"),
]
RU_TOKENS = [
    ("Кот", "Кот"), ("сидел", "сидел"), (".", "."), (",", ","), ("2", "два"), ("1990", "тысяча девятьсот девяностый"),
    ("км", "километров"), ("3,5", "три целых пять десятых"), ("г.", "года"), ("NA", "NA"), ("«да»", "«да»"), ("%", "процентов"),
    ("XIX", "девятнадцатого"), ("null", "null"), ("Ёж", "Ёж"),
]


def text_normalization(tokens):
    def build(rng):
        rows = []
        for sentence in range(12):
            for token in range(int(rng.integers(4, 9))):
                before, after = tokens[int(rng.integers(0, len(tokens)))]
                rows.append((f"{sentence}_{token}", before, after))
        answers = pd.DataFrame(rows, columns=["id", "before", "after"])
        return answers, "id", ["after"], "text"

    return build


def whale_ids(rng, n):
    return [f"200903{int(rng.integers(28, 31))}_{int(rng.integers(0, 240000)):06d}_{int(rng.integers(0, 900)):03d}s{int(rng.integers(0, 10))}ms_Test{i}.aif" for i in range(n)]


BUILDERS: dict[str, Callable] = {
    "aerial-cactus-identification": simple_binary("id", "has_cactus", lambda rng, n: [h + ".jpg" for h in hexes(rng, n, 32)]),
    "aptos2019-blindness-detection": aptos,
    "denoising-dirty-documents": denoising,
    "detecting-insults-in-social-commentary": insults,
    "dog-breed-identification": one_hot_competition("dog-breed-identification", "dogs", 12, lambda rng, n: hexes(rng, n, 32)),
    "dogs-vs-cats-redux-kernels-edition": dogs_vs_cats,
    "histopathologic-cancer-detection": simple_binary("id", "label", lambda rng, n: hexes(rng, n, 40)),
    "jigsaw-toxic-comment-classification-challenge": jigsaw,
    "leaf-classification": one_hot_competition("leaf-classification", "classes", 12, lambda rng, n: sorted(rng.choice(np.arange(1, 1600), size=n, replace=False))),
    "mlsp-2013-birds": mlsp,
    "new-york-city-taxi-fare-prediction": taxi,
    "nomad2018-predict-transparent-conductors": nomad,
    "plant-pathology-2020-fgvc7": plant,
    "random-acts-of-pizza": pizza,
    "ranzcr-clip-catheter-line-classification": ranzcr,
    "siim-isic-melanoma-classification": simple_binary("image_name", "target", lambda rng, n: [f"ISIC_{x:07d}" for x in rng.choice(10**7, size=n, replace=False)]),
    "spooky-author-identification": one_hot_competition("spooky-author-identification", "classes", 40, lambda rng, n: [f"id{x:05d}" for x in rng.choice(99999, size=n, replace=False)]),
    "tabular-playground-series-dec-2021": tps_dec,
    "tabular-playground-series-may-2022": tps_may,
    "text-normalization-challenge-english-language": text_normalization(EN_TOKENS),
    "text-normalization-challenge-russian-language": text_normalization(RU_TOKENS),
    "the-icml-2013-whale-challenge-right-whale-redux": simple_binary("clip", "probability", whale_ids),
}

# The private answers file of a text normalization competition holds only id and after; "before"
# is what its sample submission starts from.
ANSWER_COLUMNS_DROP = {"text": ["before"]}

# ---------------------------------------------------------------------------------------------
# Predictions by kind: perfect, random, constant, noisy.
# ---------------------------------------------------------------------------------------------

DYADIC = 1024  # class probabilities as multiples of 1/1024: short in a CSV, and rows sum to one exactly


def simplex_rows(rng, truth: np.ndarray, strength: float) -> np.ndarray:
    n, k = truth.shape
    spare = DYADIC - k
    boost = int(spare * strength)
    counts = np.ones((n, k), dtype=int) + rng.multinomial(spare - boost, np.ones(k) / k, size=n)
    for i in range(n):
        target = int(truth[i].argmax()) if rng.random() < 0.7 else int(rng.integers(0, k))
        counts[i, target] += boost
    return counts / DYADIC


def predictions(kind: str, how: str, truth: pd.DataFrame, rng, extra: pd.DataFrame) -> pd.DataFrame:
    n = len(truth)
    out = truth.copy()
    if kind == "prob":
        for c in truth.columns:
            t = truth[c].clip(lower=0).to_numpy()  # jigsaw's unscored rows are -1
            if how == "random":
                out[c] = np.round(rng.random(n), 6)
            elif how == "constant":
                out[c] = 0.5
            elif how == "noisy":
                out[c] = np.round(np.clip(0.2 + 0.6 * t + rng.normal(0, 0.25, n), 0, 1), 6)
            else:
                out[c] = t
    elif kind == "label":
        c = truth.columns[0]
        labels = np.array(sorted(truth[c].unique()))
        if how == "random":
            out[c] = rng.choice(labels, size=n)
        elif how == "constant":
            out[c] = truth[c].mode()[0]
        elif how == "noisy":
            flip = rng.random(n) < 0.25
            out[c] = np.where(flip, rng.choice(labels, size=n), truth[c])
    elif kind == "real":
        for c in truth.columns:
            t = truth[c].to_numpy(dtype=float)
            if how == "random":
                out[c] = np.round(rng.uniform(t.min(), t.max(), n), 6)
            elif how == "constant":
                out[c] = round(float(t.mean()), 6)
            elif how == "noisy":
                out[c] = np.round(t * np.exp(rng.normal(0, 0.1, n)), 6)
    elif kind == "simplex":
        k = truth.shape[1]
        if how == "random":
            out[:] = simplex_rows(rng, truth.to_numpy(), 0.0)
        elif how == "constant":
            out[:] = np.full((n, k), 1 / k)
        elif how == "noisy":
            out[:] = simplex_rows(rng, truth.to_numpy(), 0.5)
        else:
            out = out.astype(float)
    elif kind == "text":
        c = truth.columns[0]
        vocab = sorted(set(truth[c]))
        if how == "random":
            out[c] = rng.choice(vocab, size=n)
        elif how == "constant":
            out[c] = extra["before"].to_numpy()
        elif how == "noisy":
            flip = rng.random(n) < 0.2
            out[c] = np.where(flip, extra["before"].to_numpy(), truth[c].to_numpy())
    return out


# ---------------------------------------------------------------------------------------------
# Submission kinds. Each returns CSV text.
# ---------------------------------------------------------------------------------------------


def csv(df: pd.DataFrame, index: bool = False) -> str:
    return df.to_csv(index=index, lineterminator="\n")


def with_cells(df: pd.DataFrame, column: str, rows: list[int], value) -> pd.DataFrame:
    out = df.copy()
    out[column] = out[column].astype(object)
    for r in rows:
        out.iloc[r, out.columns.get_loc(column)] = value
    return out


def new_id(answers: pd.DataFrame, id_col: str, i: int):
    sample = answers[id_col].iloc[0]
    if isinstance(sample, (int, np.integer)):
        return int(answers[id_col].max()) + 1 + i
    return f"{sample}_unseen{i}"


def submission_kinds(answers, id_col, pred_cols, kind, rng, extra) -> dict[str, str]:
    truth = answers[pred_cols]
    ids = answers[[id_col]].reset_index(drop=True)

    def sub(how: str) -> pd.DataFrame:
        return pd.concat([ids, predictions(kind, how, truth, rng, extra).reset_index(drop=True)], axis=1)

    perfect, noisy = sub("perfect"), sub("noisy")
    first = pred_cols[0]
    n = len(answers)
    kinds: dict[str, str] = {
        "perfect": csv(perfect),
        "random": csv(sub("random")),
        "constant": csv(sub("constant")),
        "noisy": csv(noisy),
        "shuffled_rows": csv(noisy.sample(frac=1, random_state=int(rng.integers(1 << 30)))),
        "missing_rows": csv(noisy.drop(index=[3, 7, 11])),
        "extra_rows": csv(pd.concat([noisy, noisy.iloc[:3].assign(**{id_col: [new_id(answers, id_col, i) for i in range(3)]})])),
        "duplicated_rows": csv(pd.concat([noisy, noisy.iloc[:3]])),
        "wrong_ids": csv(noisy.assign(**{id_col: [new_id(answers, id_col, i) if i in (2, 5) else v for i, v in enumerate(noisy[id_col])]})),
        "missing_id_column": csv(noisy.drop(columns=[id_col])),
        "missing_prediction_column": csv(noisy.drop(columns=[first])),
        "extra_column": csv(noisy.assign(extra=np.round(rng.random(n), 6))),
        "index_column": csv(noisy, index=True),
        "reordered_columns": csv(noisy[list(reversed(noisy.columns))]),
        "header_only": csv(noisy.iloc[:0]),
        "nan_values": csv(with_cells(noisy, first, [1, 4], np.nan)),
        "text_value": csv(with_cells(noisy, first, [2], "abc")),
        "infinite_value": csv(with_cells(noisy, first, [2], np.inf)),
        "na_strings": csv(with_cells(with_cells(noisy, first, [1], "NA"), first, [4], "null")),
        # How the file is written, not what it says: pandas reads all of these as the noisy submission.
        "crlf_line_endings": noisy.to_csv(index=False, lineterminator="\r\n"),
        "byte_order_mark": "\ufeff" + csv(noisy),
        "quoted_fields": noisy.to_csv(index=False, lineterminator="\n", quoting=QUOTE_ALL),
        "padded_numbers": csv(noisy.assign(**{first: [f" {v} " for v in noisy[first]]})),
        "scientific_notation": csv(noisy.assign(**{first: [f"{v:e}" if isinstance(v, float) else v for v in noisy[first]]})),
        "duplicated_column": csv(pd.concat([noisy, noisy[[first]]], axis=1)),
    }
    if kind == "prob":
        kinds["above_one"] = csv(with_cells(noisy, first, [2], 1.2))
        kinds["below_zero"] = csv(with_cells(noisy, first, [3], -0.1))
        kinds["hard_labels"] = csv(perfect.assign(**{c: (noisy[c] >= 0.5).astype(int) for c in pred_cols}))
        kinds["bool_values"] = csv(perfect.assign(**{c: noisy[c] >= 0.5 for c in pred_cols}))
        kinds["unscaled_scores"] = csv(noisy.assign(**{c: noisy[c] * 10 - 5 for c in pred_cols}))
    elif kind == "label":
        labels = sorted(truth[first].unique())
        kinds["label_above_range"] = csv(with_cells(noisy, first, [2], max(labels) + 3))
        kinds["label_below_range"] = csv(with_cells(noisy, first, [3], -1))
        kinds["float_labels"] = csv(noisy.assign(**{first: noisy[first].astype(float)}))
        kinds["fractional_labels"] = csv(with_cells(noisy, first, [2], 1.5))
        kinds["bool_values"] = csv(noisy.assign(**{first: noisy[first] > labels[len(labels) // 2]}))
        kinds["text_labels"] = csv(noisy.assign(**{first: [f"class_{v}" for v in noisy[first]]}))
    elif kind == "real":
        kinds["negative_value"] = csv(with_cells(noisy, first, [2], -0.5))
        kinds["below_minus_one"] = csv(with_cells(noisy, first, [2], -3.0))
        kinds["huge_value"] = csv(with_cells(noisy, first, [2], 1e6))
        kinds["bool_values"] = csv(noisy.assign(**{first: noisy[first] > noisy[first].median()}))
        kinds["integer_values"] = csv(noisy.assign(**{c: np.round(noisy[c]).astype(int) for c in pred_cols}))
    elif kind == "simplex":
        k = len(pred_cols)
        oor = noisy.copy()
        oor.iloc[2, 1:] = [1.25, -0.25] + [0.0] * (k - 2)
        kinds["out_of_range"] = csv(oor)
        kinds["unnormalised_rows"] = csv(noisy.assign(**{first: noisy[first] + 0.25}))
        kinds["nearly_normalised_rows"] = csv(noisy.assign(**{first: noisy[first] + 5e-6}))
        kinds["bool_values"] = csv(perfect.assign(**{c: perfect[c] > 0.5 for c in pred_cols}))
        kinds["hard_labels"] = csv(perfect.assign(**{c: (perfect[c] > 0.5).astype(int) for c in pred_cols}))
        # All probability on the wrong class: log loss clips it away from zero.
        kinds["confidently_wrong"] = csv(perfect.assign(**{c: perfect[pred_cols[i - 1]] for i, c in enumerate(pred_cols)}))
    elif kind == "text":
        kinds["na_spellings"] = csv(perfect.assign(**{first: ["nan" if v in ("NA", "null", "n/a") else v for v in perfect[first]]}))
        kinds["bool_values"] = csv(noisy.assign(**{first: [i % 2 == 0 for i in range(n)]}))
        kinds["numeric_values"] = csv(noisy.assign(**{first: np.arange(n) * 1.5}))
    return kinds


# ---------------------------------------------------------------------------------------------
# Recording.
# ---------------------------------------------------------------------------------------------


def number(x):
    """A score for JSON: NaN and infinities as strings, everything else as a float."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def grader_of(competition_id: str) -> Grader:
    """The competition's grader as its config.yaml names it (as mlebench's registry builds it, without
    importing the competition's prepare.py and the data-preparation dependencies it needs)."""
    config = load_yaml(get_module_dir() / "competitions" / competition_id / "config.yaml")
    return Grader.from_dict(config["grader"])


def record(grader: Grader, answers_path: Path, submission_path: Path) -> dict:
    try:
        raw = grader.grade_fn(read_csv(submission_path), load_answers(answers_path))
    except Exception as e:  # noqa: BLE001 - mlebench's Grader treats every exception as an invalid submission
        return {"valid": False, "error": f"{type(e).__name__}: {e}"}
    # What mlebench reports (grade_csv): the same call through its Grader, rounded to 5 places.
    reported = grader(read_csv(submission_path), load_answers(answers_path))
    # The score's Python type decides how mlebench's round(score, 5) rounds: a Python float is rounded
    # correctly, a numpy float64 by numpy (scale, round half to even, unscale).
    return {"valid": True, "score": number(raw), "score_type": type(raw).__name__, "reported": number(reported)}


def mlebench_commit() -> str:
    import mlebench

    repo = Path(mlebench.__file__).resolve().parents[1]
    try:
        return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "783b15af77404fbaffe7255b0c4a934b46153389"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--commit", default=None, help="mle-bench commit to record (default: the installed checkout's)")
    args = parser.parse_args()
    import sklearn

    versions = {"pandas": pd.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__}
    commit = args.commit or mlebench_commit()
    for competition_id, build in BUILDERS.items():
        rng = np.random.default_rng(zlib.crc32(competition_id.encode()))
        answers, id_col, pred_cols, kind = build(rng)
        extra = answers[ANSWER_COLUMNS_DROP.get(kind, [])]
        answers_file = answers.drop(columns=ANSWER_COLUMNS_DROP.get(kind, []))
        folder = args.out / competition_id
        (folder / "submissions").mkdir(parents=True, exist_ok=True)
        answers_path = folder / "answers.csv"
        answers_path.write_text(csv(answers_file))
        grader = grader_of(competition_id)
        results = {}
        for name, text in submission_kinds(answers_file, id_col, pred_cols, kind, rng, extra).items():
            path = folder / "submissions" / f"{name}.csv"
            path.write_text(text)
            results[name] = record(grader, answers_path, path)
        expected = {
            "competition_id": competition_id,
            "grader_name": grader.name,
            "mlebench_commit": commit,
            "versions": versions,
            "results": results,
        }
        (folder / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n")
        valid = sum(r["valid"] for r in results.values())
        print(f"{competition_id}: {len(results)} submissions, {valid} valid")


if __name__ == "__main__":
    main()
