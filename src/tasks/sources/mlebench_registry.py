"""Where the installed mlebench keeps its registry; run by src/tasks/sources/mlebenchRegistry.ts.

usage: python mlebench_registry.py

Prints one JSON line: competitions_dir (the package's competitions/, a config.yaml per
competition), splits_dir (experiments/splits of the checkout mlebench was installed from: low.txt,
medium.txt, ...) and data_dir (mlebench's default data folder, where `mlebench prepare` writes
without --data-dir). Exit 3: this Python cannot import mlebench.registry.
"""
import json
import sys

try:
    from mlebench.registry import DEFAULT_DATA_DIR, registry
except Exception as e:
    print("cannot import mlebench.registry: %r" % (e,), file=sys.stderr)
    sys.exit(3)
print(json.dumps({
    "competitions_dir": str(registry.get_competitions_dir()),
    "splits_dir": str(registry.get_splits_dir()),
    "data_dir": str(DEFAULT_DATA_DIR),
}))
