"""Renderers keep every platform limit, and a long answer splits into pages that hold
every item exactly once."""
from __future__ import annotations

import json

import pytest

from bot.commands import CLAIM_FORM
from bot.render import discord as dr
from bot.render import paginate
from bot.render import slack as sr
from bot.render.text import claim_line, event_line, render, stance_text
from bot.reply import Field, Form, FormField, Item, Reply

LONG = "word " * 1200  # 6000 characters


def huge_reply(n: int = 120) -> Reply:
    items = [Item(title=f"Speaker {i} " + "t" * 400, text=f"quote {i} " + LONG, meta="meta " * 300,
                  url=f"https://news.example/{i}", id=f"c{i:04d}") for i in range(n)]
    fields = [Field(f"name {i} " + "n" * 300, "v" * 3000) for i in range(12)]
    return Reply("T" * 500, text="d" * 9000, fields=fields, items=items, footer="f" * 3000,
                 command="claims", args={"actor": "japan"}, show_ids=True)


def test_paginate_respects_count_and_budget():
    assert paginate([], 10) == [[]]
    assert paginate(list(range(25)), 10) == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
    assert paginate([5, 5, 5, 11, 1], 10, budget=10, cost=lambda x: x) == [[5, 5], [5], [11], [1]]


# -- Slack -----------------------------------------------------------------------------------

def slack_ids(msg: dict) -> list[str]:
    out = []
    for b in msg["blocks"]:
        if b["type"] == "context":
            for e in b["elements"]:
                if "id `" in e["text"]:
                    out.append(e["text"].split("id `")[1].split("`")[0])
    return out


def check_slack_limits(msg: dict) -> None:
    blocks = msg["blocks"]
    assert len(blocks) <= sr.MAX_BLOCKS
    assert len(msg["text"]) <= sr.MESSAGE_TEXT
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= sr.HEADER_TEXT
        if b["type"] == "section":
            if "text" in b:
                assert len(b["text"]["text"]) <= sr.SECTION_TEXT
            assert len(b.get("fields", [])) <= sr.SECTION_FIELDS
            assert all(len(f["text"]) <= sr.FIELD_TEXT for f in b.get("fields", []))
        if b["type"] == "context":
            assert len(b["elements"]) <= sr.CONTEXT_ELEMENTS
            assert all(len(e["text"]) <= sr.CONTEXT_TEXT for e in b["elements"])
        if b["type"] == "actions":
            for e in b["elements"]:
                assert len(e["text"]["text"]) <= sr.BUTTON_TEXT
                assert len(e["value"]) <= sr.BUTTON_VALUE
                assert len(e["action_id"]) <= sr.ACTION_ID


def test_slack_long_answer_pages_within_limits_and_loses_nothing():
    reply = huge_reply()
    count = sr.page_count(reply)
    assert count > 1
    seen: list[str] = []
    for page in range(count):
        reply.page = page
        msg = sr.message(reply)
        check_slack_limits(msg)
        seen += slack_ids(msg)
        actions = {e["action_id"]: json.loads(e["value"]) for b in msg["blocks"] if b["type"] == "actions"
                   for e in b["elements"]}
        if page + 1 < count:
            assert actions[sr.ACTION_NEXT]["p"] == page + 1
        if page > 0:
            assert actions[sr.ACTION_PREV]["p"] == page - 1
        assert actions[sr.ACTION_SHARE] == {"c": "claims", "a": {"actor": "japan"}, "p": page}
    assert seen == [f"c{i:04d}" for i in range(120)]


def test_slack_page_out_of_range_is_clamped():
    reply = huge_reply(3)
    reply.page = 99
    assert slack_ids(sr.message(reply)) == ["c0000", "c0001", "c0002"]


def test_slack_buttons_drop_out_when_their_value_would_be_too_long():
    reply = huge_reply(30)
    reply.args = {"text": "x" * 3000}
    msg = sr.message(reply)
    check_slack_limits(msg)
    assert not [b for b in msg["blocks"] if b["type"] == "actions"]


