"""Reply -> Slack Block Kit (messages and modals), within Slack's limits.

Every string that is not claimbot's own goes through ``slack_text`` / ``slack_plain``.
Long answers are split into pages; the page buttons carry the command and its
arguments, so any process can render another page without keeping state.
"""
from __future__ import annotations

import json
from typing import Any

from bot.render import clamp_page, paginate
from bot.reply import Field, Form, Item, Reply
from bot.safety import slack_plain, slack_text, slack_url, truncate

# Slack's documented limits (https://api.slack.com/reference/block-kit)
MAX_BLOCKS = 50
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_TEXT = 3000
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
MESSAGE_TEXT = 3000  # the notification fallback; Slack truncates longer ones anyway
MODAL_TITLE = 24
MODAL_BUTTON = 24
MODAL_BLOCKS = 100
INPUT_LABEL = 2000
PLACEHOLDER = 150
PRIVATE_METADATA = 3000
INPUT_VALUE = 3000

# Readability, inside the limits: ten items and about 12,000 characters a page
ITEMS_PER_PAGE = 10
PAGE_BUDGET = 12000
ITEM_TEXT = 1200

ACTION_PREV = "claimbot_page_prev"
ACTION_NEXT = "claimbot_page_next"
ACTION_SHARE = "claimbot_share"
FORM_CALLBACK = "claimbot_form"

ICONS = {"error": ":warning:", "usage": ":information_source:", "refusal": ":no_entry:", "apology": ":warning:"}


def _item_blocks(it: Item) -> list[dict[str, Any]]:
    # cut the raw text first (escaping only lengthens it), then again after escaping
    head = f"*{slack_text(truncate(it.title, HEADER_TEXT * 2))}*"
    body = slack_text(truncate(it.text, ITEM_TEXT)) if it.text else ""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {
        "type": "mrkdwn", "text": truncate(f"{head}\n{body}" if body else head, SECTION_TEXT)}}]
    meta = [slack_text(truncate(it.meta, CONTEXT_TEXT // 3))] if it.meta else []
    url = slack_url(it.url) if it.url else None
    if url:
        meta.append(f"<{url}|source>")
    if it.id:
        meta.append(f"id `{slack_text(it.id)}`")
    if meta:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": truncate(" \u00b7 ".join(meta), CONTEXT_TEXT)}]})
    return blocks


def field_value(f: Field) -> str:
    """A field's mrkdwn value; its moments as Slack date tokens, shown in each reader's zone
    with the team-zone text as the fallback Slack shows where it cannot localise."""
    if not f.moments:
        return slack_text(f.value)
    parts = []
    for m in f.moments:
        fmt = "{date_long}" if m.style == "date" else "{date_long} at {time}"
        # the fallback is claimbot's own text (a date, a zone name): only what ends the token is escaped
        fallback = m.fallback.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "/")
        parts.append(f"<!date^{int(m.at)}^{fmt}|{fallback}>")
    return " \u2013 ".join(parts)


def _cost(it: Item) -> int:
    return sum(len(b.get("text", {}).get("text", "")) + sum(len(e["text"]) for e in b.get("elements", []))
               for b in _item_blocks(it))


def pages(reply: Reply) -> list[list[Item]]:
    return paginate(reply.items, ITEMS_PER_PAGE, PAGE_BUDGET, _cost)


def page_count(reply: Reply) -> int:
    return len(pages(reply))


def button_value(reply: Reply, page: int) -> str | None:
    """What a page or share button carries: the read command to run again, and the page."""
    if reply.command is None:
        return None
    value = json.dumps({"c": reply.command, "a": reply.args, "p": page}, ensure_ascii=False,
                       separators=(",", ":"))
    return value if len(value) <= BUTTON_VALUE else None


def parse_button_value(value: str) -> tuple[str, dict[str, str], int]:
    data = json.loads(value)
    args = {str(k): str(v) for k, v in dict(data.get("a") or {}).items()}
    return str(data["c"]), args, int(data.get("p") or 0)


def _button(label: str, action_id: str, value: str, style: str = "") -> dict[str, Any]:
    b: dict[str, Any] = {"type": "button", "action_id": action_id[:ACTION_ID], "value": value,
                         "text": {"type": "plain_text", "text": truncate(label, BUTTON_TEXT), "emoji": True}}
    if style:
        b["style"] = style
    return b


def message(reply: Reply, shared_by: str | None = None, buttons: bool = True) -> dict[str, Any]:
    """The ``text`` + ``blocks`` of one page of ``reply`` (``reply.page``).

    ``shared_by`` is a Slack user id, the one mention claimbot writes itself.
    """
    all_pages = pages(reply)
    page = clamp_page(reply.page, len(all_pages))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(slack_plain(reply.title), HEADER_TEXT),
                                    "emoji": False}}]
    if reply.text:
        icon = ICONS.get(reply.kind, "")
        text = f"{icon} {slack_text(reply.text)}" if icon else slack_text(reply.text)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}})
    if reply.fields:
        for i in range(0, len(reply.fields), SECTION_FIELDS):
            chunk = reply.fields[i:i + SECTION_FIELDS]
            blocks.append({"type": "section", "fields": [
                {"type": "mrkdwn", "text": truncate(f"*{slack_text(f.name)}*\n{field_value(f)}", FIELD_TEXT)}
                for f in chunk]})
    for it in all_pages[page]:
        blocks.extend(_item_blocks(it))
    notes = []
    if len(all_pages) > 1:
        notes.append(f"Page {page + 1} of {len(all_pages)} \u00b7 {len(reply.items)} items")
    if reply.footer:
        notes.append(slack_text(reply.footer))
    if shared_by:
        notes.append(f"Shared by <@{slack_text(shared_by)}>")
    if notes:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": truncate(n, CONTEXT_TEXT)} for n in notes[:CONTEXT_ELEMENTS]]})
    actions = []
    if buttons and reply.shareable:
        if page > 0 and (v := button_value(reply, page - 1)):
            actions.append(_button("\u2190 Previous", ACTION_PREV, v))
        if page < len(all_pages) - 1 and (v := button_value(reply, page + 1)):
            actions.append(_button("Next \u2192", ACTION_NEXT, v))
        if v := button_value(reply, page):
            actions.append(_button("Share in channel", ACTION_SHARE, v, "primary"))
    if actions:
        blocks.append({"type": "actions", "elements": actions})
    if len(blocks) > MAX_BLOCKS:  # cannot happen with ITEMS_PER_PAGE, but never send a refused message
        blocks = blocks[:MAX_BLOCKS - 1] + [blocks[-1]]
    fallback = truncate(slack_text(reply.title + (f": {reply.text}" if reply.text else "")), MESSAGE_TEXT)
    return {"text": fallback, "blocks": blocks}


