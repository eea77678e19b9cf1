"""What answers say and how one finds things, through the command layer (issue 18):
verdicts no stronger than their evidence, "as of" and confidence, did-you-mean, people as
actors, working hints, rows that say who/what/which way/when, flags and the review queue."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.commands import GROUPS, HELP_TOPICS, SCOPES
from bot.intent import answer, intent
from bot.reply import Caller
from bot.verdict import word_verdict
from tests.fakes.chat import claim_id, commands_fixture, service_fixture  # noqa: F401 - fixtures

ADMIN = Caller("slack", "U0ADMIN")
READER = Caller("slack", "U0READER")
OTHER_READER = Caller("discord", "4711")
CONSOLE = Caller("console", "operator")


def add(service, actor, topic, stance, statement, date="2025-03-01", speaker=""):
    return service.add_claim({"actor": actor, "topic": topic, "stance": stance, "statement": statement,
                              "date": date, "speaker": speaker}, who="test:setup")


# -- verdicts: never stronger than the evidence ------------------------------------------------

def test_only_neutral_mentions_is_no_clear_position(commands, service):
    add(service, "italy", "trade deal", "neutral", "Rome will study the trade deal text over the summer.")
    reply = commands.run_line(READER, "/stance italy trade deal")
    assert reply.title == "Italy: no clear position on trade deal (1 mention)"
    fields = {f.name: f.value for f in reply.fields}
    assert fields["Position"] == "no clear position"
    assert fields["Evidence"] == "0 support \u00b7 0 oppose \u00b7 1 neutral"
    assert "support" not in reply.title and "oppose" not in reply.title
    assert "without taking a side" in reply.text


@pytest.mark.parametrize("label", ["support", "oppose", "mixed", "none"])
def test_no_side_is_ever_claimed_without_supporting_or_opposing_evidence(label):
    v = word_verdict("Peru", "fishing quotas", label, {"support": 0, "oppose": 0, "neutral": 3},
                     [{"stance": "neutral", "confidence": 0.9, "published": "2025-01-02"}])
    assert v.strength == "none" and v.position == "no clear position"
    assert v.headline == "Peru: no clear position on fishing quotas (3 mentions)"


def test_one_weak_statement_is_tentative_and_counts_that_do_not_agree_are_mixed():
    lone = word_verdict("Chile", "copper levy", "support", {"support": 1, "oppose": 0, "neutral": 0},
                        [{"stance": "support", "confidence": 0.6, "published": "2025-01-02"}])
    assert lone.headline == "Chile appears to support copper levy (1 statement)" and lone.strength == "tentative"
    weak = word_verdict("Chile", "copper levy", "oppose", {"support": 0, "oppose": 3, "neutral": 0},
                        [{"stance": "oppose", "confidence": 0.4, "published": "2025-01-02"}] * 3)
    assert weak.position == "appears to oppose" and weak.marks == ("weak evidence",) * 3
    # the weights lean to support, the counts do not: the words follow the counts shown
    lean = word_verdict("Chile", "copper levy", "support", {"support": 1, "oppose": 2, "neutral": 0},
                        [{"stance": "support", "confidence": 0.9, "published": "2025-01-02"}])
    assert lean.strength == "mixed" and "supports" not in lean.headline
    strong = word_verdict("Chile", "copper levy", "support", {"support": 3, "oppose": 1, "neutral": 0},
                          [{"stance": "support", "confidence": 0.8, "published": "2025-01-02"}])
    assert strong.headline == "Chile mostly supports copper levy"


def test_every_stance_answer_says_its_period_and_marks_old_and_weak_evidence(commands, service):
    add(service, "norway", "whaling quotas", "support", "Oslo defended its whaling quotas at the meeting.",
        date="2018-03-05")
    add(service, "norway", "whaling quotas", "support", "Norway will raise its whaling quotas next season.",
        date="2025-04-20")
    reply = commands.run_line(READER, "/stance norway whaling quotas")
    fields = {f.name: f.value for f in reply.fields}
    assert fields["As of"] == "20 April 2025"
    assert fields["Period"] == "March 2018 \u2013 April 2025"
    old = next(i for i in reply.items if "2018" in i.title)
    assert "from 2018: may be out of date" in old.meta
    assert all("confidence 0.90" in i.meta for i in reply.items)  # confidence per cited claim


# -- did you mean, people as actors, hints that work ---------------------------------------------

def test_a_mistyped_actor_gets_the_right_suggestion(commands):
    reply = commands.run_line(READER, "/stance japna rare earths")
    assert reply.kind == "error"
    assert "I don't know the actor 'japna'. Did you mean Japan?" in reply.text
    korea = commands.run_line(READER, "/stance south koria chip export controls")
    assert "Did you mean South Korea" in korea.text


def test_a_mistyped_event_kind_is_not_read_as_an_actor(commands):
    reply = commands.run_line(READER, "/events all summmit")
    assert reply.kind == "usage"
    assert "Did you mean the kind summit" in reply.text and "/events all summit" in reply.text
    assert "actor" not in reply.text.split("Did you mean")[0]


def test_a_mistyped_command_and_topic_get_suggestions(commands):
    assert "Did you mean /stance?" in commands.run_line(READER, "/stnace japan tariffs").text
    # /actors (the people quoted) and /help actors (the states and blocs, and who stands for one)
    # point to each other; a mistyped one is offered
    people = commands.run_line(READER, "/actors")
    assert people.kind == "answer" and "/help actors" in people.footer
    assert "/actors" in commands.run_line(READER, "/help actors").footer
    assert "Did you mean /actors?" in commands.run_line(READER, "/actorz").text
    assert "/help topics" in commands.run_line(READER, "/topics").text
    topic = commands.run_line(READER, "/stance japan rare earthz")
    assert "Did you mean rare earths?" in topic.text


def test_a_person_is_an_actor_labelled_with_their_country(commands, service):
    add(service, "us", "steel tariffs", "support", "The tariffs on steel will stay, the president said.",
        speaker="President Donald Trump")
    add(service, "us", "steel tariffs", "oppose", "A senator said the steel tariffs hurt farmers.",
        speaker="A senator")
    reply = commands.run_line(READER, "/stance trump steel tariffs")
    assert reply.kind == "answer"
    assert reply.title.startswith("Donald Trump (United States)")
    assert [i.text for i in reply.items] == ["\u201cThe tariffs on steel will stay, the president said.\u201d"]
    claims = commands.run_line(READER, "/claims donald trump")
    assert claims.title == "Claims by Donald Trump (United States) (1)"
    assert commands.suggest("actor", "trum")[0] == ("Donald Trump (United States)", "Donald Trump")


def test_help_topics_list_actors_topics_and_kinds(commands):
    actors = commands.run_line(READER, "/help actors")
    assert actors.kind == "answer" and any(i.title.startswith("Japan") for i in actors.items)
    people = next(f.value for f in actors.fields if f.name.startswith("People ("))
    assert "Angela Merkel" in people and len(people) < 1000
    assert commands.run_line(READER, "/help topics").items
    assert "summit" in commands.run_line(READER, "/help kinds").text


def _hints_in_source() -> set[str]:
    """Every command a message of the bot points to: `/...` in backticks and "Try /...", "Type /..."."""
    found: set[str] = set()
    bot = Path(__file__).resolve().parents[1] / "bot"
    # what chat users read: the command table, the use cases and every answer's wording
    user_facing = [bot / f"{m}.py" for m in ("commands", "service", "answers", "verdict", "intent", "names", "home")]
    user_facing += [*(bot / "reminders").glob("*.py"), *(bot / "render").glob("*.py")]
    for path in user_facing:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"`(/[a-z][^`]*)`", text))
        for m in re.finditer(r"(?:Try|try|Type|type|with|or) (/[a-z]+)(?: ([a-z]+))?", text):
            second = m.group(2) or ""
            known = second in HELP_TOPICS or second in SCOPES or any(second in subs for subs in GROUPS.values())
            found.add(f"{m.group(1)} {second}" if known else m.group(1))
    return found


def test_every_hint_in_a_message_works(commands, service):
    cid = claim_id(service, "japan")
    hints = _hints_in_source()
    assert "/help actors" in hints and "/claims" in " ".join(hints)
    for hint in sorted(hints):
        if any(ch in hint for ch in "{}") or re.search(r"\b[A-Z]{2,}\b", hint) or "..." in hint:
            continue  # a pattern (/stance ACTOR TOPIC), not a command to run
        line = hint.replace(" ID", f" {cid}")
        reply = commands.run_line(CONSOLE, line)
        assert "I don't know the command" not in reply.text, hint
        assert "there is no command" not in reply.text, hint
        assert reply.kind != "apology", hint


# -- rows, events, ids ------------------------------------------------------------------------

def test_claim_rows_say_who_which_way_on_what_and_when(commands):
    [row] = commands.run_line(READER, "/claims japan").items
    assert row.title == "Trade minister Aiko Tanabe (Japan) \u00b7 opposes rare earths \u00b7 10 April 2025"


def test_a_fragment_quote_shows_its_sentence(commands, service):
    c = add(service, "brazil", "trade deal", "oppose", "he called unacceptable")
    service.store.put_claim(dict(c, sentence="The president said the terms, which he called unacceptable, "
                                             "must change."))
    [row] = commands.run_line(READER, "/claims brazil").items
    assert row.text.startswith("The president said the terms")


def test_past_events_are_only_past_ones_and_rows_name_their_source(commands):
    past = commands.run_line(READER, "/events past")
    assert past.title == "Past events (1)"
    assert [i.title for i in past.items] == ["2 March 2025 \u00b7 Trade ministers meeting"]
    assert past.items[0].meta == "added by an admin"
    upcoming = commands.run_line(READER, "/events upcoming")
    assert all("Trade ministers" not in i.title for i in upcoming.items)


def test_an_event_expands_to_the_sentences_it_was_reported_in(commands, service):
    from bot.domain import Article

    art = Article(id="a-wire", title="Ministers to meet in Lima", published="2025-04-28",
                  text="Andean ministers will meet in Lima on June 3.", outlet="Wire")
    ev = {"id": "e-lima", "title": "Andean ministers meeting", "kind": "meeting", "start": "2025-06-03",
          "end": None, "precision": "day", "article": "a-wire", "evidence": art.text,
          "participants": ["peru"], "sources": [{"article": "a-wire", "sentence": art.text, "start": 0,
                                                 "end": len(art.text), "published": "2025-04-28"}]}
    service.store.add_article_bundle(art.to_dict(), [], [ev])
    row = next(i for i in commands.run_line(READER, "/events").items if i.id == "e-lima")
    assert row.meta == "Ministers to meet in Lima \u00b7 Wire \u00b7 reported 28 April 2025" and row.kind == "event"
    shown = commands.run_line(READER, "/evidence e-lima")
    assert shown.items[0].text == "Andean ministers will meet in Lima on June 3."


def test_record_ids_are_shown_only_to_admins(commands):
    assert not commands.run_line(READER, "/claims japan").show_ids
    assert commands.run_line(ADMIN, "/claims japan").show_ids
    from bot.render.text import render

    cid = commands.run_line(ADMIN, "/claims japan").items[0].id
    assert cid not in render(commands.run_line(READER, "/claims japan"))
    assert f"[{cid}]" in render(commands.run_line(ADMIN, "/claims japan"))


def test_refusals_name_the_permission_of_the_platform_asked_on(commands, service):
    cid = claim_id(service, "japan")
    slack = commands.run_line(READER, f"/claim retract {cid} wrong")
    assert "this bot's admins in this workspace" in slack.text and "Manage Server" not in slack.text
    discord = commands.invoke(OTHER_READER, "claim retract", {"id": cid, "reason": "wrong"})
    assert "Manage Server" in discord.text


# -- flags and the review queue ------------------------------------------------------------------

def test_a_readers_flag_is_recorded_and_never_changes_the_claim(commands, service):
    cid = claim_id(service, "japan")
    before = service.store.get_claim(cid)
    reply = commands.run_line(READER, f"/flag {cid} the speaker is someone else")
    assert reply.title == "Flagged as wrong" and not reply.shareable
    assert service.store.get_claim(cid) == before
    [flag] = [a for a in service.store.audit_log() if a["action"] == "claim.flag"]
    assert flag["who"] == READER.who and flag["target"] == cid
    assert flag["after"]["reason"] == "the speaker is someone else"
    again = commands.run_line(READER, f"/flag {cid}")
    assert again.kind == "error" and "already" in again.text
    commands.invoke(OTHER_READER, "flag", {"id": cid})
    assert service.store.get_claim(cid) == before

    refused = commands.run_line(READER, "/review")
    assert refused.kind == "refusal"
    queue = commands.run_line(ADMIN, "/review")
    assert queue.title == "Review queue (1 claim flagged)"
    assert "flagged 2\u00d7" in queue.items[0].meta and "the speaker is someone else" in queue.items[0].meta
    assert "flagged as wrong 2\u00d7" in commands.run_line(ADMIN, "/claims japan").items[0].meta
    assert "flagged" not in commands.run_line(READER, "/claims japan").items[0].meta

    done = commands.run_line(ADMIN, f"/review dismiss {cid} checked against the article")
    assert done.title == f"Flags on {cid} dismissed (2)"
    assert commands.run_line(ADMIN, "/review").title == "Review queue (0 claims flagged)"
    assert service.store.get_claim(cid) == before


def test_an_admin_fix_closes_the_flags(commands, service):
    cid = claim_id(service, "china")
    commands.run_line(READER, f"/flag {cid}")
    commands.run_line(ADMIN, f"/claim edit {cid} stance=oppose")
    assert not service.flags()


def test_a_flag_on_nothing_changes_nothing(commands, service):
    audit = len(service.store.audit_log())
    assert commands.run_line(READER, "/flag c-nope").kind == "error"
    assert len(service.store.audit_log()) == audit


# -- plain English ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line", [
    ("What does Japan think about rare earths?", '/stance actor=japan topic="rare earths"'),
    ("where does South Korea stand on chip export controls", '/stance actor="south korea" '
                                                             'topic="chip export controls"'),
    ("<@U0BOT> what's China's position on rare earths?", '/stance actor=china topic="rare earths"'),
    ("does the EU oppose steel tariffs?", '/stance actor=eu topic="steel tariffs"'),
    ("japan on rare earths", '/stance actor=japan topic="rare earths"'),
    ("what's coming up with China?", "/events upcoming actor=china"),
    ("any summits coming up?", "/events upcoming kind=summit"),
    ("claims by japan on rare earths", '/claims actor=japan topic="rare earths"'),
    ("stance japan rare earths", "/stance japan rare earths"),
    ("which articles have you read?", "/sources"),
    ("tell me a joke", None),
    ("what do you think about tariffs?", None),
])
def test_plain_english_to_a_command(commands, text, line):
    assert intent(text, commands.names_actor) == line


def test_a_question_is_answered_and_anything_else_gets_what_it_can_do(commands):
    reply = answer(commands, READER, "What does Japan think about rare earths?")
    assert reply.title == "Japan opposes rare earths" and "Asked as /stance" in reply.footer
    unknown = answer(commands, READER, "tell me a joke")
    assert unknown.title == "Here is what I can answer"
    assert any("What does Japan think about rare earths?" in i.title for i in unknown.items)



def test_a_person_stands_for_their_country_where_an_actor_is_needed(commands, service):
    reply = commands.run_line(ADMIN, '/claim add actor="Xi Jinping" topic="solar panels" stance=support '
                                     'statement="More solar panel plants will open next year." speaker="Xi Jinping"')
    assert reply.title == "Claim added"
    [claim] = service.store.claims(actor="china", topics=None, words=["solar"])
    assert claim["speaker"]["name"] == "Xi Jinping"
