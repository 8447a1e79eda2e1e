"""Raw Kaggle downloads of the lite competitions whose data are tables, text or JSON.

Each builder writes, into `raw`, what `mlebench prepare` extracts from the competition's Kaggle zip
(the files its prepare.py reads, under the same names and with the same columns), with a few dozen
synthetic rows.
"""

from __future__ import annotations

import csv as csvlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

import formats
import synth


def detecting_insults(raw: Path, rng: np.random.Generator) -> None:
    def comments(n: int, offset: int) -> list[str]:
        # The real comments are unicode-escaped and wrapped in double quotes.
        return [f'"{synth.sentence(rng)} #{offset + i}\\xa0{synth.sentence(rng, 2, 5)}"' for i in range(n)]

    def dates(n: int) -> list[str]:
        # "YYYYMMDDhhmmssZ", sometimes blank.
        return [
            "" if rng.random() < 0.2 else f"2012{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}{rng.integers(0, 24):02d}{rng.integers(0, 60):02d}{rng.integers(0, 60):02d}Z"
            for _ in range(n)
        ]

    train = pd.DataFrame({"Insult": synth.binary(rng, 40, 0.3), "Date": dates(40), "Comment": comments(40, 0)})
    solutions = pd.DataFrame({
        "Insult": synth.binary(rng, 20, 0.3), "Date": dates(20), "Comment": comments(20, 1000),
        "Usage": rng.choice(["PublicTest", "PrivateTest"], size=20),
    })
    formats.csv(raw / "train.csv", train)
    formats.csv(raw / "test_with_solutions.csv", solutions)
    formats.csv(raw / "test.csv", solutions[["Date", "Comment"]].rename_axis("Id").reset_index().assign(Id=lambda d: d.Id + 1))
    formats.csv(raw / "sample_submission_null.csv", solutions[["Insult", "Date", "Comment"]].assign(Insult=0))
    verification = pd.DataFrame({
        "id": range(1, 6), "Insult": synth.binary(rng, 5, 0.3), "Date": dates(5), "Comment": comments(5, 2000),
        "Usage": "PrivateTest",
    })
    formats.csv(raw / "impermium_verification_labels.csv", verification)
    formats.csv(raw / "impermium_verification_set.csv", verification.drop(columns=["Insult"]))


JIGSAW_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def jigsaw(raw: Path, rng: np.random.Generator) -> None:
    ids = synth.hexes(rng, 80, 16)
    text = [f"{synth.sentence(rng)}\n{synth.sentence(rng)}, \"quoted\"" for _ in ids]
    labels = pd.DataFrame({c: synth.binary(rng, 80, 0.3) for c in JIGSAW_CLASSES})
    formats.csv(raw / "train.csv", pd.concat([pd.DataFrame({"id": ids[:60], "comment_text": text[:60]}), labels[:60]], axis=1))
    formats.csv(raw / "test.csv", pd.DataFrame({"id": ids[60:], "comment_text": text[60:]}))
    test_labels = labels[60:].reset_index(drop=True)
    test_labels.loc[rng.random(20) < 0.2, :] = -1  # rows Kaggle did not score
    formats.csv(raw / "test_labels.csv", pd.concat([pd.DataFrame({"id": ids[60:]}), test_labels], axis=1))
    formats.csv(raw / "sample_submission.csv", pd.DataFrame({"id": ids[60:], **{c: 0.5 for c in JIGSAW_CLASSES}}))
    for name in ["train.csv", "test.csv", "test_labels.csv", "sample_submission.csv"]:
        formats.zip_in_place(raw, name)


TAXI_FEATURES = ["pickup_datetime", "pickup_longitude", "pickup_latitude", "dropoff_longitude", "dropoff_latitude", "passenger_count"]


def _taxi_rows(rng: np.random.Generator, n: int, offset: int) -> pd.DataFrame:
    seconds = rng.integers(1230768000, 1435708800, size=n)  # 2009 to mid-2015
    times = pd.to_datetime(seconds, unit="s")
    return pd.DataFrame({
        "key": [f"{t:%Y-%m-%d %H:%M:%S}.{offset + i:07d}" for i, t in enumerate(times)],
        "fare_amount": synth.floats(rng, n, 2.5, 60, 2),
        "pickup_datetime": [f"{t:%Y-%m-%d %H:%M:%S} UTC" for t in times],
        "pickup_longitude": synth.floats(rng, n, -74.05, -73.75, 6),
        "pickup_latitude": synth.floats(rng, n, 40.6, 40.85, 6),
        "dropoff_longitude": synth.floats(rng, n, -74.05, -73.75, 6),
        "dropoff_latitude": synth.floats(rng, n, 40.6, 40.85, 6),
        "passenger_count": rng.integers(1, 7, size=n),
    })


