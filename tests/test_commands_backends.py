"""The command tests on both backends: TinyDB and PostgreSQL, through the ``store`` fixture.

The tests are the ones of ``tests/test_commands.py``, ``tests/test_stance_service.py``,
``tests/test_ux_commands.py`` and ``tests/test_reminders_commands.py`` that read or write the store (those modules run them
on the in-memory store): they are collected again here, where the fixtures they ask for
(``service``, ``commands``, ``svc``, ``remind``) stand on ``store``, parametrised over
``BACKENDS``.  Parsing and planning tests that never touch a store are not repeated.

Then ``claimbot stance ... --json`` on the same two articles ingested into a TinyDB file
and into a PostgreSQL schema: the same answers, ids aside.

PostgreSQL cases are skipped with the reason when no server answers (failed under CI=true).
"""
from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import AdminPolicy, Commands
from bot.reminders import Reminders
from bot.service import Service
from tests.conftest import STORE_FACTORIES, STORE_MARKS
from tests.fakes.chat import CLAIMS, EVENTS, TODAY, commands_fixture  # noqa: F401 - fixture
from tests.test_commands import (  # noqa: F401 - collected again, on each backend
    test_admin_changes_are_audited_with_before_and_after,
    test_claim_add_asks_for_a_form_and_checks_fields_first,
    test_event_admin_commands,
    test_events_list_upcoming_by_default_and_all_on_request,
    test_forms_refused_to_non_admins_before_they_open,
    test_malformed_commands_get_usage,
    test_non_admins_are_refused_and_nothing_changes,
    test_rerun_never_runs_admin_commands,
    test_stance_answer_cites_its_evidence,
    test_suggestions,
    test_unknown_actor_gets_the_service_message,
    test_unknown_event_kind_is_an_error,
)
from tests.test_reminders_commands import (  # noqa: F401 - collected again, on each backend
    NOW,
    test_another_channel_is_for_admins,
    test_bad_input_is_explained_and_changes_nothing,
    test_discord_channel_mentions_and_ids,
    test_help_and_the_reminders_are_not_shared_or_rerun,
    test_key_value_options_work_too,
    test_list_unsubscribe_and_digest,
    test_subscribe_with_defaults_then_change_it,
    test_the_console_channel_is_console,
)
from tests.test_stance_service import (  # noqa: F401 - collected again, on each backend
    test_bad_queries,
    test_head_synonym_and_topic_forms,
    test_mixed_only_near_balance,
    test_none_cites_nothing,
    test_retracted_claims_do_not_count,
    test_support_with_evidence,
)
from tests.test_ux_commands import (  # noqa: F401 - collected again, on each backend
    test_a_person_is_an_actor_labelled_with_their_country,
    test_a_readers_flag_is_recorded_and_never_changes_the_claim,
    test_an_admin_fix_closes_the_flags,
    test_only_neutral_mentions_is_no_clear_position,
    test_past_events_are_only_past_ones_and_rows_name_their_source,
)

BACKENDS = [pytest.param(name, marks=STORE_MARKS.get(name, []), id=name) for name in ("tinydb", "postgres")]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """conftest's ``store``, on the two backends a deployment chooses between."""
    made = STORE_FACTORIES[request.param](request, tmp_path)
    yield made
    made.close()


@pytest.fixture(name="service")
def service_fixture(store):
    """As ``tests.fakes.chat``'s: the same claims and events, on ``store``."""
    svc = Service(store, clock=lambda: TODAY)
    for c in CLAIMS:
        svc.add_claim(c, who="test:setup")
    for e in EVENTS:
        svc.add_event(e, who="test:setup")
    return svc


@pytest.fixture(name="svc")
def svc_fixture(store):
    """As ``tests.test_stance_service``'s: an empty service, on ``store``."""
    return Service(store)


@pytest.fixture(name="remind")
def remind_fixture(store):
    """As ``tests.test_reminders_commands``'s, on ``store``."""
    service = Service(store, clock=lambda: NOW)
    admins = AdminPolicy(users=frozenset({"slack:U0ADMIN"}))
    commands = Commands(service, admins, reminders=Reminders(service, ZoneInfo("Europe/Berlin"), admins=admins))

    def run(line: str, platform: str = "slack", user: str = "U0ALICE", channel: str = "C0NEWS"):  # noqa: ANN202
        from bot.reply import Caller

        return commands.run_line(Caller(platform, user, channel_id=channel if platform != "console" else ""), line)

    run.service = service  # type: ignore[attr-defined]
    return run


