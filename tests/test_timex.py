"""Time expressions: values and offsets on sentences written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.timex import find_timexes, timex_ranges
from bot.extract.timex_calendar import Point, duration_value, month_near, weekday_near

pytestmark = pytest.mark.slow  # parses with the spaCy model

FRI = dt.date(2019, 4, 12)  # a Friday
SUN = dt.date(2019, 4, 14)  # a Sunday


def tx(text: str, published: dt.date = FRI) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in find_timexes(text, published)]


def one(text: str, published: dt.date = FRI) -> tuple[str, str, str]:
    found = tx(text, published)
    assert len(found) == 1, found
    return found[0]


# --- weekdays forward or back by tense

def test_weekday_future_tense_goes_forward() -> None:
    assert one("The two ministers will meet on Sunday in Tokyo.") == ("Sunday", "DATE", "2019-04-14")


def test_weekday_past_tense_goes_back() -> None:
    assert one("The two ministers met on Sunday in Tokyo.") == ("Sunday", "DATE", "2019-04-07")


def test_weekday_same_day_is_the_publication_date() -> None:
    assert one("The envoy said Friday that talks had stalled.") == ("Friday", "DATE", "2019-04-12")


def test_scheduled_infinitive_looks_ahead() -> None:
    assert one("The committee is expected to vote Tuesday on the tariff bill.")[2] == "2019-04-16"


def test_last_and_next_weekday() -> None:
    assert one("Shipments resumed last Friday.")[2] == "2019-04-05"
    assert one("Shipments resume next Friday.")[2] == "2019-04-19"


# --- months and dates without a year

def test_month_without_year_across_year_boundary_future() -> None:
    assert one("The tariffs will take effect in January.", dt.date(2019, 11, 20)) == ("January", "DATE", "2020-01")


def test_month_without_year_across_year_boundary_past() -> None:
    assert one("Exports fell sharply in December.", dt.date(2019, 2, 3)) == ("December", "DATE", "2018-12")


def test_month_day_prefers_nearest_consistent_year() -> None:
    assert one("The deadline was set for Jan. 14.", dt.date(2019, 1, 5))[2] == "2019-01-14"
    assert one("Negotiators first met on Oct. 23.", dt.date(2019, 5, 6))[2] == "2018-10-23"


def test_granularity_is_kept() -> None:
    assert one("The summit is planned for July.")[2] == "2019-07"
    assert one("Output should recover in the third quarter.")[2] == "2019-Q3"
    # in April a third quarter already told in the past tense is last year's
    assert one("Output rose in the third quarter.")[2] == "2018-Q3"
    assert one("Growth slowed in 2017.")[2] == "2017"
    assert one("Prices were stable throughout the 1990s.")[2] == "199"


def test_explicit_full_date_and_offsets() -> None:
    text = "Officials signed the accord on March 5, 2018, in Seoul."
    [t] = find_timexes(text, FRI)
    assert (t.value, text[t.start:t.end]) == ("2018-03-05", "March 5, 2018")


# --- ranges

def test_day_range_gives_two_records_with_shared_month() -> None:
    text = "The expo runs from June 15 to 17 in Osaka."
    ts = find_timexes(text, FRI)
    assert [(t.text, t.value) for t in ts] == [("June 15", "2019-06-15"), ("17", "2019-06-17")]
    assert timex_ranges(text, ts) == [(0, 1)]


def test_range_across_months() -> None:
    text = "Delegates will gather Oct. 31-Nov. 1 in Hanoi."
    ts = find_timexes(text, FRI)
    assert [t.value for t in ts] == ["2019-10-31", "2019-11-01"]
    assert timex_ranges(text, ts) == [(0, 1)]


def test_two_weekdays_joined_by_and() -> None:
    text = "Negotiators will sit down on Tuesday and Wednesday."
    ts = find_timexes(text, FRI)
    assert [t.value for t in ts] == ["2019-04-16", "2019-04-17"]
    assert timex_ranges(text, ts) == [(0, 1)]


def test_range_year_applies_to_both_ends() -> None:
    ts = find_timexes("The forum ran June 15-17, 2016, in Lima.", FRI)
    assert [t.value for t in ts] == ["2016-06-15", "2016-06-17"]


# --- weeks

def test_iso_week_53() -> None:
    # 2020-12-31 is a Thursday of ISO week 53 of 2020
    assert one("Prices rose this week.", dt.date(2020, 12, 31))[2] == "2020-W53"
    assert one("Prices fell last week.", dt.date(2021, 1, 6))[2] == "2020-W53"


def test_next_week_on_a_sunday() -> None:
    # Sunday 14 April 2019 closes ISO week 15, so "next week" is week 16 (15-21 April)
    assert one("The envoys will return next week.", SUN) == ("next week", "DATE", "2019-W16")


def test_earlier_and_later_this_period() -> None:
    assert one("The ministry raised rates earlier this month.") == ("earlier this month", "DATE", "2019-04")
    assert one("A decision is due later this year.")[2] == "2019"
    assert one("The coming week will be decisive.")[2] == "2019-W16"


def test_season_ahead_in_a_future_clause() -> None:
    assert one("Talks will resume this spring.", dt.date(2024, 11, 20))[2] == "2025-SP"
    assert one("Sales slumped last summer.", dt.date(2024, 11, 20))[2] == "2024-SU"


def test_relative_years_and_ago() -> None:
    assert one("Imports doubled last year.")[2] == "2018"
    assert one("The plant closed three years ago.")[2] == "2016"
    assert one("The ban will lapse next month.")[2] == "2019-05"


def test_present_past_future_references() -> None:
    assert one("Talks are now in their third round.")[2] == "PRESENT_REF"
    assert tx("Now, the ministry argues, the quota will hurt trawlers.") == []  # a discourse marker
    assert one("Now the quota is in force.")[2] == "PRESENT_REF"
    assert one("The two sides recently resumed contact.")[2] == "PAST_REF"
    assert one("Both hope to expand trade in the future.")[2] == "FUTURE_REF"


# --- durations and sets

def test_durations() -> None:
    assert one("The tariff pause lasts 90 days.") == ("90 days", "DURATION", "P90D")
    assert one("Inspectors spent the past three years on the case.")[2] == "P3Y"
    assert one("The hearing lasted 5 1/2 hours.")[2] == "PT5H30M"
    assert one("They signed a two-year agreement.") == ("two-year", "DURATION", "P2Y")
    assert one("Sanctions may stay in place for years.")[2] == "PXY"


def test_sets() -> None:
    assert one("The ministry publishes the figures daily.")[2] == "P1D"
    assert one("Envoys meet every Thursday.")[2] == "XXXX-WXX-4"


def test_clock_time_takes_its_day() -> None:
    assert one("The vote closes at 9 a.m. Tuesday.") == ("9 a.m. Tuesday", "TIME", "2019-04-16T09:00")


# --- false positives

@pytest.mark.parametrize("text", [
    "Officials may announce a decision.",
    "Protesters march on the ministry in several towns.",
    "The committee has 2019 members and 300 staff.",
    "Exports rose 15 percent to $2,019 million.",
    "The 45-year-old minister resigned.",
    "Critics attacked a 10-year-old policy.",
    "The law affects 1,998 companies.",
    "Officials said the ban may last.",
])
def test_no_false_positives(text: str) -> None:
    assert tx(text) == []


def test_march_verb_and_may_verb_are_not_months() -> None:
    assert tx("Thousands march through the capital and may march again.") == []
    assert tx("March through the square, the organisers told supporters.") == []


def test_bare_numbers_money_percentages_ages() -> None:
    assert tx("The index gained 2000 points, or 1.5 percent, to 1998.5.") == []
    assert tx("He paid $1999 for a 12-year-old car.") == []
    assert tx("The fund has 1,500 investors aged 30 to 40.") == []


def test_may_the_month_still_found() -> None:
    assert one("The pact expires in May.") == ("May", "DATE", "2019-05")


# --- calendar helpers (no parse needed)

def test_calendar_helpers() -> None:
    assert weekday_near(dt.date(2019, 4, 12), 7, "future") == dt.date(2019, 4, 14)
    assert weekday_near(dt.date(2019, 4, 12), 5, "past", strict=True) == dt.date(2019, 4, 5)
    assert month_near(dt.date(2019, 11, 20), 1, "future") == dt.date(2020, 1, 1)
    assert Point(dt.date(2021, 1, 3), "week").value() == "2020-W53"
    assert duration_value(2.5, "Y") == "P2Y6M"
    assert duration_value(None, "D") == "PXD"


# --- parts of days, invariant past verbs, planned events

def test_weekday_evening_keeps_its_part_of_day() -> None:
    assert one("The minister spoke to reporters on Wednesday evening.") == ("Wednesday evening", "TIME",
                                                                           "2019-04-10TEV")


def test_weekday_night_values_the_day() -> None:
    assert one("The ferry sank on Tuesday night.")[2] == "2019-04-09"


def test_invariant_past_verb_after_singular_subject_goes_back() -> None:
    # "hurt" is tagged as a present verb, but "the storm hurt" cannot be present
    found = tx("The storm hurt the harvest, which fell 3 percent, on Thursday.")
    assert [v for _, _, v in found] == ["2019-04-11"]


def test_planned_event_on_a_weekday_lies_ahead() -> None:
    assert one("Farmers planned a protest march in the capital on Monday.")[2] == "2019-04-15"


def test_extent_leaves_out_signals_possessives_and_modifier_determiners() -> None:
    found = tx("Over the past two months the board met for the last time on Friday night; Friday's vote "
               "followed a third-quarter loss and the 2018 election, at least 30 days after the deal.")
    texts = [t for t, _, _ in found]
    assert "the past two months" in texts
    assert "Friday night" in texts
    assert "Friday" in texts
    assert "third-quarter" in texts
    assert "2018" in texts
    assert "at least 30 days" in texts


def test_soon_and_one_day_ahead_are_future_ref() -> None:
    assert one("The regulator will soon publish new rules.") == ("soon", "DATE", "FUTURE_REF")
    assert one("Officials hope the bridge may one day carry trains.") == ("one day", "DATE", "FUTURE_REF")


def test_soon_in_a_past_clause_or_as_soon_as_is_not_marked() -> None:
    assert tx("The prisoner was soon released.") == []
    assert tx("Talks resume as soon as the envoys arrive.") == []
    assert one("The lease ran for one day only.")[2] == "P1D"


def test_day_counted_from_a_named_day() -> None:
    assert one("The strike began the day before last Wednesday.")[2] == "2019-04-09"
    assert one("Ballots will be counted two days after Monday.")[2] == "2019-04-17"


# --- earnings reports: the quarter reported on

NOV = dt.date(2019, 11, 6)  # a Wednesday, after the third quarter closed


def values(text: str, published: dt.date = FRI) -> list[str]:
    return [v for _, _, v in tx(text, published)]


def test_year_ago_compares_with_the_latest_quarter_reported() -> None:
    text = ("The grocer said third-quarter profit rose 8%. After a weak second quarter, sales recovered. "
            "Margins were wider than in the year-earlier period.")
    assert values(text, NOV) == ["2019-Q3", "2019-Q2", "2018-Q3"]


def test_a_fiscal_quarter_is_taken_as_numbered() -> None:
    text = ("The miller posted a third-quarter gain. The baker reported a loss for the fiscal second quarter, "
            "against a profit in the year-ago period.")
    assert values(text, NOV) == ["2019-Q3", "2019-Q2", "2018-Q2"]


def test_quarter_ended_a_month_is_the_calendar_quarter_holding_most_of_it() -> None:
    assert values("The grocer's loss for its quarter ended July 31 widened.", NOV) == ["2019-Q2", "2019-07-31"]
    assert values("Sales rose over their quarter ended Sept. 30.", NOV) == ["2019-Q3", "2019-09-30"]


# --- tense: a plan in the past perfect lies behind the report

def test_past_perfect_schedule_points_back() -> None:
    assert one("The offer had been scheduled to expire on Wednesday.")[2] == "2019-04-10"
    assert one("The offer has been scheduled to expire on Wednesday.")[2] == "2019-04-17"


def test_clock_time_with_a_bracketed_conversion_and_a_day() -> None:
    found = tx("The quake struck at 4:10 a.m. (2210 GMT) Thursday, officials said.")
    assert found == [("4:10 a.m.", "TIME", "2019-04-11T04:10"), ("Thursday", "DATE", "2019-04-11")]


def test_part_of_a_decade_is_the_decade() -> None:
    assert one("Output stalled in the last half of the '90s.") == ("the last half of the '90s", "DATE", "199")


def test_the_quarter_named_again_keeps_the_comparison_on_it() -> None:
    filler = "The chain blamed weak demand, higher freight costs and a strong currency for the slide. " * 8
    text = f"The chain posted a third-quarter loss. {filler}Sales fell in the quarter, compared with a year ago."
    assert values(text, NOV) == ["2019-Q3", "2019-Q3", "2018-Q3"]


def test_plural_periods_leave_the_year_to_be_found() -> None:
    assert one("Profit beat comparable periods in 2017, the bank said.") == ("2017", "DATE", "2017")


def test_first_two_quarters_of_a_year_are_its_first_half() -> None:
    assert one("Demand should recover in the first two quarters of 2020.") == (
        "the first two quarters of 2020", "DATE", "2020-H1")


def test_part_of_day_on_its_own_takes_the_day_in_view() -> None:
    assert tx("Ministers met on Wednesday. Talks ran late in the evening.") == [
        ("Wednesday", "DATE", "2019-04-10"), ("the evening", "TIME", "2019-04-10TEV")]
    assert tx("By mid-afternoon the river had crested.") == [("mid-afternoon", "TIME", "2019-04-12TAF")]


def test_season_without_a_cue_is_the_nearest_one_unless_the_tense_says_otherwise() -> None:
    feb = dt.date(2019, 2, 10)
    assert one("Factories will slow in the spring.", feb)[2] == "2019-SP"
    assert one("Factories slowed in the spring.", feb)[2] == "2018-SP"
    assert one("Factories slowed in the summer.", dt.date(2019, 10, 2))[2] == "2019-SU"


def test_today_in_the_name_of_a_paper_or_programme_is_not_a_date() -> None:
    assert tx("The survey ran in USA Today and on Radio Today.") == []
    assert one("Today the ministers meet again.")[2] == "2019-04-12"


def test_the_previous_weekday_counts_from_the_day_in_view() -> None:
    filler = "Traders blamed a weaker currency and thin volume for the fall in share prices. " * 6  # not a season
    text = f"Shares closed lower on Thursday. {filler}The index ended 2% below the previous Thursday."
    assert values(text, dt.date(2019, 4, 15)) == ["2019-04-11", "2019-04-04"]


def test_a_comparison_after_the_nine_months_is_with_that_period() -> None:
    text = ("The brewer's third-quarter profit rose 4%. For the nine months, net fell 2% from a year earlier, "
            "and sales were flat with the 2018 period.")
    assert values(text, NOV) == ["2019-Q3", "P9M", "2018", "2018"]


def test_obligation_or_possibility_looks_ahead_but_could_and_perfects_do_not() -> None:
    assert one("The runoff must be organised by Nov. 3.", dt.date(2025, 3, 7))[2] == "2025-11-03"
    assert one("The envoys may meet on Sunday.")[2] == "2019-04-14"
    assert one("The envoys may have met on Sunday.")[2] == "2019-04-07"
    assert one("The mayor could not be contacted on Sunday.")[2] == "2019-04-07"


def test_participle_of_a_plan_looks_ahead_unless_its_clause_is_past() -> None:
    feb = dt.date(2024, 2, 28)  # a Wednesday
    assert one("Kenya holds a vote expected in April.", feb)[2] == "2024-04"
    assert one("Talks slated for Monday will go ahead.", feb)[2] == "2024-03-04"
    assert tx("The vote, expected in April, was called off.", feb)[0][2] == "2023-04"
    assert one("The minister attended talks held on Monday.", feb)[2] == "2024-02-26"


def test_two_months_joined_by_and_form_a_range() -> None:
    text = "Peru holds a run-off expected in April and May."
    ts = find_timexes(text, dt.date(2024, 2, 28))
    assert [t.value for t in ts] == ["2024-04", "2024-05"]
    assert timex_ranges(text, ts) == [(0, 1)]


def test_vague_count_earlier_or_later_is_a_length_not_a_past_or_future() -> None:
    found = tx("The plant shut in May, and days later the owner sold it.")
    assert ("days later", "DURATION", "PXD") in found
    assert one("The plant shut a few weeks ago.")[2] == "PAST_REF"


def test_possessive_weekday_follows_a_future_clause() -> None:
    assert one("The minister will lead the delegation to Monday's talks.", SUN)[2] == "2019-04-15"
    assert one("Spain abstained in Friday's vote.", SUN)[2] == "2019-04-12"


def test_capitalised_daily_mid_sentence_is_a_name() -> None:
    assert tx("The report ran in China Daily and in the Daily Telegraph.") == []
    assert one("Prices are published daily.")[2] == "P1D"


def test_first_end_of_a_range_of_times_takes_the_day_of_the_second() -> None:
    found = tx("Polls open from 7 a.m. to 8 p.m. on Sunday.")
    assert [v for _, _, v in found] == ["2019-04-14T07:00", "2019-04-14T20:00"]
    assert tx("The market opens at 9 a.m. and the vote is on Sunday.")[0][2] == "2019-04-12T09:00"