def test_slack_errors_and_admin_answers_have_no_buttons():
    for reply in (Reply("Nope", text="bad", kind="error", command="claims"), Reply("Claim added")):
        assert not [b for b in sr.message(reply)["blocks"] if b["type"] == "actions"]


def test_slack_modal_within_limits_and_values_round_trip():
    form = Form("claim add", "Add a claim with a very long title indeed", list(CLAIM_FORM),
                values={"stance": "oppose", "actor": "japan"})
    view = sr.modal(form, {"channel": "C1", "response_url": "https://hooks.example/x"})
    assert len(view["title"]["text"]) <= sr.MODAL_TITLE and len(view["blocks"]) <= sr.MODAL_BLOCKS
    assert json.loads(view["private_metadata"])["command"] == "claim add"
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["stance"]["element"]["initial_option"]["value"] == "oppose"
    # actor and topic are pickers whose options the app serves as the user types
    assert by_id["actor"]["element"]["type"] == "external_select"
    assert by_id["actor"]["element"]["action_id"] == sr.PICK_PREFIX + "actor"
    assert by_id["actor"]["element"]["initial_option"]["value"] == "japan"
    assert by_id["topic"]["element"]["action_id"] == sr.PICK_PREFIX + "topic"
    assert by_id["speaker"]["optional"] is True and by_id["statement"]["optional"] is False
    state = {"values": {"actor": {sr.PICK_PREFIX + "actor": {"type": "external_select",
                                                             "selected_option": {"value": "china"}}},
                        "stance": {"value": {"type": "static_select", "selected_option": {"value": "support"}}},
                        "speaker": {"value": {"type": "plain_text_input", "value": None}}}}
    assert sr.form_values({"state": state}) == {"actor": "china", "stance": "support", "speaker": ""}


def test_slack_modal_metadata_stays_small_however_long_the_known_values():
    full = {f.name: (f.choices[0] if f.choices else "v" * f.max_length) for f in CLAIM_FORM}
    assert sum(len(v) for v in full.values()) > 2000  # the whole form, every field at its longest
    form = Form("claim add", "Add a claim", list(CLAIM_FORM), values=full)
    view = sr.modal(form, {"channel": "C1", "response_url": "https://hooks.example/" + "r" * 200,
                           "values": full})
    meta = json.loads(view["private_metadata"])
    assert len(view["private_metadata"]) <= sr.PRIVATE_METADATA
    assert meta["values"] == {} and meta["command"] == "claim add"  # the fields carry them
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["statement"]["element"]["initial_value"] == full["statement"]


def test_slack_modal_that_slack_would_refuse_says_why():
    form = Form("claim add", "Add a claim", list(CLAIM_FORM), values={"topic": "t" * 2900})
    with pytest.raises(sr.FormTooLarge, match="Topic is 2,900 characters long; the form takes at most 200"):
        sr.modal(form, {"channel": "C1", "values": form.values})
    hidden = Form("claim add", "Add a claim", list(CLAIM_FORM), values={"note": "n" * 3500})
    with pytest.raises(sr.FormTooLarge, match="Slack keeps at most 3,000"):
        sr.modal(hidden, {"channel": "C1", "values": hidden.values})


def test_slack_escapes_every_user_string():
    reply = Reply("<!here> title", text="<!channel>", fields=[Field("<@U1>", "<#C1>")],
                  items=[Item("<!everyone>", "<@U2>", "<!subteam^S1>", id="<@U3>")], footer="<!here>")
    blob = json.dumps(sr.message(reply)["blocks"])
    for raw in ("<!here>", "<!channel>", "<@U1>", "<#C1>", "<!everyone>", "<@U2>", "<!subteam^S1>", "<@U3>"):
        assert raw not in blob


# -- Discord ---------------------------------------------------------------------------------

def check_discord_limits(embeds: list[dict]) -> None:
    assert len(embeds) <= dr.EMBEDS_PER_MESSAGE
    assert sum(dr.embed_chars(e) for e in embeds) <= dr.EMBED_TOTAL
    for e in embeds:
        assert len(e["title"]) <= dr.EMBED_TITLE
        assert len(e.get("description", "")) <= dr.EMBED_DESCRIPTION
        assert len(e["fields"]) <= dr.EMBED_FIELDS
        for f in e["fields"]:
            assert 0 < len(f["name"]) <= dr.FIELD_NAME and 0 < len(f["value"]) <= dr.FIELD_VALUE
        assert len(e.get("footer", {}).get("text", "")) <= dr.FOOTER_TEXT