class FormTooLarge(ValueError):
    """A form Slack would refuse: a known value longer than its field takes, or metadata past
    PRIVATE_METADATA.  The message says which, for the admin who asked for the form."""


def modal(form: Form, metadata: dict[str, Any]) -> dict[str, Any]:
    """A modal view asking for ``form``'s fields; ``metadata`` comes back on submission.

    Values already known are shown in their fields (``initial_value``), which come back in
    the submission, so ``metadata["values"]`` keeps only the ones no field shows: a long
    value cannot push ``private_metadata`` past Slack's 3,000 characters.  Raises
    ``FormTooLarge`` when Slack would refuse the view all the same.
    """
    blocks: list[dict[str, Any]] = []
    fields = form.fields[:MODAL_BLOCKS]
    for f in fields:
        initial = form.values.get(f.name, "")
        limit = min(f.max_length, INPUT_VALUE)
        if not f.choices and len(initial) > limit:
            raise FormTooLarge(f"{f.label} is {len(initial):,} characters long; the form takes at most "
                               f"{limit:,}. Shorten it and run the command again.")
        if f.choices:
            options = [{"text": {"type": "plain_text", "text": c}, "value": c} for c in f.choices]
            element: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": options}
            if initial in f.choices:
                element["initial_option"] = options[f.choices.index(initial)]
        else:
            element = {"type": "plain_text_input", "action_id": "value", "multiline": f.multiline,
                       "max_length": limit}
            if initial:
                element["initial_value"] = initial
        if f.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": truncate(f.placeholder, PLACEHOLDER)}
        blocks.append({"type": "input", "block_id": f.name, "optional": not f.required,
                       "label": {"type": "plain_text", "text": truncate(f.label, INPUT_LABEL)}, "element": element})
    shown = {f.name for f in fields if not f.choices or form.values.get(f.name, "") in f.choices}
    meta = dict(metadata, command=form.command)
    if "values" in meta:
        meta["values"] = {k: v for k, v in dict(meta["values"] or {}).items() if k not in shown}
    text = json.dumps(meta, separators=(",", ":"))
    if len(text) > PRIVATE_METADATA:
        raise FormTooLarge(f"the form's hidden values are {len(text):,} characters long; Slack keeps at most "
                           f"{PRIVATE_METADATA:,}. Give the long values as command options instead.")
    return {"type": "modal", "callback_id": FORM_CALLBACK, "private_metadata": text,
            "title": {"type": "plain_text", "text": truncate(form.title, MODAL_TITLE)},
            "submit": {"type": "plain_text", "text": truncate(form.submit_label, MODAL_BUTTON)},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


def form_values(view: dict[str, Any]) -> dict[str, str]:
    """The submitted values of a modal built by ``modal``, by field name."""
    out: dict[str, str] = {}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        v = actions.get("value") or {}
        if v.get("type") == "static_select":
            out[block_id] = ((v.get("selected_option") or {}).get("value")) or ""
        else:
            out[block_id] = v.get("value") or ""
    return out
