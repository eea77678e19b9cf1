"""Reply -> Discord embed dicts and modal specs, within Discord's limits.

Plain dicts (``discord.Embed.from_dict`` takes them) keep this module free of the
discord.py import, so the limits can be tested on their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.render import clamp_page, paginate
from bot.reply import Field, Form, FormField, Item, Reply
from bot.safety import discord_plain, discord_text, discord_url, strip_invisible, truncate

# Discord's documented limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
EMBED_TOTAL = 6000  # all embeds of one message together
CONTENT = 2000
BUTTON_LABEL = 80
CUSTOM_ID = 100
MODAL_TITLE = 45
MODAL_INPUTS = 5
INPUT_LABEL = 45
INPUT_PLACEHOLDER = 100
INPUT_VALUE = 4000
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100

ITEMS_PER_PAGE = 10
META_TEXT = 300  # the source line of an item; the quote gets the rest of a field
REPLY_FOOTER = 400  # a reply's own footer note, cut to this
FOOTER_MAX = 60 + REPLY_FOOTER  # plus "Page 12 of 30 · 300 items · Shared by ..."
# title, description and the reply's fields together leave room for the footer and one
# item at its largest, so every page shows at least one item
FRAME_TEXT = EMBED_TOTAL - FOOTER_MAX - (FIELD_NAME + FIELD_VALUE)
COLOURS = {"answer": 0x2B6CB0, "error": 0xC53030, "usage": 0x718096, "refusal": 0xDD6B20, "apology": 0xC53030}


def _field(it: Item, show_id: bool = True) -> dict[str, Any]:
    # raw text is cut before escaping (which only lengthens it) and again after
    tail = []
    if it.meta:
        tail.append(discord_text(truncate(it.meta, META_TEXT)))
    url = discord_url(it.url) if it.url else None
    if url:
        tail.append(f"[source]({url.replace('(', '%28').replace(')', '%29')})")
    if it.id and show_id:
        tail.append(f"id `{strip_invisible(it.id).replace('`', '')}`")
    tail_text = " \u00b7 ".join(tail)
    body = discord_text(truncate(it.text, FIELD_VALUE)) if it.text else ""
    room = FIELD_VALUE - len(tail_text) - 1
    value = (truncate(body, max(room, 0)) + "\n" + tail_text).strip() if body else tail_text
    return {"name": truncate(discord_text(truncate(it.title, FIELD_NAME)) or "\u2014", FIELD_NAME),
            "value": truncate(value or "\u2014", FIELD_VALUE), "inline": False}


def field_value(f: Field) -> str:
    """A field's value; its moments as Discord timestamps, which every reader sees in their
    own zone (the first also as "in 3 days"), with the team-zone text after a timed one."""
    if not f.moments:
        return discord_text(truncate(f.value, FIELD_VALUE))
    style = {"date": "D", "datetime": "F"}
    text = " \u2013 ".join(f"<t:{int(m.at)}:{style[m.style]}>" for m in f.moments)
    text += f" (<t:{int(f.moments[0].at)}:R>)"
    if any(m.style == "datetime" for m in f.moments):
        text += "\n" + discord_text(truncate(f.value, FIELD_VALUE // 2))
    return text


def _cost(it: Item) -> int:
    f = _field(it)
    return len(f["name"]) + len(f["value"])


def _frame(reply: Reply) -> tuple[str, str, list[dict[str, Any]]]:
    """Title, description and the reply's own fields, cut so that items still fit beside them."""
    title = truncate(discord_text(truncate(reply.title, EMBED_TITLE)), EMBED_TITLE)
    budget = (FRAME_TEXT if reply.items else EMBED_TOTAL - FOOTER_MAX) - len(title)
    fields = []
    for f in reply.fields[:EMBED_FIELDS - ITEMS_PER_PAGE]:
        field = {"name": truncate(discord_text(truncate(f.name, FIELD_NAME)), FIELD_NAME),
                 "value": truncate(field_value(f) or "\u2014", FIELD_VALUE),
                 "inline": f.inline}
        cost = len(field["name"]) + len(field["value"])
        if cost > budget // 2:  # fields are short facts; one this long would crowd out the answer
            field["value"] = truncate(field["value"], max(1, budget // 2 - len(field["name"])))
            cost = len(field["name"]) + len(field["value"])
        if cost > budget:
            break
        fields.append(field)
        budget -= cost
    description = ""
    if reply.text:
        room = max(0, min(EMBED_DESCRIPTION, budget))
        description = truncate(discord_text(truncate(reply.text, room)), room)
    return title, description, fields


def pages(reply: Reply) -> list[list[Item]]:
    title, description, fields = _frame(reply)
    fixed = len(title) + len(description) + sum(len(f["name"]) + len(f["value"]) for f in fields) + FOOTER_MAX
    return paginate(reply.items, ITEMS_PER_PAGE, EMBED_TOTAL - fixed, _cost)


def page_count(reply: Reply) -> int:
    return len(pages(reply))


def embeds(reply: Reply, shared_by: str | None = None) -> list[dict[str, Any]]:
    """The embeds of one page of ``reply`` (``reply.page``): one embed, within every limit.

    ``shared_by`` is a display name (already known to Discord; never a mention).
    """
    all_pages = pages(reply)
    page = clamp_page(reply.page, len(all_pages))
    title, description, fields = _frame(reply)
    # record ids only in an admin's own copy, never in a shared post
    fields = fields + [_field(it, show_id=reply.show_ids and not shared_by) for it in all_pages[page]]
    notes = []
    if len(all_pages) > 1:
        notes.append(f"Page {page + 1} of {len(all_pages)} \u00b7 {len(reply.items)} items")
    if shared_by:
        notes.append(f"Shared by {discord_plain(shared_by)[:32]}")
    if reply.footer:
        notes.append(truncate(reply.footer, REPLY_FOOTER))  # footers do not render markdown
    embed: dict[str, Any] = {"title": title, "color": COLOURS.get(reply.kind, COLOURS["answer"]),
                             "fields": fields[:EMBED_FIELDS]}
    if description:
        embed["description"] = description
    if notes:
        embed["footer"] = {"text": truncate(discord_plain(" \u00b7 ".join(notes)), FOOTER_MAX)}
    _fit_total(embed)
    return [embed]


def _fit_total(embed: dict[str, Any]) -> None:
    """Drop fields from the end until the embed fits EMBED_TOTAL (paging makes this rare)."""
    def total() -> int:
        return (len(embed.get("title", "")) + len(embed.get("description", ""))
                + len(embed.get("footer", {}).get("text", ""))
                + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"]))
    while total() > EMBED_TOTAL and embed["fields"]:
        embed["fields"].pop()
    if total() > EMBED_TOTAL:
        embed["description"] = truncate(embed.get("description", ""), max(0, len(embed.get("description", ""))
                                                                          - (total() - EMBED_TOTAL)))


def embed_chars(embed: dict[str, Any]) -> int:
    """What Discord counts toward the 6000-character total of a message's embeds."""
    return (len(embed.get("title", "")) + len(embed.get("description", ""))
            + len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
            + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", [])))


@dataclass(frozen=True)
class ModalInput:
    name: str
    label: str
    required: bool
    multiline: bool
    placeholder: str
    max_length: int
    default: str


def modal_inputs(form: Form) -> list[ModalInput]:
    """The text inputs of a Discord modal for ``form``: the fields not yet known, at most five.

    Discord modals hold five inputs, so a command collects the rest as options first
    (``/claim add`` takes actor, topic and stance as options, then asks for the others).
    """
    todo: list[FormField] = [f for f in form.fields if not form.values.get(f.name)]
    if len([f for f in todo if f.required]) > MODAL_INPUTS:
        raise ValueError("more required fields than a Discord modal can hold")
    required = [f for f in todo if f.required]
    optional = [f for f in todo if not f.required][:MODAL_INPUTS - len(required)]
    keep = {f.name for f in required + optional}
    return [ModalInput(f.name, truncate(discord_plain(f.label), INPUT_LABEL), f.required, f.multiline,
                       truncate(discord_plain(f.placeholder), INPUT_PLACEHOLDER), min(f.max_length, INPUT_VALUE),
                       form.values.get(f.name, ""))
            for f in form.fields if f.name in keep]


def modal_title(form: Form) -> str:
    return truncate(discord_plain(form.title), MODAL_TITLE)


SELECT_OPTIONS = 25
SELECT_LABEL = 100
SELECT_PLACEHOLDER = 150
# what a page's rows offer, by kind: (the menu's placeholder, the command a choice runs)
ITEM_MENUS = {"claim": ("Flag a claim as wrong\u2026", "flag"), "event": ("Show where an event was reported\u2026",
                                                                        "evidence")}


def item_menus(reply: Reply) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The select menus for the rows of the page shown: (placeholder, command, [(label, id)])
    per kind of row (Discord has no button beside an embed field)."""
    if reply.is_error:
        return []
    all_pages = pages(reply)
    page = clamp_page(reply.page, len(all_pages))
    out = []
    for kind, (placeholder, command) in ITEM_MENUS.items():
        rows = [(truncate(discord_plain(it.title), SELECT_LABEL), it.id)
                for it in all_pages[page] if it.kind == kind and it.id and len(it.id) <= CUSTOM_ID]
        if rows:
            out.append((truncate(placeholder, SELECT_PLACEHOLDER), command, rows[:SELECT_OPTIONS]))
    return out


def choices(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Autocomplete (name, value) pairs cut to Discord's limits; values too long are dropped."""
    out = []
    for name, value in rows:
        if len(value) > CHOICE_VALUE:
            continue
        out.append((truncate(discord_plain(name), CHOICE_NAME), value))
        if len(out) == CHOICES:
            break
    return out
