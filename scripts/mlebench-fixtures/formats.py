"""Tiny, deterministic writers for the file formats Kaggle ships: images, audio, DICOM, CSV, zips.

Every writer takes its content from the caller (drawn from a seeded generator) and writes no
timestamp of its own, so a rerun writes the same bytes.
"""

from __future__ import annotations

import shutil
import struct
from io import BytesIO
import wave
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

# The earliest time a zip can hold: every entry the fixtures write or rewrite carries it.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def pixels(rng: np.random.Generator, width: int, height: int, channels: int) -> np.ndarray:
    shape = (height, width) if channels == 1 else (height, width, channels)
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


def image(path: Path, rng: np.random.Generator, width: int = 8, height: int = 8, mode: str = "RGB") -> None:
    """An image in the format its suffix names (.jpg, .png, .tif, .bmp), of random pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(pixels(rng, width, height, 1 if mode == "L" else 3), mode)
    if path.suffix == ".jpg":
        img.save(path, format="JPEG", quality=75)
    else:
        img.save(path)


def grey_png(path: Path, values: np.ndarray) -> None:
    """A greyscale PNG of the given pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(values, "L").save(path)


def image_bytes(rng: np.random.Generator, width: int = 8, height: int = 8) -> bytes:
    """A JPEG's bytes, for formats that embed images (TFRecords)."""
    buf = BytesIO()
    Image.fromarray(pixels(rng, width, height, 3), "RGB").save(buf, format="JPEG", quality=75)
    return buf.getvalue()


def samples(rng: np.random.Generator, n: int) -> bytes:
    """Big-endian 16-bit PCM noise (AIFF's byte order)."""
    return rng.integers(-2000, 2000, size=n).astype(">i2").tobytes()


def wav(path: Path, rng: np.random.Generator, rate: int = 16000, n: int = 32) -> None:
    """Mono 16-bit WAV, as mlsp-2013-birds' src_wavs are (16 kHz)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(rng.integers(-2000, 2000, size=n).astype("<i2").tobytes())


def _extended80(value: int) -> bytes:
    """An integer as the 80-bit IEEE extended float that AIFF's COMM chunk holds the sample rate in."""
    exponent = value.bit_length() - 1
    mantissa = value << (63 - exponent)
    return struct.pack(">HQ", 16383 + exponent, mantissa)


def aiff(path: Path, rng: np.random.Generator, rate: int = 2000, n: int = 32) -> None:
    """Mono 16-bit AIFF, as the right-whale clips are (2 kHz)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = samples(rng, n)
    comm = struct.pack(">hLh", 1, n, 16) + _extended80(rate)
    ssnd = struct.pack(">LL", 0, 0) + data
    body = b"AIFF" + b"COMM" + struct.pack(">L", len(comm)) + comm + b"SSND" + struct.pack(">L", len(ssnd)) + ssnd
    path.write_bytes(b"FORM" + struct.pack(">L", len(body)) + body)


def _dicom_element(group: int, element: int, vr: bytes, value: bytes) -> bytes:
    if len(value) % 2:
        value += b"\0" if vr in (b"UI", b"OB") else b" "
    if vr in (b"OB", b"OW", b"UN", b"SQ", b"UT"):
        return struct.pack("<HH2sHL", group, element, vr, 0, len(value)) + value
    return struct.pack("<HH2sH", group, element, vr, len(value)) + value


def _us(value: int) -> bytes:
    return struct.pack("<H", value)


def dicom(path: Path, rng: np.random.Generator, patient_id: str, size: int = 8) -> None:
    """A minimal DICOM Part 10 file (explicit VR little endian): patient id and an 8-bit grey image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta_body = _dicom_element(0x0002, 0x0010, b"UI", b"1.2.840.10008.1.2.1")
    meta = _dicom_element(0x0002, 0x0000, b"UL", struct.pack("<L", len(meta_body))) + meta_body
    dataset = b"".join([
        _dicom_element(0x0010, 0x0020, b"LO", patient_id.encode()),
        _dicom_element(0x0028, 0x0002, b"US", _us(1)),
        _dicom_element(0x0028, 0x0004, b"CS", b"MONOCHROME2"),
        _dicom_element(0x0028, 0x0010, b"US", _us(size)),
        _dicom_element(0x0028, 0x0011, b"US", _us(size)),
        _dicom_element(0x0028, 0x0100, b"US", _us(8)),
        _dicom_element(0x0028, 0x0101, b"US", _us(8)),
        _dicom_element(0x7FE0, 0x0010, b"OB", pixels(rng, size, size, 1).tobytes()),
    ])
    path.write_bytes(b"\0" * 128 + b"DICM" + meta + dataset)


def csv(path: Path, frame: pd.DataFrame, **kwargs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, **kwargs)


def zip_files(archive: Path, root: Path, names: list[str]) -> None:
    """Zips root/<name> for each name (files or folders), under those names, as a Kaggle download holds them."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            src = root / name
            files = sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else [src]
            for f in files:
                info = zipfile.ZipInfo(f.relative_to(root).as_posix(), ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, f.read_bytes())


def zip_in_place(raw: Path, name: str, archive: str | None = None) -> None:
    """Replaces raw/<name> (a file or folder) by a zip of it, as Kaggle ships some files zipped one
    by one (train.csv.zip holding train.csv, train.zip holding train/)."""
    zip_files(raw / (archive or f"{name}.zip"), raw, [name])
    target = raw / name
    shutil.rmtree(target) if target.is_dir() else target.unlink()


def normalize_zip(archive: Path) -> None:
    """Rewrites a zip that prepare.py wrote with the same entries, contents and compression, but in
    name order and with fixed times and modes, which are all that differ from one run to the next."""
    with zipfile.ZipFile(archive) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(archive, "w") as z:
        for old, data in sorted(entries, key=lambda e: e[0].filename):
            info = zipfile.ZipInfo(old.filename, ZIP_EPOCH)
            info.compress_type = old.compress_type
            info.external_attr = ((0o755 | 0o040000) << 16 | 0x10) if old.is_dir() else (0o644 << 16)
            z.writestr(info, data)
