"""Event extraction on sentences written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.events import date_of, extract_events

pytestmark = pytest.mark.slow
PUB = dt.date(2024, 5, 8)  # a Wednesday


def events(text: str):
    return extract_events(text, PUB, "t")


def test_day_event_with_place_and_participants():
    (ev,) = events("Kenyan and Ugandan ministers will hold border talks in Kampala on Friday.")
    assert ev.start == "2024-05-10" and ev.precision == "day" and ev.kind == "negotiation"
    assert ev.place == "Kampala" and {"kenya", "uganda"} <= set(ev.participants)
    assert ev.upcoming


def test_month_precision_and_range():
    evs = {e.kind: e for e in events("Peru holds a general election in July. "
                                     "The regional summit runs from June 15 to 17 in Lima.")}
    assert evs["election"].start == "2024-07-01" and evs["election"].precision == "month"
    assert evs["summit"].start == "2024-06-15" and evs["summit"].end == "2024-06-17"


def test_past_event_kept_but_not_upcoming():
    (ev,) = events("Chilean and Peruvian officials met for talks in Santiago on Monday.")
    assert ev.start == "2024-05-06" and not ev.upcoming


def test_duration_from_dated_start_gives_deadline():
    evs = events("The council opened a 30-day review on May 10, after which the levy may change.")
    assert any(e.kind == "deadline" and e.start == "2024-06-09" for e in evs)


def test_reporting_date_is_no_event():
    assert events("The trade ministry said on Tuesday that the talks had been useful.") == []


def test_same_event_twice_in_one_article_is_one_event():
    evs = events("Norway and Iceland will open fishing talks on Friday. The talks on Friday will cover quotas.")
    assert len(evs) == 1 and len(evs[0].sources) == 2


def test_date_values():
    assert date_of("2024-W20")[:2] == (dt.date(2024, 5, 13), "week")
    assert date_of("2024-W20-WE")[0] == dt.date(2024, 5, 18)
    assert date_of("2024-Q3")[:2] == (dt.date(2024, 7, 1), "quarter")
    assert date_of("PRESENT_REF") is None and date_of("P3D") is None
