"""The command table: parsing, admin gating, error handling, and what each command answers."""
from __future__ import annotations

import logging

import pytest

from bot.commands import SPECS, AdminPolicy, Commands, UsageError, parse_options, quote, tokenize, when
from bot.reply import Caller, Reply
from tests.fakes.chat import claim_id, commands_fixture, service_fixture  # noqa: F401 - fixtures

ADMIN = Caller("slack", "U0ADMIN")
READER = Caller("slack", "U0READER")
DESK = "4242"  # the Discord server the deployment serves
DISCORD_MANAGER = Caller("discord", "77", permissions=frozenset({"manage_guild", "send_messages"}), space=DESK)
DISCORD_EDITOR = Caller("discord", "78", roles=frozenset({"555"}), space=DESK)
DISCORD_MEMBER = Caller("discord", "79", permissions=frozenset({"send_messages"}), roles=frozenset({"556"}),
                        space=DESK)


# -- tokenizer and option parsing ------------------------------------------------------------

def test_tokenize_keeps_quoted_phrases_and_apostrophes():
    toks = tokenize('china "rare earth elements" China\'s stance')
    assert [t.text for t in toks] == ["china", "rare earth elements", "China's", "stance"]
    assert [t.quoted for t in toks] == [False, True, False, False]


def test_tokenize_accepts_curly_quotes_and_escaped_quotes():
    toks = tokenize('\u201crare earths\u201d topic="the \\"new\\" curbs"')
    assert toks[0].text == "rare earths" and toks[0].quoted
    assert toks[1].key == "topic" and toks[1].text == 'the "new" curbs'


def test_tokenize_refuses_an_unclosed_quote():
    with pytest.raises(UsageError, match="not closed"):
        tokenize('stance japan "rare earths')


def test_quote_round_trips():
    for value in ["japan", "rare earth elements", 'say "no"', "back\\slash and space"]:
        assert [t.text for t in tokenize(quote(value))] == [value]


def test_options_extend_with_following_words_and_refuse_unknown_or_repeated_keys():
    _, opts = parse_options(tokenize("actor=japan statement=We will not accept this stance=oppose"),
                            {"actor": "actor", "statement": "statement", "stance": "stance"}, "/x")
    assert opts == {"actor": "japan", "statement": "We will not accept this", "stance": "oppose"}
    with pytest.raises(UsageError, match="no field 'colour'"):
        parse_options(tokenize("colour=red"), {"actor": "actor"}, "/x")
    with pytest.raises(UsageError, match="given twice"):
        parse_options(tokenize("actor=japan actor=china"), {"actor": "actor"}, "/x")


