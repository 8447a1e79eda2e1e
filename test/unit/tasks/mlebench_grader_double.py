"""A test double of mlebench_grader_server.py's protocol (no mlebench): for the Node side's tests.

Greets with {"ready": true}, writes its pid and then each request's first submission line to
<data_dir>/log, and answers by the submission's first line:
  crash-once    exits at once the first time (a marker file in data_dir), grades it the next time
  crash-always  exits at once, every time
  slow          waits 0.3 s, then grades it
  invalid       {"valid": false, "reason": "the double refuses it"}
  nan           a NaN score
  <number>      that number as the score, rounded to 5 places as reported
A probe of competition "unknown-competition" answers unavailable; any other, ok.
"""
import json
import os
import sys
import time
from pathlib import Path


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def log(data_dir, text):
    with open(Path(data_dir) / "log", "a") as f:
        f.write(text + "\n")


send({"ready": True})
logged_pid = set()
for line in sys.stdin:
    request = json.loads(line)
    data_dir = request["data_dir"]
    if data_dir not in logged_pid:
        log(data_dir, "pid %d" % os.getpid())
        logged_pid.add(data_dir)
    if request["op"] == "probe":
        send({"unavailable": "the double does not know it"} if request["competition_id"] == "unknown-competition" else {"ok": True})
        continue
    first = Path(request["submission"]).read_text().split("\n")[0].strip()
    log(data_dir, first)
    marker = Path(data_dir) / "crashed-once"
    if first == "crash-always" or (first == "crash-once" and not marker.exists()):
        marker.touch()
        os._exit(1)
    if first == "slow":
        time.sleep(0.3)
        send({"valid": True, "score": 0.5, "reported": 0.5})
    elif first == "crash-once":
        send({"valid": True, "score": 1.0, "reported": 1.0})
    elif first == "invalid":
        send({"valid": False, "reason": "the double refuses it"})
    elif first == "nan":
        send({"valid": True, "score": "NaN", "reported": "NaN"})
    else:
        score = float(first)
        send({"valid": True, "score": score, "reported": round(score, 5)})
