"""Synthetic values shaped like the real ones: hex ids, labels, sentences."""

from __future__ import annotations

import numpy as np

WORDS = (
    "the a of and to in night old house dark sea light window door long river stone quiet "
    "strange voice heart dream cold winter city garden letter friend morning shadow"
).split()


def hexes(rng: np.random.Generator, n: int, length: int) -> list[str]:
    """Distinct lowercase hex ids; never all digits, which pandas would read as a number."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        s = "".join(rng.choice(list("0123456789abcdef"), size=length))
        if not s.isdigit() and s not in seen:
            seen.add(s)
            out.append(s)
    return out


def numbers(rng: np.random.Generator, n: int, low: int, high: int) -> list[int]:
    """Distinct integers in [low, high), in random order."""
    return [int(v) for v in rng.choice(np.arange(low, high), size=n, replace=False)]


def binary(rng: np.random.Generator, n: int, rate: float = 0.4) -> np.ndarray:
    return (rng.random(n) < rate).astype(int)


def sentence(rng: np.random.Generator, low: int = 4, high: int = 12) -> str:
    words = rng.choice(WORDS, size=int(rng.integers(low, high)))
    return " ".join(words).capitalize() + "."


def floats(rng: np.random.Generator, n: int, low: float, high: float, decimals: int = 4) -> np.ndarray:
    return np.round(rng.uniform(low, high, size=n), decimals)
