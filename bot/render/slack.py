"""Reply -> Slack Block Kit (messages and modals), within Slack's limits.

Every string that is not claimbot's own goes through ``slack_text`` / ``slack_plain``.
Long answers are split into pages; the page buttons carry the command and its
arguments, so any process can render another page without keeping state.
"""
from __future__ import annotations

import hashlib
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

MAX_OPTIONS = 100  # options in one external_select answer
OPTION_TEXT = 75
OPTION_VALUE = 150
PICK_PREFIX = "claimbot_pick_"  # an external_select's action id: the prefix, then what it picks (actor, topic)

# Readability, inside the limits: ten items and about 12,000 characters a page
ITEMS_PER_PAGE = 10
PAGE_BUDGET = 12000
ITEM_TEXT = 1200

ACTION_PREV = "claimbot_page_prev"
ACTION_NEXT = "claimbot_page_next"
ACTION_SHARE = "claimbot_share"
ACTION_FLAG = "claimbot_flag"  # "Flag as wrong" on a claim: its value is the claim id
ACTION_EVIDENCE = "claimbot_evidence"  # "Sources" on an event: its value is the event id
FORM_CALLBACK = "claimbot_form"
# what a row offers, by its kind: (button label, action id)
ITEM_ACTIONS = {"claim": ("Flag as wrong", ACTION_FLAG), "event": ("Sources", ACTION_EVIDENCE)}

ICONS = {"error": ":warning:", "usage": ":information_source:", "refusal": ":no_entry:", "apology": ":warning:"}


