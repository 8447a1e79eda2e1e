"""Writes a header-only fixture of every MLE-bench competition, as `mlebench prepare` leaves it, and
the registry stand-in (each competition's config.yaml) that tests point MLEBENCH_COMPETITIONS_DIR at.

The table, structure.yaml next to this script, records per competition what its prepare.py writes
to prepared/public (every top-level file and folder, by its real name; every CSV with its real
header and a few rows) and the answers (config.yaml's `dataset.answers`) in prepared/private.
Everything else here is mechanical: a file's content follows from its name (an 8x8 image, a
32-sample clip, a minimal DICOM, `{}`, ...) unless the table gives it, and description.md is the
competition's own. Deterministic: images and clips are drawn from a generator seeded by their path;
zips, tars and 7z archives carry fixed times.

Usage (see test/fixtures/mlebench-structure/README.md):
  python scripts/mlebench-fixtures/make_structure.py --mlebench /path/to/mle-bench
  python scripts/mlebench-fixtures/make_structure.py --mlebench /path/to/mle-bench --check-lite
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import runpy
import shutil
import struct
import sys
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import formats  # noqa: E402

TABLE = HERE / "structure.yaml"
OUT = ROOT / "test" / "fixtures" / "mlebench-structure"
REGISTRY_OUT = ROOT / "test" / "fixtures" / "mlebench-registry"
LITE = ROOT / "test" / "fixtures" / "mlebench-lite"
# 1980-01-01, the earliest time a zip holds; tars and 7z archives carry it too.
EPOCH = 315532800
IMAGES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}
ARCHIVES = (".zip", ".tar.gz", ".7z")
# split75 (the 75 of MLE-bench) and dev (its 7, spaceship-titanic among them): every competition of
# any split file that has a registry folder is in one of the two.
SPLITS = ("split75.txt", "dev.txt")


def rng_for(path: Path) -> np.random.Generator:
    # By name only: a file drawn inside an archive is first written to a temporary folder.
    return np.random.default_rng(zlib.crc32(path.name.encode()))


class Int(int):
    """An integer that remembers how the table wrote it (leading zeros, underscores)."""

    text: str


class Float(float):
    """A float that remembers how the table wrote it (trailing zeros)."""

    text: str


class TableLoader(yaml.SafeLoader):
    """YAML as written: a number keeps its text, so a CSV cell reads `0001_01` or `0.0000000000`
    as the table has it, while JSON and parquet content still get numbers."""


def _keeping_text(cls, construct):
    def make(loader, node):
        value = cls(construct(loader, node))
        value.text = node.value
        return value

    return make


TableLoader.add_constructor("tag:yaml.org,2002:int", _keeping_text(Int, yaml.SafeLoader.construct_yaml_int))
TableLoader.add_constructor("tag:yaml.org,2002:float", _keeping_text(Float, yaml.SafeLoader.construct_yaml_float))


def cell(value) -> str:
    # pandas writes booleans as True/False and missing values as empty cells.
    return "" if value is None else getattr(value, "text", None) or str(value)


def csv_text(path: Path, spec: dict, sep: str) -> str:
    header = [str(h) for h in spec["header"]]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n",
                        quoting=csv.QUOTE_ALL if spec.get("quote_all") else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    fill = spec.get("fill")
    for row in spec.get("rows", []):
        row = [cell(v) for v in row] + [cell(fill)] * (len(header) - len(row))
        if len(row) != len(header):
            raise ValueError(f"{path}: row {row[:3]}... has {len(row)} cells, the header {len(header)} (structure.yaml)")
        writer.writerow(row)
    return buf.getvalue()


def nifti(path: Path) -> None:
    """A NIfTI-1 single file (.nii): the 348-byte header, 4 bytes of no extension, a 2x2x1 uint8 volume."""
    dims = struct.pack("<8h", 3, 2, 2, 1, 1, 1, 1, 1)
    header = bytearray(348)
    struct.pack_into("<i", header, 0, 348)
    header[40:56] = dims
    struct.pack_into("<hh", header, 70, 2, 8)  # datatype uint8, bitpix 8
    struct.pack_into("<8f", header, 76, 1, 1, 1, 1, 0, 0, 0, 0)
    struct.pack_into("<f", header, 108, 352.0)  # vox_offset
    header[344:348] = b"n+1\0"
    path.write_bytes(bytes(header) + b"\0" * 4 + bytes(4))


def write_file(path: Path, spec: dict | None) -> None:
    """One file, its content from the table's spec or else from its name."""
    spec = spec or {}
    path.parent.mkdir(parents=True, exist_ok=True)
    name, suffix = path.name.lower(), path.suffix.lower()
    if "text" in spec:
        path.write_text(spec["text"])
    elif "header" in spec:
        path.write_text(csv_text(path, spec, "\t" if suffix == ".tsv" else ","))
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in spec.get("records", [{}])))
    elif suffix == ".json":
        path.write_text(json.dumps(spec.get("json", {})))
    elif suffix in IMAGES:
        formats.image(path, rng_for(path))
    elif suffix == ".wav":
        formats.wav(path, rng_for(path))
    elif suffix in (".aif", ".aiff"):
        formats.aiff(path, rng_for(path))
    elif suffix in (".dcm", ".dicom"):
        formats.dicom(path, rng_for(path), patient_id=path.stem)
    elif suffix == ".npy":
        np.save(path, np.zeros(spec.get("shape", [2, 2]), dtype=np.float32))
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(spec.get("columns", {"id": [0]})), path)
    elif suffix == ".nii":
        nifti(path)
    elif name.endswith(ARCHIVES):
        write_archive(path, spec)
    elif suffix in (".txt", ".xyz", ".rtf", ".md"):
        path.write_text(spec.get("text", "x\n"))
    else:
        # Formats whose zero-length file is a valid empty stream (.bson, .tfrec, lidar .bin) or that
        # the fixtures do not synthesise (.mp4): see the README.
        path.write_bytes(b"")