def test_claims_answers_agree_on_text_actor_and_topic(commands):
    """/claims by text, actor and topic (word and topic queries go to each backend's index)."""
    from tests.test_commands import READER

    assert [i.title for i in commands.run_line(READER, "/claims japan").items]
    by_text = commands.run_line(READER, "/claims text=licensing")
    assert len(by_text.items) == 1 and "licensing" in by_text.items[0].text
    assert len(commands.run_line(READER, '/claims china "rare earths" "national security"').items) == 1
    assert commands.run_line(READER, '/claims china "rare earths" "fishing quotas"').items == []
    assert len(commands.run_line(READER, "/claims rare earths").items) == 2


# -- /claims TEXT: full-text search on PostgreSQL, the word index on TinyDB --------------------------------

# Written for these tests (not taken from any article).
TARIFF_CLAIMS = [
    {"actor": "south korea", "topic": "tariffs", "stance": "oppose", "speaker": "A trade official",
     "statement": "Seoul rejects the tariff on steel imports and the quotas on steel.", "date": "2025-04-14"},
    {"actor": "us", "topic": "tariffs", "stance": "support", "speaker": "A commerce official",
     "statement": "Washington raises tariffs on aluminium and on steel imports.", "date": "2025-04-15"},
    {"actor": "japan", "topic": "trade", "stance": "neutral", "speaker": "A ministry spokesman",
     "statement": "Tokyo expects steel imports to rise this year.", "date": "2025-04-16"},
]


@pytest.fixture
def tariffs(service):
    """``service`` with three steel claims more; their quotes by actor."""
    return {service.add_claim(c, who="test:setup")["actor"]: c["statement"] for c in TARIFF_CLAIMS}


def _quotes(reply) -> list[str]:  # noqa: ANN001 - a Reply
    return [item.text.strip("\u201c\u201d") for item in reply.items]


def test_claims_text_search_stems_and_takes_several_words(commands, tariffs, store):
    """``/claims TEXT`` through the command, on both backends: words stemmed ("tariffs"
    finds "tariff"), every word required, actor and topic filters kept; on PostgreSQL the
    best match first."""
    from tests.test_commands import READER

    pg = hasattr(store, "search_claims")
    by_stem = commands.run_line(READER, "/claims text=tariffs")
    assert {tariffs["south-korea"], tariffs["us"]} <= set(_quotes(by_stem))  # "the tariff" and "tariffs"
    if pg:  # quote and sentence only (TinyDB matches the topics a claim was indexed under too)
        assert set(_quotes(by_stem)) == {tariffs["south-korea"], tariffs["us"]}
        assert by_stem.title == "Claims saying 'tariffs' (2)"
    several = commands.run_line(READER, '/claims text="steel imports"')
    assert set(_quotes(several)) == set(tariffs.values())
    assert _quotes(commands.run_line(READER, '/claims text="steel aluminium"')) == [tariffs["us"]]  # every word
    steel = _quotes(commands.run_line(READER, "/claims text=steel"))
    assert set(steel) == set(tariffs.values())
    if pg:  # ranked as PostgreSQL ranks it: "steel" twice first
        assert steel[0] == tariffs["south-korea"]
    else:  # by date, newest first
        assert steel == [tariffs["japan"], tariffs["us"], tariffs["south-korea"]]
    assert _quotes(commands.run_line(READER, "/claims us text=tariffs")) == [tariffs["us"]]  # actor kept
    assert _quotes(commands.run_line(READER, "/claims topic=trade text=steel")) == [tariffs["japan"]]  # topic kept
    exports = commands.run_line(READER, '/claims "rare earths" exports')  # topic, then text
    assert len(exports.items) == 2 and all("rare earth exports" in q for q in _quotes(exports))


def test_claims_text_search_without_a_match_says_so(commands, tariffs):
    from tests.test_commands import READER

    none = commands.run_line(READER, "/claims text=fisheries")
    assert none.items == [] and none.title == "Claims saying 'fisheries' (0)"
    assert none.text.startswith("No claims match.")
    assert commands.run_line(READER, "/claims china text=tariffs").items == []  # the words, not by that actor
    for text in ("!!!", "the of and", "--"):  # nothing to search for: said, on both backends alike
        reply = commands.rerun(READER, "claims", {"text": text})
        assert reply.kind == "error" and "has no words I can search for" in reply.text, (text, reply)
    long = commands.rerun(READER, "claims", {"text": "steel " * 100})
    assert long.kind == "error" and "too long to search for" in long.text