def taxi(raw: Path, rng: np.random.Generator) -> None:
    formats.csv(raw / "train.csv", _taxi_rows(rng, 60, 1))
    test = _taxi_rows(rng, 5, 100)
    formats.csv(raw / "test.csv", test[["key", *TAXI_FEATURES]])
    formats.csv(raw / "sample_submission.csv", test[["key"]].assign(fare_amount=11.35))
    (raw / "GCP-Coupons-Instructions.rtf").write_text("{\\rtf1\\ansi Synthetic stand-in for the coupon instructions.\\par}\n")


NOMAD_FEATURES = [
    "spacegroup", "number_of_total_atoms", "percent_atom_al", "percent_atom_ga", "percent_atom_in",
    "lattice_vector_1_ang", "lattice_vector_2_ang", "lattice_vector_3_ang",
    "lattice_angle_alpha_degree", "lattice_angle_beta_degree", "lattice_angle_gamma_degree",
]


def _nomad_rows(rng: np.random.Generator, n: int) -> pd.DataFrame:
    al = synth.floats(rng, n, 0, 0.6, 4)
    ga = np.round((1 - al) * rng.uniform(0, 1, size=n), 4)
    return pd.DataFrame({
        "id": range(1, n + 1),
        "spacegroup": rng.choice([12, 33, 167, 194, 206, 227], size=n),
        "number_of_total_atoms": rng.choice([10.0, 20.0, 30.0, 40.0, 60.0, 80.0], size=n),
        "percent_atom_al": al, "percent_atom_ga": ga, "percent_atom_in": np.round(1 - al - ga, 4),
        "lattice_vector_1_ang": synth.floats(rng, n, 3, 25), "lattice_vector_2_ang": synth.floats(rng, n, 3, 10),
        "lattice_vector_3_ang": synth.floats(rng, n, 5, 25), "lattice_angle_alpha_degree": synth.floats(rng, n, 85, 95),
        "lattice_angle_beta_degree": synth.floats(rng, n, 85, 105), "lattice_angle_gamma_degree": synth.floats(rng, n, 30, 120),
    })


def _geometry(rng: np.random.Generator) -> str:
    lines = ["#" + "=" * 55, "#Created using the Atomic Simulation Environment (ASE)", "#" + "=" * 55]
    lines += [f"lattice_vector {' '.join(f'{v:.8f}' for v in rng.uniform(-1, 10, size=3))} " for _ in range(3)]
    lines += [f"atom {' '.join(f'{v:.8f}' for v in rng.uniform(0, 10, size=3))} {el}" for el in rng.choice(["Al", "Ga", "In", "O"], size=4)]
    return "\n".join(lines) + "\n"


def nomad(raw: Path, rng: np.random.Generator) -> None:
    train = _nomad_rows(rng, 60).assign(
        formation_energy_ev_natom=lambda d: synth.floats(rng, len(d), 0, 0.6), bandgap_energy_ev=lambda d: synth.floats(rng, len(d), 0.2, 5.2)
    )
    test = _nomad_rows(rng, 5)
    for split, frame in [("train", train), ("test", test)]:
        for i in frame["id"]:
            (raw / split / str(i)).mkdir(parents=True)
            (raw / split / str(i) / "geometry.xyz").write_text(_geometry(rng))
        formats.zip_in_place(raw, split)
        formats.csv(raw / f"{split}.csv", frame)
        formats.zip_in_place(raw, f"{split}.csv")
    formats.csv(raw / "sample_submission.csv", pd.DataFrame({"id": test["id"], "formation_energy_ev_natom": 0.1779, "bandgap_energy_ev": 1.8892}))
    formats.zip_in_place(raw, "sample_submission.csv")


PIZZA_TEST_FIELDS = [
    "giver_username_if_known", "request_id", "request_text_edit_aware", "request_title",
    "requester_account_age_in_days_at_request", "requester_days_since_first_post_on_raop_at_request",
    "requester_number_of_comments_at_request", "requester_number_of_comments_in_raop_at_request",
    "requester_number_of_posts_at_request", "requester_number_of_posts_on_raop_at_request",
    "requester_number_of_subreddits_at_request", "requester_subreddits_at_request",
    "requester_upvotes_minus_downvotes_at_request", "requester_upvotes_plus_downvotes_at_request",
    "requester_username", "unix_timestamp_of_request", "unix_timestamp_of_request_utc",
]


