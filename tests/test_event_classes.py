"""The classes of event errors of issue 17, each on sentences written for this test.

Titles from the event's own words and parties; lengths of time that are no events; dates
with the precision the text gives (windows, "or", "later this month", the coming Sunday);
measures, elections and meetings that used to be missed; one event per event.
"""
from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Article
from bot.extract.events import extract_events
from bot.extract.pipeline import extract_article

pytestmark = pytest.mark.slow  # parses with the spaCy model

MONDAY = dt.date(2025, 6, 2)


def evs(text: str, published: dt.date = MONDAY) -> list:
    return extract_events(text, published, "a1")


def one(text: str, published: dt.date = MONDAY):  # noqa: ANN201 - an Event
    found = evs(text, published)
    assert len(found) == 1, [(e.title, e.start, e.precision) for e in found]
    return found[0]


# -- titles ---------------------------------------------------------------------------------------


def test_an_election_is_titled_by_its_own_country_not_the_articles_others() -> None:
    [ev] = [e for e in evs("Spain and Italy traded accusations over fishing quotas on Friday. "
                           "Portugal will hold its presidential election on Sunday.") if e.upcoming]
    assert ev.title == "Portugal's presidential election"
    assert ev.participants == ["portugal"] and ev.start == "2025-06-08"


def test_no_time_word_in_a_title() -> None:
    ev = one("Observers from the OAS will watch Sunday's referendum in Chile.")
    assert "Sunday" not in ev.title and "referendum" in ev.title.lower() and ev.start == "2025-06-08"


def test_a_summit_names_its_parties_and_place() -> None:
    ev = one("Mexico and the European Union will hold a summit in Brussels on June 23.")
    assert ev.title == "Mexico–EU summit in Brussels" and ev.place == "Brussels"
    assert sorted(ev.participants) == ["eu", "mexico"]


def test_a_measure_title_says_what_takes_effect_and_whose_it_is() -> None:
    ev = one("Kenya said it plans to impose the new levies on imported sugar starting July 1.")
    assert ev.kind == "policy" and ev.start == "2025-07-01"
    assert ev.title == "Kenya new levies on imported sugar take effect" or ev.title.endswith("take effect")
    assert "Kenya" in ev.title


def test_a_meeting_of_two_named_people() -> None:
    ev = one("Finland's foreign minister Elina Valtonen said she would raise the matter with Kaja Kallas "
             "when the pair meet on Thursday.")
    assert ev.title == "Elina Valtonen and Kaja Kallas meet" and ev.start == "2025-06-05"


def test_a_bare_noun_borrows_a_fuller_earlier_mention() -> None:
    found = evs("The Pacific Islands Forum leaders' summit opened in Suva on Monday. "
                "Organisers expect the summit to wrap up on Thursday.", MONDAY)
    closing = [e for e in found if e.start == "2025-06-05"]
    assert closing and closing[0].title == "Pacific Islands Forum leaders' summit wraps up"


def test_a_visit_says_who_goes_where() -> None:
    ev = one("A delegation of Chilean trade officials will travel to Canberra next week for the third round "
             "of talks on lithium.")
    assert ev.kind == "visit" and ev.precision == "week" and ev.start == "2025-06-09"
    assert ev.title.startswith("Chilean trade officials") or "delegation" in ev.title.lower()
    assert "Canberra" in ev.title


# -- lengths of time --------------------------------------------------------------------------------


def test_an_extension_by_a_length_is_no_event() -> None:
    assert evs("The two governments agreed to extend the ceasefire by an extra 60 days.") == []


def test_a_suspension_ends_on_its_end_date_and_its_start_is_no_event() -> None:
    ev = one("Argentina announced a 45-day suspension of the export levy on soybeans from June 10.")
    assert (ev.kind, ev.start, ev.precision) == ("deadline", "2025-07-25", "day")
    assert ev.title == "Suspension of export levy on soybeans ends"


def test_a_pause_until_a_day_ends_that_day() -> None:
    ev = one("Vietnam extended its pause on rice export permits until July 15.")
    assert (ev.start, ev.kind) == ("2025-07-15", "deadline") and ev.title.endswith("ends")


# -- dates ----------------------------------------------------------------------------------------------


def test_mid_month_is_a_window_not_the_first() -> None:
    ev = one("The first meeting of the new river commission between Bolivia and Peru will take place in "
             "mid-June.")
    assert (ev.start, ev.end, ev.precision, ev.approx) == ("2025-06-11", "2025-06-20", "window", "mid-June 2025")
    assert ev.kind == "meeting" and ev.upcoming
    assert ev.title == "First meeting of new river commission between Bolivia and Peru"


def test_later_this_month_starts_after_the_story() -> None:
    ev = one("Ghana and Togo expect to sign the border accord later this month.")
    assert (ev.start, ev.end, ev.precision, ev.approx) == ("2025-06-03", "2025-06-30", "window",
                                                           "later in June 2025")


