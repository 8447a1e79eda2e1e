"""Removes every copy of a packaged dataset from the Python environment that runs it, then checks.

    PYTHON sandbox/strip_task_data.py

Solutions run in this environment (the sandbox image's Python, the process sandbox's .crucible/venv),
and the bundled tasks are built from tables that ship inside packages. A copy left here lets a
solution load the source table, join it to the public test rows on their features and read off every
hidden label. So, in each of this interpreter's site-packages folders:

  - scikit-learn's bundled datasets: sklearn/datasets/data, descr and images, what load_iris,
    load_breast_cancer, load_digits, ... read (their __init__.py stay, so sklearn still imports);
  - every `tests` folder: the packages' test suites carry tables too (iris in scipy's, pandas' and
    scikit-learn's), and no solution runs a package's own tests.

Then numpy, pandas, scipy and scikit-learn must still import, and every scikit-learn load_* that
needs no argument must fail. test/integration/leak-audit.test.ts checks the result from inside each
sandbox. Run by scripts/setup.sh (the venv) and by both image recipes (scripts/sandbox-image.sh,
sandbox/Dockerfile).
"""
import importlib
import os
import shutil
import site
import sys

BUNDLED = ("data", "descr", "images")


def strip(site_dir: str) -> int:
    removed = 0
    datasets = os.path.join(site_dir, "sklearn", "datasets")
    for sub in BUNDLED:
        for root, _, files in os.walk(os.path.join(datasets, sub)):
            for name in files:
                if name != "__init__.py":
                    os.remove(os.path.join(root, name))
                    removed += 1
    for root, dirs, _ in os.walk(site_dir):
        for name in [d for d in dirs if d == "tests"]:
            path = os.path.join(root, name)
            removed += sum(len(f) for _, _, f in os.walk(path))
            shutil.rmtree(path)
            dirs.remove(name)
    return removed


def check() -> None:
    for module in ("numpy", "pandas", "scipy", "sklearn.datasets"):
        importlib.import_module(module)
    datasets = sys.modules["sklearn.datasets"]
    # load_files, load_svmlight_file(s) and load_sample_image read a path the caller names.
    loaders = [n for n in datasets.__all__ if n.startswith("load_") and n not in ("load_files", "load_sample_image")
               and not n.startswith("load_svmlight")]
    readable = []
    for name in loaders:
        try:
            getattr(datasets, name)()
        except (OSError, ImportError, ValueError):
            continue
        readable.append(name)
    if readable:
        sys.exit(f"strip_task_data: scikit-learn still loads {', '.join(readable)} after stripping "
                 f"{', '.join(site.getsitepackages())}; its datasets have moved: update sandbox/strip_task_data.py")


if __name__ == "__main__":
    dirs = [d for d in site.getsitepackages() if os.path.isdir(d)]
    total = sum(strip(d) for d in dirs)
    check()
    print(f"strip_task_data: removed {total} dataset and test files from {', '.join(dirs)}; scikit-learn's load_* fail",
          file=sys.stderr)