def _item_blocks(it: Item, show_id: bool = True, actions: bool = False) -> list[dict[str, Any]]:
    # cut the raw text first (escaping only lengthens it), then again after escaping
    head = f"*{slack_text(truncate(it.title, HEADER_TEXT * 2))}*"
    body = slack_text(truncate(it.text, ITEM_TEXT)) if it.text else ""
    section: dict[str, Any] = {"type": "section", "text": {
        "type": "mrkdwn", "text": truncate(f"{head}\n{body}" if body else head, SECTION_TEXT)}}
    if actions and it.id and it.kind in ITEM_ACTIONS and len(it.id) <= BUTTON_VALUE:
        label, action_id = ITEM_ACTIONS[it.kind]
        section["accessory"] = _button(label, action_id, it.id)
    blocks: list[dict[str, Any]] = [section]
    meta = [slack_text(truncate(it.meta, CONTEXT_TEXT // 3))] if it.meta else []
    url = slack_url(it.url) if it.url else None
    if url:
        meta.append(f"<{url}|source>")
    if it.id and show_id:
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


def button_value(reply: Reply, page: int, digest: str = "") -> str | None:
    """What a page or share button carries: the read command to run again, and the page; a
    share button also the digest of the post it shares (``share_digest``)."""
    if reply.command is None:
        return None
    data: dict[str, Any] = {"c": reply.command, "a": reply.args, "p": page}
    if digest:
        data["h"] = digest
    value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return value if len(value) <= BUTTON_VALUE else None


def parse_button_value(value: str) -> tuple[str, dict[str, str], int]:
    data = json.loads(value)
    args = {str(k): str(v) for k, v in dict(data.get("a") or {}).items()}
    return str(data["c"]), args, int(data.get("p") or 0)


def button_digest(value: str) -> str:
    """The digest a share button carries ("" for older buttons without one)."""
    try:
        return str(json.loads(value).get("h") or "")
    except (ValueError, AttributeError):
        return ""


def share_digest(msg: dict[str, Any]) -> str:
    """A short digest of a post's text and blocks: a share posts only what had this digest
    when the user saw it."""
    raw = json.dumps({"t": msg.get("text"), "b": msg.get("blocks")}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _button(label: str, action_id: str, value: str, style: str = "") -> dict[str, Any]:
    b: dict[str, Any] = {"type": "button", "action_id": action_id[:ACTION_ID], "value": value,
                         "text": {"type": "plain_text", "text": truncate(label, BUTTON_TEXT), "emoji": True}}
    if style:
        b["style"] = style
    return b


def message(reply: Reply, shared_by: str | None = None, buttons: bool = True, share_by: str = "",
            share: bool = True) -> dict[str, Any]:
    """The ``text`` + ``blocks`` of one page of ``reply`` (``reply.page``).

    ``share_by``: the user who sees it, who may share it (a "Share in channel" button that
    carries the digest of that post); ``share``: False where the answer is no private one
    (a direct message, a thread under a mention).
    ``shared_by`` is a Slack user id, the one mention claimbot writes itself; a shared post
    is the same answer without the page and share buttons and without record ids (which
    only admins see, in their own copy).  Rows keep their own buttons ("Flag as wrong").
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
        blocks.extend(_item_blocks(it, show_id=reply.show_ids and not shared_by, actions=not reply.is_error))
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
        digest = share_digest(message(reply, shared_by=share_by, buttons=False)) if share_by and share else ""
        if share and (v := button_value(reply, page, digest)):
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
        elif f.suggest and len(initial) <= OPTION_VALUE:
            # a picker whose options Slack asks the app for as the user types (``options_for``);
            # a known value longer than an option holds stays in a text field, whole
            element = {"type": "external_select", "action_id": PICK_PREFIX + f.suggest, "min_query_length": 0}
            if initial:
                element["initial_option"] = _option(initial, initial)
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


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": truncate(slack_plain(label), OPTION_TEXT), "emoji": False},
            "value": value[:OPTION_VALUE]}


def options_for(rows: list[tuple[str, str]], typed: str) -> dict[str, Any]:
    """The answer to a picker's options request: what the user typed first (any topic or
    name may be used, the command checks it), then the suggestions, within Slack's limits."""
    options = []
    seen = set()
    typed = " ".join(typed.split())[:OPTION_VALUE]
    if typed:
        options.append(_option(f"\u201c{typed}\u201d", typed))
        seen.add(typed.lower())
    for label, value in rows:
        if len(value) > OPTION_VALUE or value.lower() in seen:
            continue
        seen.add(value.lower())
        options.append(_option(label, value))
        if len(options) == MAX_OPTIONS:
            break
    return {"options": options}


def form_values(view: dict[str, Any]) -> dict[str, str]:
    """The submitted values of a modal built by ``modal``, by field name."""
    out: dict[str, str] = {}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        v = actions.get("value") or next(iter(actions.values()), None) or {}
        if v.get("type") in ("static_select", "external_select"):
            out[block_id] = ((v.get("selected_option") or {}).get("value")) or ""
        else:
            out[block_id] = v.get("value") or ""
    return out


# -- App Home ----------------------------------------------------------------------------------

ACTION_HOME_RUN = "claimbot_home_run"  # a home button: its value is a command line, answered in a DM
ACTION_HOME_ASK = "claimbot_home_ask"  # "Ask a question": opens the question form
HOME_BLOCKS = 100


def home_view(home: Any) -> dict[str, Any]:
    """The App Home tab (``views.publish``) for a bot.home.Home."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "claimbot", "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn", "text": (
            "Who holds which position on which topic, from the news, and what is coming up. Ask here, in a "
            "direct message (\u201cwhat does Japan think about rare earths?\u201d), or with /stance, /claims "
            "and /events.")},
         "accessory": _button("Ask a question", ACTION_HOME_ASK, "ask", "primary")},
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Most asked", "emoji": False}},
    ]
    buttons = [_button(label, ACTION_HOME_RUN, line[:BUTTON_VALUE]) for label, line in home.asked
               if len(line) <= BUTTON_VALUE]
    if buttons:
        for i in range(0, len(buttons), 5):
            blocks.append({"type": "actions", "elements": buttons[i:i + 5]})
    else:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "Nothing asked yet."}]})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Coming up", "emoji": False}})
    if home.events:
        for it in home.events:
            blocks.extend(_item_blocks(it, show_id=False, actions=True))
    else:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "No upcoming events."}]})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Reminders in your channels",
                                              "emoji": False}})
    if home.subscriptions:
        for it in home.subscriptions:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(
                f"*{slack_text(it.title)}*\n{slack_text(it.text)}", SECTION_TEXT)}})
    else:
        note = ("None of your channels gets reminders. Type /claimbot remind subscribe in one to turn them on."
                if home.reminders_known else "Slack did not say which channels are yours.")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS]}
