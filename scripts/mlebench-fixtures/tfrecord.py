"""TFRecord files of tf.train.Example records, written and read without TensorFlow.

siim-isic-melanoma-classification's prepare.py splits train from test by the image names inside
two of its TFRecord files, read with TensorFlow (mlebench.competitions.utils.get_ids_from_tf_records).
The fixtures write real TFRecords and read them with `ids_from_tf_records`, which does what that
function does, so prepare.py runs without installing TensorFlow.
"""

from __future__ import annotations

import struct
from pathlib import Path


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def _masked_crc(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def example(features: dict[str, bytes | int]) -> bytes:
    """A serialized tf.train.Example: bytes values as a BytesList, ints as an Int64List."""
    entries = b""
    for key, value in features.items():
        if isinstance(value, bytes):
            feature = _field(1, _field(1, value))
        else:
            feature = _field(3, _field(1, _varint(value)))
        entries += _field(1, _field(1, key.encode()) + _field(2, feature))
    return _field(1, entries)


def write(path: Path, records: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = bytearray()
    for data in records:
        length = struct.pack("<Q", len(data))
        out += length + struct.pack("<I", _masked_crc(length)) + data + struct.pack("<I", _masked_crc(data))
    path.write_bytes(bytes(out))


def _fields(buf: bytes) -> list[tuple[int, bytes]]:
    """The length-delimited fields of a protobuf message (the only wire type these records use at
    the levels read here), as (field number, payload)."""
    out, i = [], 0
    while i < len(buf):
        tag, i = _read_varint(buf, i)
        wire = tag & 7
        if wire == 2:
            size, i = _read_varint(buf, i)
            out.append((tag >> 3, buf[i : i + size]))
            i += size
        elif wire == 0:
            _, i = _read_varint(buf, i)
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return out


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def records(path: Path) -> list[bytes]:
    data, out, i = path.read_bytes(), [], 0
    while i < len(data):
        (length,) = struct.unpack_from("<Q", data, i)
        i += 12
        out.append(data[i : i + length])
        i += length + 4
    return out


def ids_from_tf_records(tf_record_path: Path, id_feature: str = "image_name") -> list[str]:
    """What get_ids_from_tf_records returns: each record's first `id_feature` bytes value, decoded."""
    ids = []
    for record in records(tf_record_path):
        for _, features in _fields(record):
            for _, entry in _fields(features):
                parts = dict(_fields(entry))
                if parts.get(1, b"").decode() == id_feature:
                    bytes_list = dict(_fields(parts[2]))[1]
                    ids.append(dict(_fields(bytes_list))[1].decode())
    return ids
