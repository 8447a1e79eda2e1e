"""Grades a submission with the real mlebench grader; run by src/tasks/sources/mlebenchGrader.ts.

usage: python -c "$(cat mlebench_grade.py)" DATA_DIR COMPETITION_ID SUBMISSION_CSV

Prints the competition report (CompetitionReport.to_dict()) as JSON on one stdout line after the
marker. Exit 3: mlebench is not installed; exit 4: its registry does not know the competition.
Both mean "grade it yourself" to the caller.
"""
import json
import sys
from pathlib import Path

MARKER = "CRUCIBLE_MLEBENCH_REPORT "

try:
    from mlebench.grade import grade_csv
    from mlebench.registry import registry
except Exception as e:
    print("mlebench is not installed: %r" % (e,), file=sys.stderr)
    sys.exit(3)
try:
    competition = registry.set_data_dir(Path(sys.argv[1])).get_competition(sys.argv[2])
except Exception as e:
    print("the mlebench registry has no competition %s: %r" % (sys.argv[2], e), file=sys.stderr)
    sys.exit(4)
report = grade_csv(Path(sys.argv[3]), competition)
print(MARKER + json.dumps(report.to_dict()))