# -- parsing each command --------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("/stance japan rare-earths", ("stance", {"actor": "japan", "topic": "rare-earths"})),
    ("/stance japan rare earth elements", ("stance", {"actor": "japan", "topic": "rare earth elements"})),
    ("/stance south korea chip export controls", ("stance", {"actor": "south korea",
                                                            "topic": "chip export controls"})),
    ('/stance "south korea" "rare earths"', ("stance", {"actor": "south korea", "topic": "rare earths"})),
    ("/stance topic=tariffs actor=eu", ("stance", {"actor": "eu", "topic": "tariffs"})),
    ("/claims", ("claims", {})),
    ("/claims japan", ("claims", {"actor": "japan"})),
    ("/claims rare earths", ("claims", {"topic": "rare earths"})),
    ("/claims china rare earths", ("claims", {"actor": "china", "topic": "rare earths"})),
    ('/claims china "rare earths" "national security"', ("claims", {"actor": "china", "topic": "rare earths",
                                                                    "text": "national security"})),
    ("/claims text=licensing", ("claims", {"text": "licensing"})),
    ("/events", ("events", {})),
    ("/events all", ("events", {"scope": "all"})),
    ("/events summits japan upcoming", ("events", {"kind": "summit", "actor": "japan", "scope": "upcoming"})),
    ("/events all south korea visit", ("events", {"scope": "all", "actor": "south korea", "kind": "visit"})),
    ("/sources", ("sources", {})),
    ("help", ("help", {})),
    ("/help claim", ("help", {"command": "claim"})),
    ("", ("help", {})),
    ("/claimbot help", ("help", {})),
    ("/claimbot remind weekly #news", ("remind", {"text": "weekly #news"})),
    ("/claim add", ("claim add", {})),
    ('/claim add actor=japan topic="rare earths" stance=oppose statement=We won\'t accept it',
     ("claim add", {"actor": "japan", "topic": "rare earths", "stance": "oppose", "statement": "We won't accept it"})),
    ("/claim add actor=us source=Wire url=https://w.example/a", ("claim add", {
        "actor": "us", "source_title": "Wire", "source_url": "https://w.example/a"})),
    ("/claim edit c123 stance=support topic=\"chip exports\"", ("claim edit", {
        "id": "c123", "changes": "stance=support topic=\"chip exports\""})),
    ("/claim retract c123 the speaker was misidentified, it's a quote from 2019",
     ("claim retract", {"id": "c123", "reason": "the speaker was misidentified, it's a quote from 2019"})),
    ("/event add title=\"G20 summit\" start=2025-11-22 kind=summit participants=\"japan, china\"", ("event add", {
        "title": "G20 summit", "start": "2025-11-22", "kind": "summit", "participants": "japan, china"})),
    ("/event cancel e42", ("event cancel", {"id": "e42", "reason": ""})),
    ("/event edit e42 start=2025-07", ("event edit", {"id": "e42", "changes": "start=2025-07"})),
    ('/ingest published=2025-05-01 title="A wire story" Officials said "no" on Friday; it\'s final.',
     ("ingest", {"published": "2025-05-01", "title": "A wire story",
                 "text": 'Officials said "no" on Friday; it\'s final.'})),
    ("/ingest 2025-05-01 Short text.", ("ingest", {"published": "2025-05-01", "text": "Short text."})),
])
def test_parse(commands, line, expected):
    assert commands.parse(line) == expected


@pytest.mark.parametrize("line, message", [
    ("/stance japan", "give an actor and a topic"),
    ("/stance", "give an actor and a topic"),
    ("/sources japan", "takes no arguments"),
    ("/claim", "/claim needs one of: add, edit, retract"),
    ("/claim delete c1", "/claim needs one of"),
    ("/claim add japan oppose", "field=value pairs"),
    ("/claim edit c1", "needs field=value pairs"),
    ("/claim edit stance=oppose", "needs the id first"),
    ("/claim edit c1 colour=red", "no field 'colour'"),
    ("/claim retract c1", "say why"),
    ("/frobnicate", "I don't know the command /frobnicate"),
])
def test_malformed_commands_get_usage(commands, line, message):
    reply = commands.run_line(ADMIN, line)
    assert reply.kind == "usage"
    assert message in reply.text
    assert not [a for a in commands.service.store.audit_log() if a["who"] == ADMIN.who]


def test_usage_reply_names_the_command_usage(commands):
    reply = commands.run_line(ADMIN, "/claim retract c1")
    assert SPECS["claim retract"].usage in reply.text


# -- answers ---------------------------------------------------------------------------------

def test_stance_answer_cites_its_evidence(commands, service):
    reply = commands.run_line(READER, "/stance japan rare earths")
    assert reply.title == "Japan opposes rare earths"
    assert {f.name: f.value for f in reply.fields} == {
        "Position": "opposes", "Evidence": "0 support \u00b7 1 oppose \u00b7 0 neutral", "As of": "10 April 2025",
        "Period": "10 April 2025"}
    [item] = reply.items
    assert "Tokyo will not accept new curbs" in item.text
    assert item.url == "https://news.example/minerals" and item.id == claim_id(service, "japan")
    assert reply.command == "stance" and reply.args == {"actor": "japan", "topic": "rare earths"}
    assert reply.shareable and reply.ephemeral


def test_unknown_actor_gets_the_service_message(commands):
    reply = commands.run_line(READER, "/stance atlantis fishing")
    assert reply.kind == "error"
    assert "I don't know the actor 'atlantis'" in reply.text
    assert not reply.shareable


def test_events_list_upcoming_by_default_and_all_on_request(commands):
    upcoming = commands.run_line(READER, "/events")
    assert [i.title for i in upcoming.items] == ["16 \u2013 17 June 2025 \u00b7 Japan-China economic dialogue"]
    everything = commands.run_line(READER, "/events all japan")
    assert len(everything.items) == 2
    assert commands.run_line(READER, "/events all meeting").items[0].title.endswith("Trade ministers meeting")