def write_tree(root: Path, entries: dict) -> None:
    for rel, spec in entries.items():
        if rel.endswith("/"):
            write_tree(root / rel, spec or {})
        else:
            write_file(root / rel, spec)


def write_archive(path: Path, members: dict) -> None:
    """A zip, tar.gz or 7z holding the members (paths inside it, as the table names them)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        write_tree(src, members)
        files = sorted(p for p in src.rglob("*") if p.is_file())
        names = [f.relative_to(src).as_posix() for f in files]
        if path.name.endswith(".zip"):
            formats.zip_files(path, src, names)
        elif path.name.endswith(".tar.gz"):
            with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
                with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
                    for f, n in zip(files, names):
                        info = tar.gettarinfo(str(f), arcname=n)
                        info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = EPOCH, 0, 0, "", "", 0o644
                        with open(f, "rb") as fh:
                            tar.addfile(info, fh)
        else:
            import py7zr

            for f in files:
                os.utime(f, (EPOCH, EPOCH))
            with py7zr.SevenZipFile(path, "w") as z:
                for f, n in zip(files, names):
                    z.write(f, n)


def expand(header: list, module_dir: Path) -> list[str]:
    """A header as the table gives it: names, and `{from: module.NAME}` for a list that the
    competition's own source holds (vocabulary.py, classes.py, constants.py)."""
    out: list[str] = []
    for h in header:
        if isinstance(h, dict):
            module, name = h["from"].split(".")
            out.extend(runpy.run_path(str(module_dir / f"{module}.py"))[name])
        else:
            out.append(str(h))
    return out


def resolve(entries: dict, module_dir: Path) -> dict:
    """The table's entries with every `{from: ...}` in a header expanded."""
    out = {}
    for rel, spec in (entries or {}).items():
        if isinstance(spec, dict) and "header" in spec:
            spec = {**spec, "header": expand(spec["header"], module_dir)}
        elif isinstance(spec, dict) and (rel.endswith("/") or rel.endswith(ARCHIVES)):
            spec = resolve(spec, module_dir)
        out[rel] = spec
    return out


def load_table() -> dict:
    return yaml.load(TABLE.read_text(), Loader=TableLoader)["competitions"]


def build(mlebench: Path) -> None:
    registry = mlebench / "mlebench" / "competitions"
    table = load_table()
    for cid, entry in table.items():
        target = OUT / cid
        shutil.rmtree(target, ignore_errors=True)
        prepared = target / "prepared"
        write_tree(prepared / "public", resolve(entry["public"], registry / cid))
        write_tree(prepared / "private", resolve(entry["private"], registry / cid))
        shutil.copyfile(registry / cid / "description.md", prepared / "public" / "description.md")
    # The split files the fixture set is checked against (experiments/splits/<name>.txt).
    (OUT / "splits").mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        shutil.copyfile(mlebench / "experiments" / "splits" / split, OUT / "splits" / split)
    for config in sorted(registry.glob("*/config.yaml")):
        dest = REGISTRY_OUT / config.parent.name / "config.yaml"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(config, dest)
    print(f"{len(table)} competitions in {OUT}; {len(list(registry.glob('*/config.yaml')))} config.yaml in {REGISTRY_OUT}")


def headers_of(folder: Path) -> dict[str, object]:
    """Top-level names of a prepared folder, with each CSV's (or zipped CSV's) header and the
    suffixes of the files under each folder or archive."""
    out: dict[str, object] = {}
    for p in sorted(folder.iterdir()):
        if p.name == "description.md":
            continue
        if p.is_dir():
            out[p.name + "/"] = sorted({f.suffix for f in p.rglob("*") if f.is_file()})
        elif p.name.endswith(".csv.zip"):
            with zipfile.ZipFile(p) as z:
                first = z.read(z.namelist()[0]).decode().splitlines()[0]
            out[p.name] = next(csv.reader([first]))
        elif p.suffix == ".zip":
            with zipfile.ZipFile(p) as z:
                out[p.name] = sorted({Path(n).suffix for n in z.namelist() if not n.endswith("/")})
        elif p.suffix == ".csv":
            with open(p, newline="") as f:
                out[p.name] = next(csv.reader(f))
        else:
            out[p.name] = None
    return out


def check_lite() -> int:
    """The table agrees with the lite fixtures (made by running prepare.py): the same top-level names,
    CSV headers and kinds of files in folders and zips, public and private."""
    problems = []
    lite_ids = sorted(p.name for p in LITE.iterdir() if p.is_dir())
    for cid in lite_ids:
        for side in ("public", "private"):
            want = headers_of(LITE / cid / "prepared" / side)
            got = headers_of(OUT / cid / "prepared" / side)
            if side == "private":
                # The table holds only the answers (and a sample submission config.yaml puts there).
                want = {k: v for k, v in want.items() if k in got}
            if want != got:
                problems.append(f"{cid}/prepared/{side}: lite {want} != structure {got}")
    for p in problems:
        print(p)
    print(f"{len(lite_ids) - len({p.split('/')[0] for p in problems})} of {len(lite_ids)} lite competitions agree")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mlebench", type=Path, required=True, help="an openai/mle-bench checkout (783b15a)")
    parser.add_argument("--check-lite", action="store_true", help="also compare with test/fixtures/mlebench-lite")
    args = parser.parse_args()
    build(args.mlebench)
    return check_lite() if args.check_lite else 0


if __name__ == "__main__":
    sys.exit(main())
