"""Stance accuracy and evidence recall@5 on gold sets, in one process (for iterating; the
figures to report come from ../shared/eval/score.py through the CLI, which this mirrors).

    python scripts/stance_eval.py NAME=DB:GOLD_DIR ... [--errors]

DB is a store already filled with ``claimbot ingest`` (``--db``); GOLD_DIR holds stance.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.errors import CommandError  # noqa: E402
from bot.service import Service  # noqa: E402
from store.base import open_store  # noqa: E402


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def run(db: str, gold_dir: str, errors: bool) -> dict[str, float]:
    svc = Service(open_store(db))
    gold = [json.loads(line) for line in Path(gold_dir, "stance.jsonl").read_text().splitlines() if line.strip()]
    right = found = wanted = none_cited = nones = 0
    for g in gold:
        try:
            ans = svc.stance(g["actor"], g["topic"]).to_dict()
        except CommandError:
            ans = {"stance": "none", "claims": []}
        texts = [fold(f"{c.get('quote', '')} {c.get('sentence', '')}") for c in ans["claims"][:5]]
        hits = sum(any(fold(e) in t for t in texts) for e in g.get("evidence", []))
        found += hits
        wanted += len(g.get("evidence", []))
        right += ans["stance"] == g["stance"]
        if g["stance"] == "none":
            nones += 1
            none_cited += bool(ans["claims"])
        if errors and (ans["stance"] != g["stance"] or hits < len(g.get("evidence", []))):
            print(f"  {g['actor']} / {g['topic']}: gold {g['stance']}, got {ans['stance']}, evidence "
                  f"{hits}/{len(g.get('evidence', []))}")
            for c in ans["claims"][:3]:
                p = c.get("probabilities", {})
                print(f"      [{c['stance']} {c.get('relevance')} {p}] {c['sentence'][:150]}")
    return {"acc": right / len(gold), "ev": found / max(wanted, 1), "none_cited": none_cited / max(nones, 1),
            "n": len(gold)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    for spec in args.sets:
        name, rest = spec.split("=", 1)
        db, gold = rest.rsplit(":", 1)
        if args.errors:
            print(name)
        r = run(db, gold, args.errors)
        print(f"{name:6} n={r['n']:3} accuracy {r['acc']:.2f}  evidence@5 {r['ev']:.2f}  none cited {r['none_cited']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
