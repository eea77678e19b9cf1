"""Six-word runs shared by claimbot's own text (training data, tests, lexicons) and the
evaluation texts, which must never be copied (see README, "Measuring").

    python scripts/check_overlap.py [EVAL_TEXT_DIR ...]

Reads every .txt under ../shared/eval, ../shared/seeds and the given folders (rebuilt
real-news texts, for instance), and every .jsonl/.json/.py/.md file under
scripts/stance-data, bot/ and tests/; prints each shared run with its file; exits 1 when
there is one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = 6
OURS = ["scripts/stance-data", "bot", "tests"]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def runs(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + RUN]) for i in range(len(w) - RUN + 1)}


def main(argv: list[str]) -> int:
    shared = ROOT.parent / "shared"
    dirs = [shared / "eval", shared / "seeds", *map(Path, argv)]
    theirs: set[tuple[str, ...]] = set()
    for d in dirs:
        for f in d.rglob("*.txt"):
            theirs |= runs(f.read_text(encoding="utf-8", errors="replace"))
    found = 0
    for sub in OURS:
        for f in sorted((ROOT / sub).rglob("*")):
            if f.suffix not in (".jsonl", ".json", ".py", ".md") or not f.is_file():
                continue
            common = runs(f.read_text(encoding="utf-8", errors="replace")) & theirs
            for r in sorted(common):
                print(f"{f.relative_to(ROOT)}: {' '.join(r)}")
            found += len(common)
    print(f"{found} shared six-word run(s)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
