"""Plain-text rendering for the terminal (CLI and console)."""
from __future__ import annotations

from typing import Any

from bot.render.dates import when_text
from bot.reply import Reply
from bot.safety import plain_text

STANCE_WORD = {"support": "supports", "oppose": "opposes", "mixed": "has a mixed position on",
               "none": "has no recorded position on", "neutral": "mentions"}


def person_label(name: str, role: str = "", country: str = "") -> str:
    """ "Anna Berg (trade minister, Netherlands)"; the parts that are known, nothing said twice."""
    extra = [x for x in (role, country) if x and x.lower() not in name.lower()]
    return f"{name} ({', '.join(extra)})" if extra else name


def speaker_label(c: dict[str, Any], country: str = "") -> str:
    """A claim's speaker with title and country, from the record (old records have no role)."""
    sp = c.get("speaker") or {}
    name = (sp.get("name") if isinstance(sp, dict) else str(sp)) or ""
    if not name:
        return country or c.get("actor") or "unknown speaker"
    if isinstance(sp, dict) and sp.get("kind") == "state":
        return name
    return person_label(name, str(c.get("role") or ""), country)


def _speaker(c: dict[str, Any]) -> str:
    from bot.extract.actors import gazetteer

    actor = c.get("actor") or ""
    return speaker_label(c, gazetteer().label(actor) if actor else "")


def claim_line(c: dict[str, Any]) -> str:
    flag = " [retracted]" if c.get("retracted") else ""
    return (f"{c['id']}  {c.get('published', '')}  {c.get('actor') or '-':<12} {c.get('stance', ''):<8} "
            f"{_speaker(c)}: {c.get('quote', '')[:160]}{flag}")


def stance_text(answer: dict[str, Any]) -> str:
    """``claimbot stance``: the verdict as every front end words it (bot/verdict.py), then the evidence."""
    from bot.verdict import claim_when, confidence_text, word_verdict

    counts = answer.get("counts") or {k: sum(1 for c in answer["claims"] if c.get("stance") == k)
                                      for k in ("support", "oppose", "neutral")}
    v = word_verdict(answer["actor_label"], answer["topic"], answer["stance"], counts, answer["claims"])
    lines = [f"{v.headline} ({answer['stance']})", f"{v.counts} · {v.period_line}"]
    if v.note:
        lines.append(v.note)
    for i, (c, mark) in enumerate(zip(answer["claims"], v.marks, strict=False), 1):
        src = " · ".join(x for x in (c.get("title"), c.get("outlet"), claim_when(c), confidence_text(c), mark) if x)
        lines.append(f"{i}. [{c['stance']}] {_speaker(c)} ({c['cue']}): “{c['quote'][:300]}”")
        lines.append(f"   {src}")
    return "\n".join(lines)


def event_line(e: dict[str, Any]) -> str:
    status = " [merged into " + str(e["merged_into"]) + "]" if e.get("merged_into") else (
        " [cancelled]" if e.get("status") == "cancelled" else "")
    return f"{e['id']}  {when_text(e):<28} {e.get('precision', ''):<6} {e.get('kind', ''):<11} {e['title']}{status}"


def render(reply: Reply) -> str:
    """A Reply as terminal text: every item, no paging (a terminal scrolls)."""
    lines = [plain_text(reply.title)]
    if reply.text:
        lines.append(plain_text(reply.text))
    if reply.fields:
        lines.append("   ".join(f"{plain_text(f.name)}: {plain_text(f.value)}" for f in reply.fields))
    width = len(str(len(reply.items)))
    for i, it in enumerate(reply.items, 1):
        ident = f"  [{it.id}]" if it.id and reply.show_ids else ""
        lines.append(f"{i:>{width}}. {plain_text(it.title)}{ident}")
        pad = " " * (width + 2)
        if it.text:
            lines.append(pad + plain_text(it.text).replace("\n", "\n" + pad))
        tail = " \u00b7 ".join(plain_text(x) for x in (it.meta, it.url) if x)
        if tail:
            lines.append(pad + tail)
    if reply.form is not None:
        lines.append("Fields: " + ", ".join(f"{f.name}{'' if f.required else ' (optional)'}"
                                            for f in reply.form.fields))
        lines.append(f"Type: /{reply.form.command} " + " ".join(f"{f.name}=..." for f in reply.form.fields
                                                               if f.required))
    if reply.footer:
        lines.append(plain_text(reply.footer))
    return "\n".join(lines)
