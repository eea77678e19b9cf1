"""People as data: names and their forms, the directory, the curated list, and the commands
that list and correct people (through the command table and the service)."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from bot.commands import AdminPolicy, Commands
from bot.extract.actors import gazetteer
from bot.extract.people import (
    PeopleDirectory,
    PersonEntry,
    curated_directory,
    family_name_first,
    fold_name,
    name_forms,
    strip_honorifics,
)
from bot.reply import Caller
from tests.fakes.chat import TODAY

ADMIN = Caller("slack", "U0ADMIN")
READER = Caller("slack", "U0READER")


# -- names -------------------------------------------------------------------------------------------------
def test_fold_ignores_case_accents_and_dots():
    assert fold_name("Mevl\u00fct \u00c7avu\u015fo\u011flu") == fold_name("mevlut cavusoglu")
    assert fold_name("S. Jaishankar") == "s jaishankar"
    assert fold_name("Kang\u2019s") == "kang's"


@pytest.mark.parametrize("name,forms,not_forms", [
    ("Park Min-jun", {"park min-jun", "park"}, {"min-jun", "jun"}),  # a hyphenated given name stays whole
    ("Xi Jinping", {"xi"}, set()),
    ("Kim Jong Un", {"kim"}, {"un"}),  # never "Un", which is also the UN
    ("Ursula von der Leyen", {"von der leyen", "leyen"}, set()),
    ("Badr Al Busaidi", {"al busaidi", "busaidi"}, set()),
    ("Faisal bin Farhan", {"farhan"}, {"bin farhan"}),  # a patronymic names no one person
    ("Ferdinand Marcos Jr.", {"marcos"}, {"jr"}),
    ("Amina Otieno", {"amina otieno", "otieno"}, {"amina"}),
])
def test_the_forms_a_later_mention_may_take(name, forms, not_forms):
    got = name_forms(name)
    assert forms <= got and not (not_forms & got), got


def test_honorifics_and_ranks_are_not_the_name():
    assert strip_honorifics("Mr Al Busaidi") == "Al Busaidi"
    assert strip_honorifics("Colonel Ana Ruiz") == "Ana Ruiz"
    assert strip_honorifics("Mr") == "Mr"  # a name is never left empty


def test_family_name_first_needs_a_known_family_name():
    assert family_name_first("Lee Jae-myung") and family_name_first("Wang Yi")
    assert not family_name_first("Anthony Albanese")


# -- the directory ---------------------------------------------------------------------------------------
def test_a_stronger_source_wins_and_a_surname_shared_by_two_names_nobody():
    d = PeopleDirectory.of([PersonEntry("Ana Ruiz", "peru", source="learned"),
                            PersonEntry("Carlos Ruiz", "chile", source="learned")])
    assert d.find("Ana Ruiz").actor == "peru"
    assert d.find("Ruiz") is None  # two people go by it
    assert d.add(PersonEntry("Ana Ruiz", "bolivia", source="admin"))
    assert not d.add(PersonEntry("Ana Ruiz", "ecuador", source="learned"))
    assert d.find("Mrs Ana Ruiz").actor == "bolivia"


def test_what_an_earlier_article_said_stands_until_something_says_otherwise():
    d = PeopleDirectory.of([PersonEntry("Ana Ruiz", "peru", source="learned", evidence="title demonym")])
    assert not d.add(PersonEntry("Ana Ruiz", "", source="learned"))
    assert d.find("Ana Ruiz").actor == "peru"


def test_the_curated_office_holders_are_dated_world_wide_data():
    data = json.loads(resources.files("bot").joinpath("data/office_holders.json").read_text(encoding="utf-8"))
    assert data["checked"] >= "2026"
    actors = {p["actor"] for p in data["people"]}
    assert actors <= set(gazetteer().actors)
    g20 = {"argentina", "australia", "brazil", "canada", "china", "france", "germany", "india", "indonesia",
           "italy", "japan", "mexico", "russia", "saudi-arabia", "south-africa", "south-korea", "turkey", "uk",
           "us", "eu"}
    assert g20 <= actors
    names = [fold_name(p["name"]) for p in data["people"]]
    assert len(names) == len(set(names))
    assert curated_directory().find("Piyush Goyal").actor == "india"
    assert curated_directory().find("Lula").actor == "brazil"  # a form given in the data


def test_the_local_gazetteer_extends_the_people(tmp_path, monkeypatch):
    from bot.extract.actors import load_gazetteer

    extra = tmp_path / "gazetteer.local.json"
    extra.write_text(json.dumps({"people": [{"name": "Tala Fifita", "actor": "tonga", "role": "trade minister"}]}))
    gaz = load_gazetteer(str(extra))
    assert {"name": "Tala Fifita", "actor": "tonga", "role": "trade minister"} in gaz.people_records


# -- the command table -------------------------------------------------------------------------------------
@pytest.fixture
def commands():
    from bot.service import Service
    from store.base import open_store

    return Commands(Service(open_store("memory:"), clock=lambda: TODAY),
                    AdminPolicy(users=frozenset({"slack:U0ADMIN"})))


@pytest.mark.parametrize("line,expected", [
    ("/person set Anna Berg netherlands", {"name": "Anna Berg", "country": "netherlands"}),
    ('/person set "Anna Berg" south korea', {"name": "Anna Berg", "country": "south korea"}),
    ("/person set Kim Min-ji none", {"name": "Kim Min-ji", "country": "none"}),
    ("/person set name=\"Anna Berg\" country=\"the Netherlands\"", {"name": "Anna Berg", "country": "the Netherlands"}),
    ("/actors japan", {"query": "japan"}),
    ("/actors", {}),
])
def test_parsing_the_people_commands(commands, line, expected):
    assert commands.parse(line)[1] == expected


def test_person_set_needs_a_name_and_a_country(commands):
    reply = commands.run_line(ADMIN, "/person set Berg")
    assert reply.kind == "usage" and "name and a country" in reply.text


def test_person_set_is_for_admins_and_changes_nothing_otherwise(commands):
    reply = commands.run_line(READER, "/person set Anna Berg netherlands")
    assert reply.kind == "refusal"
    assert commands.service.store.people() == [] and commands.service.store.audit_log() == []


def test_an_unknown_country_is_refused_and_changes_nothing(commands):
    reply = commands.run_line(ADMIN, "/person set Anna Berg Atlantis")
    assert reply.is_error and "Atlantis" in reply.text
    assert commands.service.store.people() == []


def _article_with(commands, speaker: str, actor: str, role: str = "") -> str:
    """A stored article with one claim by ``speaker`` and the person record ingest would write."""
    store = commands.service.store
    claim = {"id": "c-berg-1", "actor": actor, "cue": "say", "quote": "the levy is unfair", "sentence": "x",
             "start": 0, "end": 1, "article": "a-berg", "published": "2025-04-30", "stance": "oppose",
             "topics": [], "speaker": {"name": speaker, "mention": speaker.split()[-1], "kind": "person"},
             "role": role, "actor_evidence": "", "retracted": False}
    store.add_article_bundle({"id": "a-berg", "title": "t", "published": "2025-04-30", "text": "x", "hash": "h1"},
                             [claim], [])
    store.put_people([{"id": "p-anna-berg", "name": speaker, "actor": actor, "role": role, "source": "learned",
                       "evidence": "", "articles": ["a-berg"]}])
    return claim["id"]


def test_person_set_corrects_the_stored_claims_with_an_audit_record(commands):
    cid = _article_with(commands, "Anna Berg", "", "trade minister")
    reply = commands.run_line(ADMIN, "/person set Anna Berg the Netherlands")
    assert reply.title == "Anna Berg speaks for Netherlands" and "1 stored claim updated" in reply.text
    store = commands.service.store
    assert store.get_claim(cid)["actor"] == "netherlands" and store.get_claim(cid)["actor_evidence"] == "admin"
    assert [c["id"] for c in store.claims(actor="netherlands")] == [cid]
    (person,) = store.people()
    assert person["actor"] == "netherlands" and person["source"] == "admin"
    (audit,) = store.audit_log()
    assert audit["action"] == "person.set" and audit["who"] == "slack:U0ADMIN" and audit["after"]["claims"] == [cid]
    listed = commands.run_line(READER, "/actors netherlands")
    assert listed.items[0].title == "Anna Berg (trade minister, Netherlands)" and "set by an admin" in listed.items[0].meta


def test_person_set_none_means_no_state(commands):
    cid = _article_with(commands, "Anna Berg", "sweden")
    commands.run_line(ADMIN, "/person set Anna Berg none")
    assert commands.service.store.get_claim(cid)["actor"] == ""
    assert commands.service.store.people()[0]["actor"] == ""


def test_claims_show_the_speaker_with_title_and_country(commands):
    _article_with(commands, "Anna Berg", "netherlands", "trade minister")
    reply = commands.run_line(READER, "/claims netherlands")
    assert "Anna Berg (trade minister, Netherlands)" in reply.items[0].title


@pytest.mark.slow
def test_ingest_learns_people_and_the_correction_applies_to_later_articles(commands):
    svc = commands.service
    svc.ingest_text("Ghanaian Trade Minister Kofi Mensah said the cocoa levy was fair.", "2025-04-01", who="t")
    (person,) = svc.store.people()
    assert (person["name"], person["actor"], person["evidence"]) == ("Kofi Mensah", "ghana", "title demonym")
    svc.ingest_text("Kofi Mensah said the cocoa price would rise next year.", "2025-04-02", who="t")
    assert {c["actor"] for c in svc.store.claims()} == {"ghana"}
    commands.run_line(ADMIN, "/person set Kofi Mensah togo")
    assert {c["actor"] for c in svc.store.claims()} == {"togo"}  # both stored claims
    svc.ingest_text("Kofi Mensah said the new port would open in June.", "2025-04-03", who="t")
    assert {c["actor"] for c in svc.store.claims()} == {"togo"}  # and the next article
    assert svc.store.people()[0]["articles"] == [a["id"] for a in svc.store.articles()]


def test_a_store_written_before_people_and_roles_existed_still_reads(tmp_path):
    from bot.commands import _speaker
    from store.tinydb_store import TinyDBStore

    old_claim = {"id": "c1", "actor": "japan", "cue": "say", "quote": "no", "sentence": "No.", "start": 0, "end": 3,
                 "article": "a1", "published": "2024-01-01", "stance": "oppose", "topics": [],
                 "speaker": {"name": "Yoji Muto", "mention": "Muto", "kind": "person"}}
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"claims": {"1": old_claim}}))
    store = TinyDBStore(path)
    assert store.people() == [] and store.get_claim("c1") == old_claim
    assert _speaker(store.get_claim("c1")) == "Yoji Muto (Japan)"
    store.close()
