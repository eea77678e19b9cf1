#!/usr/bin/env python3
"""Score bot.extract.events on a manifest folder against an events.jsonl gold file.

Usage: events_score.py ARTICLES_DIR GOLD.jsonl [--show]
Runs extract_events over every article of ARTICLES_DIR/manifest.json and calls
score_events from /work/shared/eval/score.py (the shared scorer, loaded by path).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.extract.events import extract_events  # noqa: E402

SCORER = Path("/work/shared/eval/score.py")


def _scorer():  # noqa: ANN202 - a module
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("articles", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--show", action="store_true", help="print misses, false positives and all events")
    args = ap.parse_args(argv)
    manifest = json.loads((args.articles / "manifest.json").read_text(encoding="utf-8"))
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    pred = []
    for item in manifest:
        text = (args.articles / item["file"]).read_text(encoding="utf-8")
        published = dt.date.fromisoformat(item["published"][:10])
        for ev in extract_events(text, published, item["id"]):
            pred.append(ev.to_dict())
    res = _scorer().score_events(pred, gold, manifest)
    if args.show:
        for p in pred:
            flag = "U" if p["upcoming"] else " "
            print(f"{flag} {p['article']} {p['start']} {p['precision']:7s} {p['kind']:11s} {p['title']!r}")
        for m in res["missed"]:
            print("MISSED", m)
        for f in res["false_positives"]:
            print("FALSE+", f)
    print(f"events P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f} "
          f"tp={res['tp']} fp={res['fp']} duplicates={res['duplicates']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
