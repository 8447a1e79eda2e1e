"""Fails the build of the MLE-bench environment (venv or image) when its training stack cannot import.

Run with the environment's Python: prints one line of versions, or the failing import and exits 1.
"""
import importlib
import sys

# What MLE-bench solutions import most; a broken wheel (a missing system library, say) shows here,
# not in the first sandboxed run.
MODULES = [
    "numpy", "pandas", "sklearn", "scipy", "lightgbm", "xgboost", "catboost", "torch", "torchvision",
    "torchaudio", "timm", "transformers", "librosa", "cv2", "PIL", "skimage", "albumentations",
    "pyarrow", "datasets", "sentencepiece", "nltk",
]

versions = []
for name in MODULES:
    try:
        module = importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - any import failure fails the build
        sys.exit(f"MLE-bench environment: import {name} failed: {error!r}")
    versions.append(f"{name} {getattr(module, '__version__', '?')}")
print(f"MLE-bench environment ok (Python {sys.version.split()[0]}): " + ", ".join(versions))
