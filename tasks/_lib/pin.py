#!/usr/bin/env python3
"""Maintainer tool: rewrite the committed EXPECTED_MD5 and EXPECTED_SCORES of tasks after a
deliberate change to their data or reference solutions.

    .crucible/tasks-venv/bin/python tasks/_lib/pin.py tasks/<id>/prepare.py [...]

Runs each `prepare.py TMPDIR --print-checksums` and replaces the two dict literals in the source.
Review the diff: every changed checksum or score is a change to the task itself.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def block(name: str, text: str) -> str:
    m = re.search(rf"^{name} = \{{\n.*?^\}}\n", text, re.S | re.M)
    if m is None:
        sys.exit(f"no {name} block found")
    return m.group(0)


def pin(prepare: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, str(prepare), tmp, "--print-checksums"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{prepare}: failed:\n{r.stdout}{r.stderr}")
    src = prepare.read_text()
    for name in ("EXPECTED_MD5", "EXPECTED_SCORES"):
        src = src.replace(block(name, src), block(name, r.stdout))
    versions = r.stdout.splitlines()[0].lstrip("# ")
    src = re.sub(r"(# MD5 of every produced data file, computed once with ).*\.", rf"\g<1>{versions}.", src)
    prepare.write_text(src)
    print(f"{prepare}: pinned ({versions})")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        pin(Path(arg))