NASTY_TEXTS = [
    "'); DROP TABLE claims; --", "steel & !imports | tariffs", "tariff:* <-> steel", '"unclosed steel',
    "(((steel", "steel)))", "\\ steel \\", "steel\x00imports", "-tariffs", "tariffs OR steel", "steel -imports",
    "st\u00e9el \u65e5\u672c tariffs", "'steel'", "%s %(x)s {0} $1 ?", "@everyone steel", "<script>steel</script>",
    "steel\ud800imports", "x" * 300, " ".join(["steel"] * 80),
]


@pytest.mark.parametrize("text", NASTY_TEXTS)
def test_claims_text_with_special_characters_never_fails(commands, tariffs, service, text):
    """tsquery syntax, SQL, quotes, NUL, lone surrogates: an answer or a clear message, never
    an apology; nothing changes."""
    from tests.test_commands import READER

    for reply in (commands.rerun(READER, "claims", {"text": text}),
                  commands.run_line(READER, f"/claims text={text}")):
        assert reply.kind != "apology", (text, reply)
    assert len(service.claims()) == len(CLAIMS) + len(TARIFF_CLAIMS)


# -- claimbot stance --json, the same articles on both backends ---------------------------------------

# Written for this test (not taken from any article).
ARTICLE_1 = """Ministers split over the proposed steel levy

OSLO, April 2 - Norway strongly opposes the proposed European steel levy, Norwegian Trade Minister Ingrid Dahl said on Wednesday.

"We will not accept a levy that punishes our smelters," Dahl told reporters in Oslo. Sweden supports the steel levy, its finance ministry said in a statement.

Finland backs a partnership with Norway on critical minerals, officials said.
"""

ARTICLE_2 = """Norway softens tone on steel levy

OSLO, April 9 - Norway could accept a smaller steel levy if smelters are spared, Norwegian Trade Minister Ingrid Dahl said on Wednesday.

Sweden firmly rejects any delay to the steel levy, Swedish Finance Minister Lars Berg said. Chile opposes new duties on copper, its mining ministry said.
"""

QUERIES = [("norway", "steel levy"), ("sweden", "steel levy"), ("finland", "critical minerals"),
           ("chile", "copper duties"), ("norway", "fishing quotas"), ("Oslo", "steel")]
ID_KEYS = {"id"}


def _ids_aside(value):  # noqa: ANN202 - JSON in, JSON out
    """``value`` without record ids (claim and article ids may differ between stores)."""
    if isinstance(value, dict):
        return {k: _ids_aside(v) for k, v in value.items() if k not in ID_KEYS}
    if isinstance(value, list):
        return [_ids_aside(v) for v in value]
    return value


@pytest.mark.slow
@pytest.mark.postgres
def test_claimbot_stance_json_is_the_same_on_both_backends(pg_url, tmp_path: Path, capsys):
    """Both articles ingested (``--published``, one file each) into a TinyDB file and into
    a PostgreSQL schema; every query's ``claimbot stance --json`` the same on both."""
    from bot import cli

    url = pg_url
    files = []
    for n, text in enumerate((ARTICLE_1, ARTICLE_2), 1):
        path = tmp_path / f"article-{n}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    tiny = str(tmp_path / "claimbot.json")
    answers: dict[str, list] = {}
    for db in (tiny, url):
        for path, published in zip(files, ("2025-04-02", "2025-04-09"), strict=True):
            assert cli.main(["ingest", str(path), "--published", published, "--json", "--db", db]) == 0
            report = json.loads(capsys.readouterr().out)
            assert len(report["added"]) == 1 and report["claims"] > 0 and not report["failed"]
        answers[db] = []
        for actor, topic in QUERIES:
            assert cli.main(["stance", actor, *topic.split(), "--json", "--db", db]) == 0
            answers[db].append(json.loads(capsys.readouterr().out))
    stances = [a["stance"] for a in answers[tiny]]
    assert stances.count("none") < len(stances) - 2, stances  # the articles did give answers
    assert any(a["claims"] for a in answers[tiny])
    assert _ids_aside(answers[url]) == _ids_aside(answers[tiny])