def test_unknown_event_kind_is_an_error(commands):
    reply = commands.invoke(READER, "events", {"kind": "picnic"})
    assert reply.kind == "error" and "unknown event kind" in reply.text


def test_help_hides_admin_commands_from_readers(commands):
    reader = commands.run_line(READER, "/help")
    admin = commands.run_line(ADMIN, "/help")
    assert not any("(admin)" in i.title for i in reader.items)
    assert any(i.title.startswith("/claim retract") for i in admin.items)
    assert "/claimbot help" in reader.footer  # Slack keeps /help for itself


def test_when_keeps_precision_and_ranges():
    assert when({"start": "2025-06-15", "precision": "day"}) == "15 June 2025"
    assert when({"start": "2025-06-15", "end": "2025-06-17", "precision": "day"}) == "15 \u2013 17 June 2025"
    assert when({"start": "2025-06-30", "end": "2025-07-02", "precision": "day"}) == "30 June \u2013 2 July 2025"
    assert when({"start": "2025-06-01", "precision": "month"}) == "June 2025"
    assert when({"start": "2025-01-01", "precision": "year"}) == "2025"
    assert when({"start": "2025-04-01", "precision": "quarter"}) == "Q2 2025"
    assert when({"start": "2025-06-09", "precision": "week"}) == "week of 9 June 2025"
    # "talks this week" starts on the day of the story; the week is still named by its Monday
    assert when({"start": "2025-06-11", "precision": "week"}) == "week of 9 June 2025"


def test_when_says_a_window_in_the_articles_words():
    assert when({"start": "2025-06-11", "end": "2025-06-20", "precision": "window",
                 "approx": "mid-June 2025"}) == "mid-June 2025"
    assert when({"start": "2025-06-13", "end": "2025-06-30", "precision": "window"}) == "sometime 13 \u2013 30 June 2025"


# -- admin gating and audit ------------------------------------------------------------------

def test_admin_policy_sources():
    policy = AdminPolicy(users=frozenset({"slack:U0ADMIN"}), role_ids=frozenset({"555"}),
                         discord_guilds=frozenset({DESK}))
    assert policy.allows(ADMIN)
    assert not policy.allows(READER)
    assert not policy.allows(Caller("discord", "U0ADMIN"))  # ids are per platform
    assert policy.allows(DISCORD_MANAGER)
    assert policy.allows(DISCORD_EDITOR)
    assert not policy.allows(DISCORD_MEMBER)
    assert policy.allows(Caller("console", "anyone"))
    assert not AdminPolicy(console_is_admin=False).allows(Caller("console", "anyone"))
    # Slack has no "manage server": a permission name from Slack means nothing
    assert not policy.allows(Caller("slack", "U9", permissions=frozenset({"manage_guild"})))


ADMIN_LINES = [
    "/claim add actor=japan topic=tariffs stance=oppose statement=No new duties.",
    "/claim edit {cid} stance=support",
    "/claim retract {cid} wrong speaker",
    "/event add title=\"Port talks\" start=2025-07-08",
    "/event cancel {eid} postponed",
    "/event edit {eid} place=Busan",
    "/event merge {eid} {eid2}",
    "/ingest published=2025-05-01 Some article text.",
]


@pytest.mark.parametrize("line", ADMIN_LINES)
def test_non_admins_are_refused_and_nothing_changes(commands, service, line):
    cid = claim_id(service, "japan")
    eid, eid2 = (e["id"] for e in service.store.events()[:2])
    before = service.store.dump()
    reply = commands.run_line(READER, line.format(cid=cid, eid=eid, eid2=eid2))
    assert reply.kind == "refusal" and reply.title == "Not allowed"
    assert "for admins" in reply.text
    assert service.store.dump() == before


