"""Developer aid: show, for each gold stance query, the candidate claims and how they scored.

Usage: python scripts/debug_stance.py DB GOLD_DIR [filter]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.service import Service
from store.base import open_store


def main() -> None:
    db, gold, flt = sys.argv[1], Path(sys.argv[2]), (sys.argv[3] if len(sys.argv) > 3 else "")
    svc = Service(open_store(db))
    for line in (gold / "stance.jsonl").read_text().splitlines():
        g = json.loads(line)
        if flt and flt not in f"{g['actor']} {g['topic']}":
            continue
        ans = svc.stance(g["actor"], g["topic"])
        mark = "OK " if ans.stance == g["stance"] else "BAD"
        print(f"{mark} {g['actor']} / {g['topic']}: gold {g['stance']} got {ans.stance} {ans.counts}")
        tq = svc.topics.query(g["topic"])
        for c in svc.store.claims(actor=svc.resolve_actor(g["actor"])):
            rel, st = svc._relevance(c, tq)
            if rel > 0.2:
                print(f"    {rel:.2f} {st:<8} [{c['cue']}] {c['quote'][:110]!r}")
        for e in g["evidence"]:
            print(f"    want: {e}")


if __name__ == "__main__":
    main()
