"""Raw Kaggle downloads of the lite competitions whose inputs are audio recordings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import formats

# mlsp-2013-birds' species_list.txt, as the dataset spells it.
BIRDS = [
    ("BRCR", "Brown Creeper"), ("PAWR", "Pacific Wren"), ("PSFL", "Pacific-slope Flycatcher"),
    ("RBNU", "Red-breasted Nuthatch"), ("DEJU", "Dark-eyed Junco"), ("OSFL", "Olive-sided Flycatcher"),
    ("HETH", "Hermit Thrush"), ("CBCH", "Chestnut-backed Chickadee"), ("VATH", "Varied Thrush"),
    ("HEWA", "Hermit Warbler"), ("SWTH", "Swainson's Thrush"), ("HAFL", "Hammond's Flycatcher"),
    ("WETA", "Western Tanager"), ("BHGB", "Black-headed Grosbeak"), ("GCKI", "Golden Crowned Kinglet"),
    ("WAVI", "Warbling Vireo"), ("MGWA", "MacGillivray's Warbler"), ("STJA", "Stellar's Jay"),
    ("CONI", "Common Nighthawk"),
]

# prepare.py asserts that a 20% sample of the training fold holds exactly 64 recordings, so the
# training fold has the real one's size (322); the test fold is cut to a few recordings.
MLSP_TRAIN, MLSP_TEST = 322, 8


def _lines(path: Path, header: str, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")


def mlsp_birds(raw: Path, rng: np.random.Generator) -> None:
    root = raw / "mlsp_contest_dataset"
    essential, supplemental = root / "essential_data", root / "supplemental_data"
    n = MLSP_TRAIN + MLSP_TEST
    folds = np.array([0] * MLSP_TRAIN + [1] * MLSP_TEST)
    rng.shuffle(folds)
    filenames = [f"PC{rng.integers(1, 19)}_2009{rng.integers(5, 9):02d}{rng.integers(1, 29):02d}_{rng.integers(0, 24):02d}0{rng.integers(0, 10)}00_{i:04d}" for i in range(n)]
    _lines(essential / "CVfolds_2.txt", "rec_id,fold", [f"{i},{f}" for i, f in enumerate(folds)])
    _lines(essential / "rec_id2filename.txt", "rec_id,filename", [f"{i},{name}" for i, name in enumerate(filenames)])
    _lines(essential / "species_list.txt", "class_id,code,species", [f"{i},{code},{name}" for i, (code, name) in enumerate(BIRDS)])
    labels = []
    for i, fold in enumerate(folds):
        species = sorted(int(s) for s in rng.choice(19, size=int(rng.integers(0, 3)), replace=False))
        labels.append(f"{i},?" if fold == 1 else ",".join([str(i), *map(str, species)]))
    _lines(essential / "rec_labels_test_hidden.txt", "rec_id,[labels]", labels)
    for name in filenames:
        formats.wav(essential / "src_wavs" / f"{name}.wav", rng)
        for folder in ["filtered_spectrograms", "spectrograms", "supervised_segmentation"]:
            formats.image(supplemental / folder / f"{name}.bmp", rng, 4, 4)
        if rng.random() < 0.1:  # only some recordings have a segmentation example
            formats.image(supplemental / "segmentation_examples" / f"{name}.bmp", rng, 4, 4)
    formats.image(supplemental / "segment_clusters.bmp", rng, 8, 8)
    formats.image(supplemental / "segment_mosaic.bmp", rng, 8, 8)
    histogram = [",".join([str(i), *(f"{v:.6f}" for v in rng.dirichlet(np.ones(5)))]) for i in range(n)]
    _lines(supplemental / "histogram_of_segments.txt", "rec_id,[histogram of segment features]", histogram)
    segments = [(i, s) for i in range(n) for s in range(int(rng.integers(0, 3)))]
    _lines(supplemental / "segment_features.txt", "rec_id,segment_id,[feature vector]",
           [",".join([str(i), str(s), *(f"{v:.6f}" for v in rng.uniform(0, 1, 4))]) for i, s in segments])
    _lines(supplemental / "segment_rectangles.txt", "rec_id,[segment_id],[min_x],[max_x],[min_y],[max_y],",
           [f"{i},{s},{x},{x + 20},{y},{y + 30}," for (i, s), x, y in zip(segments, rng.integers(0, 1200, len(segments)), rng.integers(0, 200, len(segments)))])
    formats.zip_in_place(raw, "mlsp_contest_dataset")


WHALE_DAYS = ["20090328", "20090329", "20090330", "20090331"]


def whale(raw: Path, rng: np.random.Generator) -> None:
    """Four days of train2 clips named <day>_<time>_<offset>_TRAIN<i>_<label>.aif; test2 named ..._Test<i>.aif."""
    i = 0
    for day in WHALE_DAYS:
        for _ in range(8):
            stamp = f"{day}_{rng.integers(0, 24):02d}{rng.integers(0, 60):02d}00_{rng.integers(0, 900):03d}s{rng.integers(0, 10)}ms"
            formats.aiff(raw / "train2" / f"{stamp}_TRAIN{i}_{int(rng.random() < 0.3)}.aif", rng)
            i += 1
    for j in range(3):
        formats.aiff(raw / "test2" / f"20090401_{j:02d}0000_{rng.integers(0, 900):03d}s{rng.integers(0, 10)}ms_Test{j}.aif", rng)
    formats.zip_in_place(raw, "train2")
    test_clips = sorted(p.name for p in (raw / "test2").iterdir())
    formats.zip_in_place(raw, "test2")
    formats.csv(raw / "sampleSubmission.csv", pd.DataFrame({"clip": test_clips, "probability": 0}))