def test_the_coming_weeks_are_a_window_after_the_story() -> None:
    ev = one("Egyptian and Sudanese officials will meet in Cairo in the coming weeks.")
    assert (ev.start, ev.end, ev.precision) == ("2025-06-03", "2025-06-30", "window")
    assert ev.approx == "in the weeks after 2 June 2025" and ev.place == "Cairo"


def test_next_week_is_the_whole_week() -> None:
    ev = one("Norway's trade minister will meet her Baltic counterparts next week.")
    assert (ev.start, ev.precision) == ("2025-06-09", "week")
    assert ev.title.endswith("meets Baltic counterparts") or "counterparts" in ev.title


def test_one_day_or_another_is_one_window() -> None:
    ev = one("Talks between Armenia and Azerbaijan will resume Wednesday or Thursday in Almaty.")
    assert (ev.start, ev.end, ev.precision, ev.approx) == ("2025-06-04", "2025-06-05", "window",
                                                           "4 or 5 June 2025")
    assert ev.title == "Talks between Armenia and Azerbaijan resume in Almaty"


def test_two_months_named_either_way_are_one_window() -> None:
    ev = one("The commissioner may visit Jakarta in September or sometime in October.")
    assert (ev.start, ev.end, ev.approx) == ("2025-09-01", "2025-10-31", "September or October 2025")


def test_sundays_election_in_a_monday_paper_is_the_coming_sunday_unless_told_as_past() -> None:
    ahead = one("Voters are preparing for Sunday's election in Croatia.")
    assert ahead.start == "2025-06-08" and ahead.upcoming
    past = one("Sunday's election in Croatia was won by the ruling party.")
    assert past.start == "2025-06-01" and not past.upcoming


def test_a_weekend_told_in_a_sunday_paper_is_over() -> None:
    sunday = dt.date(2025, 6, 8)
    found = evs("The talks in Geneva made progress this weekend, mediators say.", sunday)
    assert not any(e.upcoming for e in found)


def test_the_edition_a_date_names_is_no_date_ahead() -> None:
    assert not any(e.upcoming for e in evs("The host of this year's summit called for calm."))


def test_a_date_of_the_past_is_not_upcoming() -> None:
    ev = one("The new customs code took effect on May 1.")
    assert ev.start == "2025-05-01" and not ev.upcoming


def test_a_holiday_names_a_day_and_an_agreement_named_for_one_is_no_date() -> None:
    ev = one("Ottawa's counter-duties on steel begin on Canada Day unless the levies are lifted.")
    assert (ev.start, ev.kind) == ("2025-07-01", "policy")
    assert evs("Veterans of the Good Friday agreement talks gathered in Belfast.") == []


# -- events that used to be missed ------------------------------------------------------------------


@pytest.mark.parametrize("sentence, start, words", [
    ("The revised mining code is promulgated on June 20.", "2025-06-20", "promulgated"),
    ("The new data protection law comes into force on Sept. 1.", "2025-09-01", "comes into force"),
    ("Higher port fees take effect on July 1.", "2025-07-01", "take effect"),
])
def test_measures_on_a_date(sentence: str, start: str, words: str) -> None:
    ev = one(sentence)
    assert (ev.kind, ev.start) == ("policy", start) and words in ev.title


@pytest.mark.parametrize("sentence, title", [
    ("Japan's upper house election will be held on July 20.", "Japan's upper house election"),
    ("Colombia will hold presidential and legislative elections in May 2026.",
     "Colombia's presidential and legislative elections"),
])
def test_elections_named_by_their_body(sentence: str, title: str) -> None:
    ev = one(sentence)
    assert ev.kind == "election" and ev.title == title


def test_a_holiday_of_the_lunar_calendar_begins() -> None:
    ev = one("Negotiators hope to seal a deal before Diwali, which begins on Oct. 20.")
    assert (ev.start, ev.title) == ("2025-10-20", "Diwali begins")


def test_due_to_is_no_deadline() -> None:
    ev = one("President Ruto is due to host East African leaders on June 14 to 15.")
    assert ev.kind == "meeting" and ev.title.endswith("Ruto hosts East African leaders")
    assert (ev.start, ev.end) == ("2025-06-14", "2025-06-15")


def test_starting_without_a_measure_is_no_measure() -> None:
    assert [e.kind for e in evs("The rebels want to control the province starting in the autumn.")] == []


def test_a_statement_date_is_no_event_even_after_an_envoy_to_somewhere() -> None:
    assert evs("The ambassador to Canada said Thursday talks on the treaty had stalled.") == []


# -- one event per event ---------------------------------------------------------------------------


def test_the_same_event_twice_in_an_article_is_one_with_two_sources() -> None:
    ev = one("Laos and Cambodia will hold border talks in Vientiane next week. "
             "The talks in Vientiane will open on June 10.")
    assert ev.start == "2025-06-10" and len(ev.sources) == 2


