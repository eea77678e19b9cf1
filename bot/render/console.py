"""Reply -> the interactive console: pages of ten rows, colours from rich.

The same content as bot/render/text.py (which scripts, pipes and ``claimbot ask`` get, all
rows at once), laid out for a person at a terminal: a long list shows a page at a time and
says how to see the next.  Every string is markup-free ``rich.text.Text``: nothing an
article says is read as rich markup.
"""
from __future__ import annotations

from rich.text import Text

from bot.reply import Reply
from bot.safety import plain_text

ITEMS_PER_PAGE = 10
KIND_STYLE = {"error": "bold red", "usage": "bold yellow", "refusal": "bold red", "apology": "bold red",
              "answer": "bold"}
# the verdict and row words that carry a side, coloured as such
WAY_STYLE = (("no clear position", "yellow"), ("no recorded position", "dim"), ("mixed position", "yellow"),
             ("appears to support", "green"), ("appears to oppose", "red"), ("mostly supports", "green"),
             ("mostly opposes", "red"), ("supports", "bold green"), ("opposes", "bold red"),
             ("mentions", "cyan"), ("weak evidence", "magenta"), ("may be out of date", "magenta"))


def page_count(reply: Reply, per_page: int = ITEMS_PER_PAGE) -> int:
    return max(1, -(-len(reply.items) // per_page))


def _styled(text: str, base: str = "") -> Text:
    t = Text(plain_text(text), style=base)
    for words, style in WAY_STYLE:
        t.highlight_words([words], style=style, case_sensitive=False)
    return t


def page(reply: Reply, number: int = 0, per_page: int = ITEMS_PER_PAGE) -> Text:
    """Page ``number`` (0-based, clamped) of ``reply`` as styled text."""
    pages = page_count(reply, per_page)
    number = max(0, min(number, pages - 1))
    out = Text()
    out.append_text(_styled(reply.title, KIND_STYLE.get(reply.kind, "bold")))
    if reply.text:
        out.append("\n")
        out.append_text(_styled(reply.text))
    if reply.fields:
        out.append("\n")
        for i, f in enumerate(reply.fields):
            if i:
                out.append("   ")
            out.append(plain_text(f.name) + ": ", style="dim")
            out.append_text(_styled(f.value))
    first = number * per_page
    rows = reply.items[first:first + per_page]
    width = len(str(len(reply.items)))
    pad = " " * (width + 2)
    for i, it in enumerate(rows, first + 1):
        out.append(f"\n{i:>{width}}. ", style="dim")
        out.append_text(_styled(it.title, "bold"))
        if it.id and reply.show_ids:
            out.append(f"  [{plain_text(it.id)}]", style="dim cyan")
        if it.text:
            out.append("\n" + pad)
            out.append_text(_styled(it.text.replace("\n", "\n" + pad)))
        tail = " \u00b7 ".join(plain_text(x) for x in (it.meta, it.url) if x)
        if tail:
            out.append("\n" + pad)
            out.append_text(_styled(tail, "dim"))
    if reply.form is not None:
        out.append("\nType: ", style="dim")
        out.append(f"/{reply.form.command} " + " ".join(f"{f.name}=..." for f in reply.form.fields if f.required))
    notes = [plain_text(reply.footer)] if reply.footer else []
    if pages > 1:
        more = "Enter or 'more' for the next page" if number < pages - 1 else "the last page"
        notes.append(f"Page {number + 1} of {pages} \u00b7 {len(reply.items)} items \u00b7 {more}"
                     + (", 'back' for the previous" if number else ""))
    for note in notes:
        out.append("\n" + note, style="dim")
    return out