def _pizza_request(rng: np.random.Generator, i: int) -> dict:
    stamp = float(rng.integers(1291766400, 1380499200))
    age = float(np.round(rng.uniform(0, 2000), 6))
    text = synth.sentence(rng, 10, 30)
    received = bool(rng.random() < 0.3)
    return {
        "giver_username_if_known": "N/A",
        "number_of_downvotes_of_request_at_retrieval": int(rng.integers(0, 5)),
        "number_of_upvotes_of_request_at_retrieval": int(rng.integers(0, 20)),
        "post_was_edited": bool(rng.random() < 0.1),
        "request_id": f"t3_{''.join(rng.choice(list('abcdefghijklmnopqrstuvwxyz0123456789'), size=5))}{i}",
        "request_number_of_comments_at_retrieval": int(rng.integers(0, 10)),
        "request_text": text + (" EDIT: thank you!" if received else ""),
        "request_text_edit_aware": text,
        "request_title": "[Request] " + synth.sentence(rng, 3, 8),
        "requester_account_age_in_days_at_request": age,
        "requester_account_age_in_days_at_retrieval": age + 500,
        "requester_days_since_first_post_on_raop_at_request": 0.0,
        "requester_days_since_first_post_on_raop_at_retrieval": float(np.round(rng.uniform(0, 900), 6)),
        "requester_number_of_comments_at_request": int(rng.integers(0, 900)),
        "requester_number_of_comments_at_retrieval": int(rng.integers(0, 900)),
        "requester_number_of_comments_in_raop_at_request": int(rng.integers(0, 5)),
        "requester_number_of_comments_in_raop_at_retrieval": int(rng.integers(0, 5)),
        "requester_number_of_posts_at_request": int(rng.integers(0, 100)),
        "requester_number_of_posts_at_retrieval": int(rng.integers(0, 100)),
        "requester_number_of_posts_on_raop_at_request": 0,
        "requester_number_of_posts_on_raop_at_retrieval": int(rng.integers(0, 3)),
        "requester_number_of_subreddits_at_request": 2,
        "requester_received_pizza": received,
        "requester_subreddits_at_request": ["AskReddit", "pizza"],
        "requester_upvotes_minus_downvotes_at_request": int(rng.integers(0, 5000)),
        "requester_upvotes_minus_downvotes_at_retrieval": int(rng.integers(0, 5000)),
        "requester_upvotes_plus_downvotes_at_request": int(rng.integers(0, 9000)),
        "requester_upvotes_plus_downvotes_at_retrieval": int(rng.integers(0, 9000)),
        "requester_user_flair": "shroom" if received else None,
        "requester_username": f"user_{i}",
        "unix_timestamp_of_request": stamp,
        "unix_timestamp_of_request_utc": stamp - 3600,
    }


def pizza(raw: Path, rng: np.random.Generator) -> None:
    train = [_pizza_request(rng, i) for i in range(48)]
    test = [{k: r[k] for k in PIZZA_TEST_FIELDS} for r in (_pizza_request(rng, 100 + i) for i in range(12))]
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "train.json").write_text(json.dumps(train, indent=4))
    (raw / "test.json").write_text(json.dumps(test, indent=4))
    formats.csv(raw / "sampleSubmission.csv", pd.DataFrame({"request_id": [r["request_id"] for r in test], "requester_received_pizza": 0}))


def spooky(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"id{n:05d}" for n in synth.numbers(rng, 70, 0, 28000)]
    text = [synth.sentence(rng, 6, 25) for _ in ids]
    formats.csv(raw / "train.csv", pd.DataFrame({"id": ids[:60], "text": text[:60], "author": rng.choice(["EAP", "HPL", "MWS"], size=60)}))
    formats.csv(raw / "test.csv", pd.DataFrame({"id": ids[60:], "text": text[60:]}))
    formats.csv(raw / "sample_submission.csv", pd.DataFrame({"id": ids[60:], "EAP": 0.403493538995863, "HPL": 0.287808366106543, "MWS": 0.308698094897594}))
    formats.zip_in_place(raw, "train.csv", "train.zip")
    formats.zip_in_place(raw, "test.csv", "test.zip")
    formats.zip_in_place(raw, "sample_submission.csv", "sample_submission.zip")


COVER_FEATURES = [
    "Elevation", "Aspect", "Slope", "Horizontal_Distance_To_Hydrology", "Vertical_Distance_To_Hydrology",
    "Horizontal_Distance_To_Roadways", "Hillshade_9am", "Hillshade_Noon", "Hillshade_3pm",
    "Horizontal_Distance_To_Fire_Points",
    *[f"Wilderness_Area{i}" for i in range(1, 5)],
    *[f"Soil_Type{i}" for i in range(1, 41)],
]


def _cover_rows(rng: np.random.Generator, ids: range) -> pd.DataFrame:
    n = len(ids)
    frame = pd.DataFrame({"Id": ids})
    for name in COVER_FEATURES:
        if name.startswith(("Wilderness", "Soil")):
            frame[name] = synth.binary(rng, n, 0.1)
        else:
            frame[name] = rng.integers(-50, 3500, size=n)
    return frame


