"""Writes a fixture per competition of MLE-bench's lite split, as `mlebench prepare` leaves it.

For each competition: a small synthetic raw folder shaped like the Kaggle download after
`mlebench prepare` has extracted it (the real file names, folders, formats and columns; a few
dozen rows, 8x8 images, clips of a few samples), then the competition's own `prepare()` from the
mle-bench source, which writes `<out>/<id>/prepared/public` and `prepared/private`, then
`description.md` into public, as mlebench/data.py does after prepare(). The raw folder is a
temporary one: the fixtures hold only what a task loads.

Deterministic: one generator per competition, seeded from its id; the zips prepare.py writes are
rewritten with fixed times and entries in name order (their contents unchanged).

Usage (see test/fixtures/mlebench-lite/README.md):
  python scripts/mlebench-fixtures/make_lite.py --mlebench /path/to/mle-bench [--only id ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

os.environ.setdefault("TQDM_DISABLE", "1")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))


def builders() -> dict[str, Callable]:
    import raw_audio
    import raw_images
    import raw_tables

    return {
        "aerial-cactus-identification": raw_images.aerial_cactus,
        "aptos2019-blindness-detection": raw_images.aptos,
        "denoising-dirty-documents": raw_images.denoising,
        "detecting-insults-in-social-commentary": raw_tables.detecting_insults,
        "dog-breed-identification": raw_images.dog_breed,
        "dogs-vs-cats-redux-kernels-edition": raw_images.dogs_vs_cats,
        "histopathologic-cancer-detection": raw_images.histopathologic,
        "jigsaw-toxic-comment-classification-challenge": raw_tables.jigsaw,
        "leaf-classification": raw_images.leaf,
        "mlsp-2013-birds": raw_audio.mlsp_birds,
        "new-york-city-taxi-fare-prediction": raw_tables.taxi,
        "nomad2018-predict-transparent-conductors": raw_tables.nomad,
        "plant-pathology-2020-fgvc7": raw_images.plant_pathology,
        "random-acts-of-pizza": raw_tables.pizza,
        "ranzcr-clip-catheter-line-classification": raw_images.ranzcr,
        "siim-isic-melanoma-classification": raw_images.siim_isic,
        "spooky-author-identification": raw_tables.spooky,
        "tabular-playground-series-dec-2021": raw_tables.tps_dec_2021,
        "tabular-playground-series-may-2022": raw_tables.tps_may_2022,
        "text-normalization-challenge-english-language": raw_tables.text_normalization_en,
        "text-normalization-challenge-russian-language": raw_tables.text_normalization_ru,
        "the-icml-2013-whale-challenge-right-whale-redux": raw_audio.whale,
    }


def shrunk_test_size(real: int, small: int) -> Callable:
    """prepare.py holds out a fixed number of rows (`test_size=<int>`); the fixture holds out `small`."""

    def patch(module) -> dict:
        original = module.train_test_split

        def split(*arrays, test_size=None, **kwargs):
            return original(*arrays, test_size=small if test_size == real else test_size, **kwargs)

        return {"train_test_split": split}

    return patch


def tf_records_without_tensorflow(module) -> dict:
    import tfrecord

    return {"get_ids_from_tf_records": tfrecord.ids_from_tf_records}


# The only departures from running prepare.py as it is; each is stated in the fixtures' README.
PATCHES: dict[str, Callable] = {
    "new-york-city-taxi-fare-prediction": shrunk_test_size(9914, 10),
    "tabular-playground-series-may-2022": shrunk_test_size(100_000, 10),
    "siim-isic-melanoma-classification": tf_records_without_tensorflow,
}


@contextmanager
def patched(module, competition_id: str) -> Iterator[None]:
    replacements = PATCHES[competition_id](module) if competition_id in PATCHES else {}
    originals = {name: getattr(module, name) for name in replacements}
    for name, value in replacements.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in originals.items():
            setattr(module, name, value)


def make(competition_id: str, out: Path, build: Callable) -> None:
    import numpy as np

    import formats
    from mlebench.registry import Registry

    competition = Registry(data_dir=out).get_competition(competition_id)
    shutil.rmtree(out / competition_id, ignore_errors=True)
    competition.public_dir.mkdir(parents=True)
    competition.private_dir.mkdir(parents=True)
    rng = np.random.default_rng(zlib.crc32(competition_id.encode()))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        build(raw, rng)
        module = sys.modules[competition.prepare_fn.__module__]
        with patched(module, competition_id):
            competition.prepare_fn(raw=raw, public=competition.public_dir, private=competition.private_dir)
    (competition.public_dir / "description.md").write_text(competition.description)
    for archive in sorted((out / competition_id).rglob("*.zip")):
        formats.normalize_zip(archive)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mlebench", type=Path, required=True, help="a checkout of openai/mle-bench")
    parser.add_argument("--out", type=Path, default=ROOT / "test" / "fixtures" / "mlebench-lite")
    parser.add_argument("--only", nargs="*", help="competition ids (default: the lite split)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.mlebench.resolve()))

    lite = (args.mlebench / "experiments" / "splits" / "low.txt").read_text().split()
    table = builders()
    assert sorted(table) == sorted(lite), "one raw builder per competition of the lite split"
    for competition_id in args.only or lite:
        print(f"{competition_id} ...", flush=True)
        make(competition_id, args.out.resolve(), table[competition_id])


if __name__ == "__main__":
    main()
