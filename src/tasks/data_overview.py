"""Overview of a task's public data for the LLM prompts: files, shapes, columns, types, first rows.

Runs inside the sandbox (the same Python and pandas the solutions get) with the data folder in
CRUCIBLE_DATA_DIR; prints Markdown on stdout. Folders of many files (images, documents) are summarised
by count and extension, tables by shape, column types, missing values and head.
"""
import os
import sys
from collections import Counter

DATA = os.environ.get("CRUCIBLE_DATA_DIR", "/data")
MAX_LISTED = 30          # files described one by one
MANY = 20                # a folder with more files is summarised
HEAD_ROWS = 3
MAX_COLUMNS = 40
MAX_CHARS = 12000
TABLE = (".csv", ".tsv", ".csv.gz", ".tsv.gz", ".csv.zip", ".parquet")  # pandas reads a zipped CSV directly
TEXT = (".txt", ".json", ".jsonl")  # description.md is in the prompt already

try:
    import pandas as pd
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.max_colwidth", 40)
except ImportError:  # the overview degrades to a file listing
    pd = None


def human(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def walk(root):
    out = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(d, name)
            out.append((os.path.relpath(full, root), os.path.getsize(full)))
    return out


def describe_table(path, rel):
    sep = "\t" if ".tsv" in rel else ","
    if rel.endswith(".parquet"):
        df = pd.read_parquet(path)
    else:
        df = pd.read_csv(path, sep=sep, low_memory=False)
    lines = [f"### {rel}: {df.shape[0]} rows x {df.shape[1]} columns", ""]
    lines.append("| column | type | missing | unique | example |")
    lines.append("|---|---|---|---|---|")
    for col in list(df.columns)[:MAX_COLUMNS]:
        s = df[col]
        example = s.dropna().iloc[0] if s.notna().any() else ""
        example = str(example).replace("|", "/").replace("\n", " ")[:40]
        lines.append(f"| {col} | {s.dtype} | {int(s.isna().sum())} | {int(s.nunique())} | {example} |")
    if df.shape[1] > MAX_COLUMNS:
        lines.append(f"| ... {df.shape[1] - MAX_COLUMNS} more columns | | | | |")
    lines += ["", "First rows:", "```", df.head(HEAD_ROWS).to_string(), "```"]
    return lines


def describe_text(path, rel):
    with open(path, encoding="utf-8", errors="replace") as f:
        head = [next(f, "") for _ in range(5)]
    return [f"### {rel}", "```", "".join(head).rstrip()[:1000], "```"]


def main():
    files = walk(DATA)
    total = sum(size for _, size in files)
    out = [f"Data folder ({DATA}): {len(files)} files, {human(total)}.", ""]
    folders = Counter(os.path.dirname(rel) for rel, _ in files)
    crowded = {d for d, n in folders.items() if d and n > MANY}
    for d in sorted(crowded):
        inside = [rel for rel, _ in files if os.path.dirname(rel) == d]
        exts = Counter(os.path.splitext(rel)[1] or "(none)" for rel in inside)
        kinds = ", ".join(f"{n} {e}" for e, n in exts.most_common(4))
        out.append(f"- {d}/: {len(inside)} files ({kinds}), e.g. {', '.join(os.path.basename(r) for r in inside[:3])}")
    listed = [(rel, size) for rel, size in files if os.path.dirname(rel) not in crowded]
    for rel, size in listed[:MAX_LISTED]:
        out.append(f"- {rel} ({human(size)})")
    if len(listed) > MAX_LISTED:
        out.append(f"- ... {len(listed) - MAX_LISTED} more files")
    out.append("")
    for rel, _ in listed[:MAX_LISTED]:
        path = os.path.join(DATA, rel)
        try:
            if pd is not None and rel.lower().endswith(TABLE):
                out += describe_table(path, rel) + [""]
            elif rel.lower().endswith(TEXT):
                out += describe_text(path, rel) + [""]
        except Exception as e:  # one unreadable file must not hide the others
            out += [f"### {rel}: could not be read ({type(e).__name__}: {str(e)[:200]})", ""]
    text = "\n".join(out).strip()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "\n... (overview cut)"
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
