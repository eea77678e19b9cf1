"""Stance accuracy and evidence recall@5 on gold sets, in one process (for iterating; the
figures to report come from ../shared/eval/score.py through the CLI, which this mirrors).

    python scripts/stance_eval.py NAME=DB:GOLD_DIR ... [--errors] [--arm both|model|rules|all]

DB is a store already filled with ``claimbot ingest`` (``--db``); GOLD_DIR holds stance.jsonl.
``--arm`` is the ablation: ``both`` (the bot: the stance model weighed with the extractor's
reading), ``model`` (the model alone, no stack), ``rules`` (the extractor's own stance of
each candidate, bot/extract/stance.py, as its reading; the same retrieval), ``all`` (the three
in turn).
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


def rule_readings(svc: Service) -> None:
    """Make ``svc`` read each candidate by the extractor's stance alone."""
    from bot.service import Reading

    def read(actor_label: str, topic: str, ranked: list) -> list:  # noqa: ANN001
        out = []
        for c in ranked:
            side = c.record.get("stance") if c.record.get("stance") in ("support", "oppose") else "neutral"
            out.append(Reading(c, {"support": 0.0, "oppose": 0.0, "neutral": 0.0, "unrelated": 0.0, side: 1.0}))
        return out
    svc._read = read  # type: ignore[method-assign]


def run(db: str, gold_dir: str, errors: bool, arm: str = "both") -> dict[str, float]:
    svc = Service(open_store(db))
    if arm == "rules":
        rule_readings(svc)
    from bot.stance_model import Stack, StanceModel
    StanceModel.shared().stack = None if arm == "model" else Stack()
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
    ap.add_argument("--arm", choices=("both", "model", "rules", "all"), default="both")
    args = ap.parse_args()
    arms = ("rules", "model", "both") if args.arm == "all" else (args.arm,)
    for arm in arms:
        for spec in args.sets:
            name, rest = spec.split("=", 1)
            db, gold = rest.rsplit(":", 1)
            if args.errors:
                print(name)
            r = run(db, gold, args.errors, arm)
            print(f"{arm:5} {name:6} n={r['n']:3} accuracy {r['acc']:.2f}  evidence@5 {r['ev']:.2f}  "
                  f"none cited {r['none_cited']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
