"""``benchmarks/RESULTS.md``: each benchmark owns one ``## name`` section and rewrites it."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
#: Hand-written notes below this line in a section survive a re-run.
NOTES_MARKER = "<!-- notes: kept across runs -->"


def write_section(name: str, section: str) -> None:
    """Replace (or append) the ``## name`` section, re-reading the file just before, and
    keep whatever follows :data:`NOTES_MARKER` in it."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    found = pattern.search(text)
    notes = ""
    if found and NOTES_MARKER in found.group(0):
        notes = found.group(0)[found.group(0).index(NOTES_MARKER) :].rstrip("\n") + "\n"
    body = section.rstrip("\n") + "\n" + ("\n" + notes if notes else "") + "\n"
    if found:
        text = text[: found.start()] + body + text[found.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(text.rstrip("\n") + "\n")