def tps_dec_2021(raw: Path, rng: np.random.Generator) -> None:
    train = _cover_rows(rng, range(0, 100)).assign(Cover_Type=lambda d: rng.choice([1, 2, 3, 4, 6, 7], size=len(d), p=[0.35, 0.45, 0.1, 0.02, 0.03, 0.05]))
    test = _cover_rows(rng, range(4000000, 4000010))
    formats.csv(raw / "train.csv", train)
    formats.csv(raw / "test.csv", test)
    formats.csv(raw / "sample_submission.csv", pd.DataFrame({"Id": test["Id"], "Cover_Type": 2}))


def _may_rows(rng: np.random.Generator, ids: range) -> pd.DataFrame:
    n = len(ids)
    frame = pd.DataFrame({"id": ids})
    for i in range(31):
        name = f"f_{i:02d}"
        if 7 <= i <= 18:
            frame[name] = rng.poisson(2, size=n)
        elif i == 27:
            frame[name] = ["".join(rng.choice(list("ABCDEFGHIJKLMNOPQRST"), size=10)) for _ in range(n)]
        elif i == 29:
            frame[name] = synth.binary(rng, n, 0.35)
        elif i == 30:
            frame[name] = rng.integers(0, 3, size=n)
        else:
            frame[name] = np.round(rng.normal(0, 1, size=n), 6)
    return frame


def tps_may_2022(raw: Path, rng: np.random.Generator) -> None:
    formats.csv(raw / "train.csv", _may_rows(rng, range(0, 60)).assign(target=lambda d: synth.binary(rng, len(d), 0.5)))
    test = _may_rows(rng, range(900000, 900005))
    formats.csv(raw / "test.csv", test)
    formats.csv(raw / "sample_submission.csv", pd.DataFrame({"id": test["id"], "target": 0.5}))


# (class, before, after) tokens the sentences are drawn from, as the real corpora spell them.
TOKENS = {
    "en": [
        ("PLAIN", "the", "the"), ("PLAIN", "museum", "museum"), ("PLAIN", "opened", "opened"), ("PLAIN", "in", "in"),
        ("PUNCT", ",", ","), ("DATE", "1999", "nineteen ninety nine"), ("CARDINAL", "12", "twelve"),
        ("LETTERS", "BBC", "b b c"), ("MEASURE", "5 km", "five kilometers"), ("ORDINAL", "3rd", "third"),
        ("MONEY", "$20", "twenty dollars"), ("DECIMAL", "2.5", "two point five"), ("VERBATIM", "&", "and"),
    ],
    "ru": [
        ("PLAIN", "музей", "музей"), ("PLAIN", "открыт", "открыт"), ("PLAIN", "в", "в"), ("PUNCT", ",", ","),
        ("DATE", "1999 года", "тысяча девятьсот девяносто девятого года"), ("CARDINAL", "12", "двенадцать"),
        ("LETTERS", "США", "с ш а"), ("PLAIN", "Julius", "д_trans ж_trans у_trans л_trans и_trans у_trans с_trans"),
        ("MEASURE", "5 км", "пять километров"), ("ORDINAL", "3-й", "третий"),
    ],
}


def _text_normalization(raw: Path, rng: np.random.Generator, lang: str) -> None:
    tokens = TOKENS[lang]
    rows = []
    for sentence_id in range(40):
        picks = [tokens[i] for i in rng.integers(0, len(tokens), size=int(rng.integers(3, 8)))] + [("PUNCT", ".", ".")]
        rows += [(sentence_id, token_id, *token) for token_id, token in enumerate(picks)]
    train = pd.DataFrame(rows, columns=["sentence_id", "token_id", "class", "before", "after"])
    test = train[train.sentence_id < 8][["sentence_id", "token_id", "before"]]
    quoting = {"quotechar": '"', "quoting": csvlib.QUOTE_NONNUMERIC}
    formats.csv(raw / f"{lang}_train.csv", train, **quoting)
    for stage in ["", "_2"]:
        formats.csv(raw / f"{lang}_test{stage}.csv", test, **quoting)
        ids = test.sentence_id.astype(str) + "_" + test.token_id.astype(str)
        formats.csv(raw / f"{lang}_sample_submission{stage}.csv", pd.DataFrame({"id": ids, "after": test.before.values}), **quoting)
    for name in [f"{lang}_train.csv", f"{lang}_test.csv", f"{lang}_test_2.csv", f"{lang}_sample_submission.csv", f"{lang}_sample_submission_2.csv"]:
        formats.zip_in_place(raw, name)


def text_normalization_en(raw: Path, rng: np.random.Generator) -> None:
    _text_normalization(raw, rng, "en")


def text_normalization_ru(raw: Path, rng: np.random.Generator) -> None:
    _text_normalization(raw, rng, "ru")
