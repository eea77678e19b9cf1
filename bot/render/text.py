"""Plain-text rendering for the terminal (CLI and console)."""
from __future__ import annotations

from typing import Any

STANCE_WORD = {"support": "supports", "oppose": "opposes", "mixed": "has a mixed position on",
               "none": "has no recorded position on", "neutral": "mentions"}


def _speaker(c: dict[str, Any]) -> str:
    sp = c.get("speaker") or {}
    return sp.get("name") or c.get("actor") or "?"


def claim_line(c: dict[str, Any]) -> str:
    flag = " [retracted]" if c.get("retracted") else ""
    return (f"{c['id']}  {c.get('published', '')}  {c.get('actor') or '-':<12} {c.get('stance', ''):<8} "
            f"{_speaker(c)}: {c.get('quote', '')[:160]}{flag}")


def stance_text(answer: dict[str, Any]) -> str:
    lines = [f"{answer['actor_label']} {STANCE_WORD.get(answer['stance'], answer['stance'])} {answer['topic']}"
             f" ({answer['stance']})"]
    for i, c in enumerate(answer["claims"], 1):
        src = " · ".join(x for x in (c.get("title"), c.get("outlet"), c.get("published")) if x)
        lines.append(f"{i}. [{c['stance']}] {_speaker(c)} ({c['cue']}): \u201c{c['quote'][:300]}\u201d")
        lines.append(f"   {src}")
    return "\n".join(lines)


def event_line(e: dict[str, Any]) -> str:
    when = e["start"][:10] + (f" \u2013 {e['end'][:10]}" if e.get("end") and e["end"] != e["start"] else "")
    status = " [cancelled]" if e.get("status") == "cancelled" else ""
    return f"{e['id']}  {when:<25} {e.get('precision', ''):<6} {e.get('kind', ''):<11} {e['title']}{status}"