def discord_ids(embeds: list[dict]) -> list[str]:
    return [f["value"].split("id `")[1].split("`")[0] for e in embeds for f in e["fields"] if "id `" in f["value"]]


def test_discord_long_answer_pages_within_limits_and_loses_nothing():
    reply = huge_reply()
    count = dr.page_count(reply)
    assert count > 1
    seen: list[str] = []
    for page in range(count):
        reply.page = page
        embeds = dr.embeds(reply, shared_by="someone")
        check_discord_limits(embeds)
        assert not discord_ids(embeds)  # a shared post shows no record ids
        seen += discord_ids(dr.embeds(reply))
        assert f"Page {page + 1} of {count}" in embeds[0]["footer"]["text"]
    assert seen == [f"c{i:04d}" for i in range(120)]


def test_discord_short_answer_is_one_page_with_everything():
    reply = Reply("Japan opposes tariffs", text="summary", fields=[Field("Stance", "oppose")],
                  items=[Item("A speaker", "\u201cquote\u201d", "Source \u00b7 2025-01-01",
                              "https://news.example/(a)", "c1")])
    [embed] = dr.embeds(reply)
    assert "footer" not in embed
    assert embed["fields"][0] == {"name": "Stance", "value": "oppose", "inline": True}
    assert "[source](https://news.example/%28a%29)" in embed["fields"][1]["value"]


def test_discord_modal_inputs_fit_five_and_short_labels():
    form = Form("claim add", "Add a claim", list(CLAIM_FORM), values={"actor": "japan", "topic": "t",
                                                                      "stance": "oppose"})
    inputs = dr.modal_inputs(form)
    assert [i.name for i in inputs] == ["statement", "speaker", "source_title", "source_url", "date"]
    assert all(len(i.label) <= dr.INPUT_LABEL and len(i.placeholder) <= dr.INPUT_PLACEHOLDER for i in inputs)
    assert len(dr.modal_inputs(Form("claim add", "x", list(CLAIM_FORM)))) == dr.MODAL_INPUTS
    too_many = Form("x", "x", [FormField(f"f{i}", f"Field {i}") for i in range(6)])
    with pytest.raises(ValueError):
        dr.modal_inputs(too_many)
    assert len(dr.modal_title(Form("x", "T" * 100, []))) <= dr.MODAL_TITLE


def test_discord_choices_fit_limits():
    rows = [("n" * 150, f"v{i}") for i in range(40)] + [("long value", "v" * 101)]
    out = dr.choices(rows)
    assert len(out) == dr.CHOICES
    assert all(len(n) <= dr.CHOICE_NAME and len(v) <= dr.CHOICE_VALUE for n, v in out)


# -- text ------------------------------------------------------------------------------------

def test_text_render_shows_every_item_and_form_usage():
    out = render(huge_reply(30))
    assert all(f"[c{i:04d}]" in out for i in range(30))
    form_text = render(Reply("Add a claim", form=Form("claim add", "Add", list(CLAIM_FORM))))
    assert "/claim add actor=... topic=... stance=... statement=..." in form_text


def test_cli_line_renderers_still_work():
    claim = {"id": "c1", "published": "2025-01-01", "actor": "japan", "stance": "oppose",
             "speaker": {"name": "A minister"}, "quote": "No.", "retracted": True}
    # the speaker with the country they speak for
    assert claim_line(claim).endswith("A minister (Japan): No. [retracted]")
    answer = {"actor_label": "Japan", "stance": "oppose", "topic": "tariffs",
              "claims": [dict(claim, cue="said", title="T", outlet="O")]}
    assert stance_text(answer).startswith("Japan opposes tariffs (oppose)")
    assert "cancelled" in event_line({"id": "e1", "start": "2025-06-01", "end": "2025-06-02", "title": "Talks",
                                      "status": "cancelled"})
