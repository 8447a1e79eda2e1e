"""A long-lived grading process: mlebench's own graders, one request at a time; run by mlebenchGrader.ts.

usage: python mlebench_grader_server.py

Speaks JSON lines. On start it writes {"ready": true} once mlebench is imported, or
{"ready": false, "why": ...} and exits 3 when this Python has no mlebench. Then, for each request
line, one answer line, in order:

  {"op": "probe" | "grade", "competition_id": ..., "data_dir": ..., "config": null | path of a
   config.yaml, "submission": path (grade only)}

  probe:  {"ok": true} | {"unavailable": why}
  grade:  {"valid": true, "score": raw, "reported": round(raw, 5)} | {"valid": false, "reason": ...}
          | {"unavailable": why} | {"error": why}

"unavailable": mlebench cannot grade this competition (no config.yaml in its registry, or its
grade_fn does not import). "error": the competition's files are at fault (answers missing or
unreadable). Non-finite scores are written as "NaN", "Infinity", "-Infinity".

Each competition is built as mlebench's registry builds it (config.yaml under the registry, the
answers under the data dir), without importing its preparer: `mlebench grade` imports it only to
build the Competition, and preparers need packages (PIL, py7zr, ...) that grading never uses. The
grade mirrors mlebench.grade.grade_csv: the submission read with mlebench.utils.read_csv, the answers
with load_answers, the score from the grade function, any exception of it an invalid submission
(as mlebench's Grader treats it), rounded with round(score, 5) as its Grader reports it.
"""
import copy
import json
import math
import os
import sys
from pathlib import Path

# The protocol owns the real stdout; anything a grader prints (Python or C level) goes to stderr.
protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(message):
    protocol.write(json.dumps(message, allow_nan=False) + "\n")
    protocol.flush()


try:
    from mlebench.grade_helpers import Grader, InvalidSubmissionError
    from mlebench.registry import registry
    from mlebench.utils import load_answers, load_yaml, read_csv
except Exception as e:  # noqa: BLE001 - any failure to import means "no usable mlebench here"
    send({"ready": False, "why": "cannot import mlebench: %r" % (e,)})
    sys.exit(3)


class Unavailable(Exception):
    """mlebench cannot grade this competition."""


graders = {}  # (config path) -> Grader
answers_cache = {}  # answers path -> (mtime_ns, size, answers)


def grader_and_answers_path(request):
    data_dir = Path(request["data_dir"])
    config_path = request.get("config") or str(registry.get_competitions_dir() / request["competition_id"] / "config.yaml")
    if not Path(config_path).is_file():
        raise Unavailable("mlebench's registry has no competition %s (no %s)" % (request["competition_id"], config_path))
    config = load_yaml(Path(config_path))
    grader = graders.get(config_path)
    if grader is None:
        try:
            grader = Grader.from_dict(config["grader"])
        except Exception as e:  # noqa: BLE001 - a grade_fn that does not import cannot grade
            raise Unavailable("the grader of %s (%s) cannot be loaded: %r" % (request["competition_id"], config_path, e))
        graders[config_path] = grader
    return grader, data_dir / config["dataset"]["answers"]


def answers_at(path):
    """The answers, read once per file version; each grade gets its own copy (grade functions may change them)."""
    stat = path.stat()
    cached = answers_cache.get(str(path))
    if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
        cached = (stat.st_mtime_ns, stat.st_size, load_answers(path))
        answers_cache[str(path)] = cached
    return copy.deepcopy(cached[2])


def number(x):
    x = float(x)
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def grade(request):
    grader, answers_path = grader_and_answers_path(request)
    if not answers_path.is_file():
        return {"error": "answers %s not found: run `mlebench prepare -c %s`" % (answers_path, request["competition_id"])}
    try:
        answers = answers_at(answers_path)
    except Exception as e:  # noqa: BLE001
        return {"error": "answers %s cannot be read: %r" % (answers_path, e)}
    try:
        submission = read_csv(Path(request["submission"]))
    except Exception as e:  # noqa: BLE001 - a file pandas cannot read cannot be graded
        return {"valid": False, "reason": "pandas cannot read it: %s" % (e,)}
    try:
        score = grader.grade_fn(submission, answers)
    except Exception as e:  # noqa: BLE001 - mlebench's Grader treats every exception as an invalid submission
        said = str(e) if isinstance(e, InvalidSubmissionError) else "%s: %s" % (type(e).__name__, e)
        return {"valid": False, "reason": said}
    return {"valid": True, "score": number(score), "reported": number(round(score, 5))}


def serve(request):
    try:
        if request.get("op") == "probe":
            grader_and_answers_path(request)
            return {"ok": True}
        return grade(request)
    except Unavailable as e:
        return {"unavailable": str(e)}


send({"ready": True})
for line in sys.stdin:
    if line.strip():
        try:
            answer = serve(json.loads(line))
        except Exception as e:  # noqa: BLE001 - a failure of this process is reported, never fatal
            answer = {"error": "grading failed: %r" % (e,)}
        send(answer)