def test_admin_changes_are_audited_with_before_and_after(commands, service):
    cid = claim_id(service, "japan")
    reply = commands.run_line(ADMIN, f"/claim edit {cid} stance=neutral speaker=\"A spokesperson\"")
    assert reply.title == f"Claim {cid} updated"
    assert {f.name for f in reply.fields} >= {"stance", "speaker"}
    assert reply.command is None  # admin answers are never re-run by a button
    [entry] = [a for a in service.store.audit_log() if a["who"] == "slack:U0ADMIN"]
    assert entry["action"] == "claim.edit" and entry["before"]["stance"] == "oppose"
    assert entry["after"]["stance"] == "neutral"

    reply = commands.run_line(ADMIN, f"/claim retract {cid} quote was from another speaker")
    assert reply.title == f"Claim {cid} retracted"
    assert service.store.get_claim(cid)["retracted"] is True
    assert commands.run_line(READER, "/claims japan").items == []


def test_event_admin_commands(commands, service):
    added = commands.run_line(ADMIN, '/event add title="Port fee talks" start=2025-07-08 end=2025-07-09 '
                                     'kind=negotiation participants="south korea, japan" place=Busan')
    assert added.title == "Event added"
    eid = added.fields[0].value
    assert commands.run_line(ADMIN, f"/event edit {eid} place=Seoul").title == f"Event {eid} updated"
    assert service.store.get_event(eid)["place"] == "Seoul"
    assert commands.run_line(ADMIN, f"/event cancel {eid} talks postponed").title == f"Event {eid} cancelled"
    assert "Port fee talks" not in commands.run_line(READER, "/events").plain()
    bad = commands.run_line(ADMIN, '/event add title="Later talks" start=next-week')
    assert bad.kind == "error" and "not a date" in bad.text


def test_event_title_is_fixed_and_audited(commands, service):
    eid = next(e["id"] for e in service.store.events() if e["kind"] == "dialogue")
    reply = commands.run_line(ADMIN, f'/event edit {eid} title="Japan\u2013China economic dialogue in Tokyo"')
    assert reply.title == f"Event {eid} updated"
    assert [f.value for f in reply.fields if f.name == "title"] == [
        "Japan-China economic dialogue \u2192 Japan\u2013China economic dialogue in Tokyo"]
    [entry] = [a for a in service.store.audit_log() if a["action"] == "event.edit"]
    assert entry["who"] == "slack:U0ADMIN" and entry["before"]["title"] == "Japan-China economic dialogue"
    assert "in Tokyo" in commands.run_line(READER, "/events").items[0].title


def _two_records_of_one_summit(service) -> tuple[str, str]:
    keep = service.add_event({"title": "Andean summit in Quito", "kind": "summit", "start": "2025-07-03",
                              "participants": "ecuador, peru", "place": "Quito"}, who="test:setup")
    other = service.add_event({"title": "Peru's summit with Ecuador", "kind": "summit", "start": "2025-07-03",
                               "participants": "peru, colombia"}, who="test:setup")
    return keep["id"], other["id"]


def test_event_merge_keeps_one_with_both_sources_and_audits_both(commands, service):
    keep, other = _two_records_of_one_summit(service)
    reply = commands.run_line(ADMIN, f"/event merge {keep} {other}")
    assert reply.kind != "error", reply.text
    assert reply.title == f"Event {keep} kept, {other} merged into it"
    kept, closed = service.store.get_event(keep), service.store.get_event(other)
    assert len(kept["sources"]) == 2 and kept["participants"] == ["colombia", "ecuador", "peru"]
    assert closed["status"] == "cancelled" and closed["merged_into"] == keep
    shown = [i.title for i in commands.run_line(READER, "/events").items]
    assert sum("summit" in t for t in shown) == 1
    assert any(f"merged into {keep}" in i.title for i in commands.run_line(READER, "/events all").items)
    merges = [a for a in service.store.audit_log() if a["action"] == "event.merge"]
    assert {a["target"] for a in merges} == {keep, other} and {a["who"] for a in merges} == {"slack:U0ADMIN"}


@pytest.mark.parametrize("line, message", [
    ("/event merge {keep}", "KEEP OTHER"),
    ("/event merge {keep} {keep}", "two different events"),
    ("/event merge {keep} e0000000000", "no event 'e0000000000'"),
])
def test_event_merge_refuses_bad_input_and_changes_nothing(commands, service, line, message):
    keep, other = _two_records_of_one_summit(service)
    before = service.store.dump()
    reply = commands.run_line(ADMIN, line.format(keep=keep, other=other))
    assert reply.is_error and message in reply.text
    assert service.store.dump() == before


