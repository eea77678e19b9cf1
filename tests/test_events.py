"""Events: dated, titled, merged — on sentences written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.events import date_of, extract_events

pytestmark = pytest.mark.slow  # parses with the spaCy model

PUB = dt.date(2022, 9, 14)  # a Wednesday


def evs(text: str, published: dt.date = PUB) -> list:
    return extract_events(text, published, "art-1")


def only(text: str, published: dt.date = PUB):  # noqa: ANN201 - an Event
    found = evs(text, published)
    assert len(found) == 1, [(e.title, e.start) for e in found]
    return found[0]


def test_dialogue_with_day_place_participants_and_title() -> None:
    ev = only("Vietnamese and Thai officials will hold a maritime security dialogue in Hanoi on Friday.")
    assert (ev.kind, ev.start, ev.precision, ev.place) == ("dialogue", "2022-09-16", "day", "Hanoi")
    assert {"vietnam", "thailand"} <= set(ev.participants)
    assert "maritime security dialogue" in ev.title and ev.title.endswith("Hanoi")
    assert ev.upcoming and ev.article == "art-1" and ev.timex == "2022-09-16"
    assert ev.sources[0]["sentence"].startswith("Vietnamese and Thai") and ev.sources[0]["published"] == "2022-09-14"


def test_past_event_is_returned_but_not_upcoming() -> None:
    ev = only("Mongolian and Kazakh envoys met for border talks in Astana on Monday.")
    assert ev.start == "2022-09-12" and not ev.upcoming


def test_election_keeps_month_precision() -> None:
    ev = only("Chile will hold a referendum on the draft in November.")
    assert (ev.kind, ev.start, ev.precision) == ("election", "2022-11-01", "month")


def test_range_gives_start_and_end() -> None:
    ev = only("The regional fisheries conference runs from Oct. 4 to 6 in Suva.")
    assert (ev.start, ev.end, ev.kind) == ("2022-10-04", "2022-10-06", "meeting")


def test_this_week_starts_at_publication_when_ahead() -> None:
    ev = only("Peruvian negotiators are expected to start talks in Lima this week.")
    assert ev.start == "2022-09-14" and ev.precision == "week" and ev.upcoming


def test_duration_from_a_dated_start_gives_a_deadline() -> None:
    found = evs("The ministry announced a 60-day pause on grain export licences from Oct. 1.")
    # a span is no event; the day it runs out is, named for what ends
    assert [(e.start, e.kind, e.precision) for e in found] == [("2022-11-30", "deadline", "day")]
    assert found[0].title == "Pause on grain export licences ends"


def test_duration_after_an_earlier_dated_order() -> None:
    text = ("On Monday the president signed an order raising duties on imported steel. "
            "The higher duties apply 30 days after the order was issued.")
    ends = [e for e in evs(text) if e.start == "2022-10-12"]
    assert ends and ends[0].kind == "policy"


def test_measure_taking_effect() -> None:
    ev = only("Norway's new export levy on salmon takes effect on Jan. 1.")
    assert (ev.kind, ev.start, ev.upcoming) == ("policy", "2023-01-01", True)


def test_reporting_date_is_not_an_event() -> None:
    assert evs("The foreign ministry said on Tuesday that the talks had been useful.") == []


def test_dateline_date_is_not_an_event() -> None:
    found = evs("LISBON, Sept. 14 - Portugal will host a climate summit on Oct. 20.")
    assert [e.start for e in found] == ["2022-10-20"]


def test_same_event_twice_is_one_event_with_two_sources() -> None:
    text = ("Kenyan officials will hold talks with Tanzania this weekend. "
            "The Kenyan delegation will meet Tanzanian ministers for a trade dialogue in Arusha on Sunday.")
    found = evs(text)
    assert len(found) == 1, [(e.title, e.start) for e in found]
    ev = found[0]
    assert ev.start == "2022-09-18" and len(ev.sources) == 2


def test_different_places_stay_different_events() -> None:
    text = ("Indonesian and Malaysian officials hold talks in Jakarta on Sunday. "
            "Separately, Indonesian and Philippine officials hold talks in Manila this weekend.")
    assert len(evs(text)) == 2


def test_same_id_for_the_same_event_in_two_articles() -> None:
    a = extract_events("Ghana and Togo will sign a border accord on Oct. 3.", PUB, "a")
    b = extract_events("Ghana and Togo will sign a border accord on Oct. 3.", PUB, "b")
    assert a[0].id == b[0].id and a[0].id.startswith("e")


def test_sentence_without_trigger_or_date_gives_nothing() -> None:
    assert evs("Relations between the two neighbours have improved.") == []
    assert evs("The minister will travel to Rome.") == []


def test_date_values() -> None:
    assert date_of("2022-W38")[:2] == (dt.date(2022, 9, 19), "week")
    assert date_of("2022-W38-WE")[0] == dt.date(2022, 9, 24)
    assert date_of("2022-Q4") == (dt.date(2022, 10, 1), "quarter", dt.date(2022, 12, 31))
    assert date_of("2023") == (dt.date(2023, 1, 1), "year", dt.date(2023, 12, 31))
    assert date_of("FUTURE_REF") is None and date_of("P30D") is None
