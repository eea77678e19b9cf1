#!/usr/bin/env python3
"""Score bot.extract.events on a manifest folder against an events.jsonl gold file.

Usage: events_score.py ARTICLES_DIR GOLD.jsonl [--show]
Runs every article of ARTICLES_DIR/manifest.json through the ingest pipeline
(bot.extract.pipeline: the masked parse and the quotes' own parses, as ingest reads them;
--raw: extract_events on a plain parse) and calls score_events from
/work/shared/eval/score.py (the shared scorer, loaded by path).  Events are not merged
across articles here (the service does that at ingest).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain import Article  # noqa: E402
from bot.extract.events import extract_events  # noqa: E402
from bot.extract.pipeline import extract_many  # noqa: E402

SCORER = Path("/work/shared/eval/score.py")


def _scorer():  # noqa: ANN202 - a module
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def _duplicates(pred: list[dict], gold: list[dict], manifest: list[dict]) -> list[str]:
    """Predictions that match a gold event an earlier prediction matched (as the scorer counts)."""
    published = {m["id"]: dt.date.fromisoformat(m["published"][:10]) for m in manifest}
    norm = _scorer().norm
    seen: set[int] = set()
    out = []
    for p in pred:
        start = dt.date.fromisoformat(p["start"][:10])
        if start < published[p["article"]]:
            continue
        text = norm(f"{p.get('title', '')} {p.get('evidence', '')}")
        hits = [i for i, g in enumerate(gold) if g["article"] == p["article"] and
                dt.date.fromisoformat(g["window"][0]) <= start <= dt.date.fromisoformat(g["window"][1]) and
                any(norm(k) in text for k in g["keywords"])]
        if hits and all(i in seen for i in hits):
            out.append(f"{p['article']} {p['start']} {p['title']!r} (gold: {gold[hits[0]]['what']})")
        seen.update(hits[:1] if not [i for i in hits if i not in seen] else [i for i in hits if i not in seen][:1])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("articles", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--show", action="store_true", help="print misses, false positives and all events")
    ap.add_argument("--raw", action="store_true", help="extract_events on a plain parse of each text")
    args = ap.parse_args(argv)
    manifest = json.loads((args.articles / "manifest.json").read_text(encoding="utf-8"))
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    pred = []
    articles = [Article(id=item["id"], title=item.get("title", ""), published=item["published"][:10],
                        text=(args.articles / item["file"]).read_text(encoding="utf-8")) for item in manifest]
    if args.raw:
        for a in articles:
            pred += [ev.to_dict() for ev in extract_events(a.text, dt.date.fromisoformat(a.published), a.id)]
    else:
        for ex in extract_many(articles):
            pred += [ev.to_dict() for ev in ex.events]
    res = _scorer().score_events(pred, gold, manifest)
    if args.show:
        for p in pred:
            flag = "U" if p["upcoming"] else " "
            when = p["approx"] or (p["start"] + (f"..{p['end']}" if p.get("end") else ""))
            print(f"{flag} {p['article']} {when:22s} {p['precision']:7s} {p['kind']:11s} {p['title']!r}")
        for p in _duplicates(pred, gold, manifest):
            print("DUPLICATE", p)
        for m in res["missed"]:
            print("MISSED", m)
        for f in res["false_positives"]:
            print("FALSE+", f)
    print(f"events P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f} "
          f"tp={res['tp']} fp={res['fp']} duplicates={res['duplicates']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