def test_a_trip_and_the_talks_it_is_for_are_one_event_named_for_the_talks() -> None:
    ev = one("Delegations from Serbia and Kosovo will travel to Brussels on Thursday. "
             "EU-mediated talks between Serbia and Kosovo will resume in Brussels on Thursday or Friday.")
    assert ev.kind == "negotiation" and ev.start == "2025-06-05" and len(ev.sources) == 2


def test_an_event_announced_in_a_quote_is_found_through_the_ingest_parse() -> None:
    text = ("Tunisia and Libya agreed to reopen their border crossing. \u201cOur ministers will meet again "
            "in Tripoli on June 12 to settle the last questions,\u201d the spokesman said.")
    [ex] = [extract_article(Article(id="q1", title="Border", published="2025-06-02", text=text))]
    [ev] = ex.events
    assert (ev.start, ev.kind, ev.place) == ("2025-06-12", "meeting", "Tripoli")
    assert ev.evidence.startswith("\u201cOur ministers will meet again")


def test_the_same_event_in_two_articles_is_one_event_with_both_sources() -> None:
    from bot.service import Service
    from store.base import open_store

    svc = Service(open_store("memory:"), clock=lambda: dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC))
    svc.ingest_text("Kenya and Ethiopia will hold border talks in Nairobi on June 12.", "2025-06-02",
                    title="Border talks set")
    svc.ingest_text("Officials said Kenya and Ethiopia will hold border talks in Nairobi on June 12 "
                    "to settle grazing rights.", "2025-06-03", title="Grazing rights on the table")
    [ev] = svc.events()
    assert ev["start"] == "2025-06-12" and len({s["article"] for s in ev["sources"]}) == 2


def test_a_dateline_is_no_part_of_a_title() -> None:
    [ev] = [e for e in evs("QUITO (Wire) - Ecuador and Peru will meet in Tumbes on June 10, officials said on "
                           "Friday.") if e.upcoming]
    assert ev.title == "Ecuador and Peru meet in Tumbes" and ev.start == "2025-06-10"


def test_a_date_in_a_quote_goes_with_the_quote_not_the_sentence_around_it() -> None:
    text = ("\u201cWe want the grain corridor settled in the coming weeks,\u201d the minister told negotiators in "
            "Ankara.")
    [ex] = [extract_article(Article(id="q2", title="Corridor", published="2025-06-02", text=text))]
    assert ex.events == []


def test_since_gives_no_date_of_an_event() -> None:
    assert evs("It is the first state visit by a Thai king since 2019.") == []


def test_a_part_word_before_the_date_narrows_it() -> None:
    ev = one("The donor conference on Sudan is now expected in the second half of July.")
    assert (ev.start, ev.end, ev.approx) == ("2025-07-16", "2025-07-31", "the second half of July 2025")


def test_an_end_the_text_gives_beats_one_counted_from_a_length() -> None:
    [ev] = [e for e in evs("A 60-day grace period for small importers will last until Aug. 20.") if e.upcoming]
    assert ev.start == "2025-08-20" and ev.title == "Grace period for small importers ends"
    ev = one("The 60-day grace period for small importers expires on Aug. 20.")
    assert ev.start == "2025-08-20" and ev.title == "Grace period for small importers expires"


def test_a_headline_restating_the_story_is_merged_into_it() -> None:
    ev = one("Truce to take effect at midnight\n\nA truce between the two militias will take effect at midnight "
             "on Wednesday, the mediators said.")
    assert ev.start == "2025-06-04" and ev.title.startswith("Truce between two militias takes effect")
    assert len(ev.sources) == 2 and ev.evidence.startswith("A truce between")


def test_what_a_summit_discusses_is_not_where_it_is() -> None:
    ev = one("A three-day summit of Andean leaders starting on July 8 in Cusco will discuss the drought in "
             "southern Bolivia.")
    assert ev.place == "Cusco" and ev.title.endswith("in Cusco")


def test_a_later_article_giving_the_day_of_an_earlier_ones_week_makes_one_event_on_that_day() -> None:
    from bot.service import Service
    from store.base import open_store

    svc = Service(open_store("memory:"), clock=lambda: dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC))
    svc.ingest_text("Uganda and Rwanda will hold border talks in Kigali next week.", "2025-06-02", title="Talks set")
    [week] = svc.events()
    assert week["precision"] == "week"
    svc.ingest_text("Uganda and Rwanda will hold border talks in Kigali on Wednesday, officials said.",
                    "2025-06-09", title="Talks on Wednesday")
    [ev] = svc.events()
    assert (ev["id"], ev["start"], ev["precision"]) == (week["id"], "2025-06-11", "day")
    assert len({s["article"] for s in ev["sources"]}) == 2