def test_a_merged_event_cannot_be_merged_again(commands, service):
    keep, other = _two_records_of_one_summit(service)
    commands.run_line(ADMIN, f"/event merge {keep} {other}")
    again = commands.run_line(ADMIN, f"/event merge {keep} {other}")
    assert again.kind == "error" and f"merged into {keep} already" in again.text


def test_claim_add_asks_for_a_form_and_checks_fields_first(commands, service):
    reply = commands.run_line(ADMIN, "/claim add")
    assert reply.form is not None and reply.form.command == "claim add"
    assert [f.name for f in reply.form.fields][:4] == ["actor", "topic", "stance", "statement"]
    partial = commands.invoke(ADMIN, "claim add", {"actor": "japan", "topic": "tariffs", "stance": "oppose"})
    assert partial.form is not None and partial.form.values == {"actor": "japan", "topic": "tariffs",
                                                                "stance": "oppose"}
    bad = commands.invoke(ADMIN, "claim add", {"actor": "atlantis", "topic": "x", "stance": "oppose"})
    assert bad.form is None and bad.error_field == "actor"
    bad = commands.invoke(ADMIN, "claim add", {"actor": "japan", "topic": "x", "stance": "maybe", "statement": "s"})
    assert bad.error_field == "stance"
    bad = commands.invoke(ADMIN, "claim add", {"actor": "japan", "topic": "x", "stance": "oppose",
                                               "statement": "s", "date": "yesterday"})
    assert bad.error_field == "date"
    assert not service.store.claims(topics=["tariffs"])


def test_forms_refused_to_non_admins_before_they_open(commands):
    reply = commands.run_line(READER, "/claim add")
    assert reply.kind == "refusal" and reply.form is None


def test_rerun_never_runs_admin_commands(commands, service):
    cid = claim_id(service, "japan")
    reply = commands.rerun(ADMIN, "claim retract", {"id": cid, "reason": "twice"})
    assert reply.kind == "error"
    assert service.store.get_claim(cid)["retracted"] is False
    assert commands.rerun(READER, "claims", {"actor": "japan"}).items


# -- remind ----------------------------------------------------------------------------------

def test_remind_without_reminders_says_so(commands):
    reply = commands.run_line(READER, "/claimbot remind weekly")
    assert reply.is_error and reply.title == "Reminders are not configured"


def test_remind_is_routed_to_the_reminders_object(service):
    calls = []

    class Reminders:
        def handle(self, caller: Caller, args: dict[str, str]) -> Reply:
            calls.append((caller.who, args))
            return Reply("Subscribed", text="Reminders will be posted here.")

    cmds = Commands(service, AdminPolicy(), reminders=Reminders())
    reply = cmds.run_line(READER, "/remind subscribe daily")
    assert reply.title == "Subscribed"
    assert calls == [("slack:U0READER", {"text": "subscribe daily"})]


# -- failures --------------------------------------------------------------------------------

def test_unexpected_errors_are_logged_and_answered_with_an_apology(service, caplog, monkeypatch):
    def boom(*a, **kw):
        raise RuntimeError("store exploded at xoxb-123456789012-secret")

    monkeypatch.setattr(service, "stance", boom)
    cmds = Commands(service, AdminPolicy())
    with caplog.at_level(logging.ERROR, logger="bot.commands"):
        reply = cmds.run_line(READER, "/stance japan rare earths")
    assert reply.kind == "apology" and "Sorry" in reply.text
    assert "exploded" not in reply.plain()
    assert any(r.exc_info and "/stance failed for slack:U0READER" in r.getMessage() for r in caplog.records)
    # the command's arguments stay out of the log line
    assert all("rare earths" not in r.getMessage() for r in caplog.records)


def test_suggestions(commands):
    actors = commands.suggest("actor", "chi")
    assert actors[0] == ("China (1 claims)", "china")
    assert all(v != "japan" for _, v in actors)
    assert commands.suggest("actor", "")[0][1] in {"japan", "china", "us"}
    topics = commands.suggest("topic", "rare")
    assert topics[0][1] == "rare-earths"
    assert commands.suggest("kind", "su") == [("summit", "summit")]
    assert len(commands.suggest("topic", "", limit=25)) == 25
