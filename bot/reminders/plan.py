"""What is due when: pure functions from events, subscriptions and a time zone to reminders.

No I/O and no clock here; callers pass ``now``.  Times are aware datetimes in UTC, except
the team-zone calendar dates the rules are written in.

The rules:

- a day-precision event gets one reminder per lead of its subscription.  A lead in whole
  days ("7d", "1d") posts at ``post_at`` (09:00) team time that many days before the
  event's day; a shorter lead ("2h") posts that long before an event with a time of day,
  and at ``post_at`` on the day itself ("today") for an event known only by its date;
- a week-, month-, quarter- or year-precision event ("in July") gets one reminder, at
  ``post_at`` on the first day of its period ("This month: ..."); a window ("mid-June",
  "later this month", "2 or 3 June") gets one at ``post_at`` on its first day, and the post
  says the day is not known;
- a cancelled or retracted event, an event that was already past when it was reported
  (``upcoming`` false) and reminders due before the subscription existed are never
  planned;
- a reminder is not posted once the event has begun (``expires``): a day lead expires at
  the event's start (midnight team time for a date), the "today" reminder at the end of
  that day, a period reminder ``PERIOD_LATE`` after the period began;
- of the reminders of one event and subscription that are due at once (after downtime),
  only the latest is posted; the earlier ones are superseded;
- the ledger key of a reminder is (subscription, event, lead) and the event's start, so
  an event that moves to a new date is reminded again at the new date, and changing the
  team's time zone never re-posts a reminder;
- a reminder whose claimant stopped while posting it (``abandoned``: the runner knows
  that claimant's process is gone) is due again, under the next attempt, as long as it
  may still be posted; that attempt (and its retries) carries ``since``, so the runner
  first looks in the channel for a post the claimant may have made.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import CommandError

UTC = dt.UTC
POST_AT = dt.time(9, 0)
DEFAULT_LEADS = ("7d", "1d")
MAX_LEAD = dt.timedelta(days=90)
PERIODS = ("week", "month", "quarter", "year")
WINDOW = "window"  # sometime from the event's start to its end: the article gives no exact day
PERIOD_LATE = dt.timedelta(days=7)  # "This month: ..." may still be posted late this long after the 1st
LATE_AFTER = dt.timedelta(minutes=2)  # posted later than this after it fell due: marked late
MAX_ATTEMPTS = 3  # a post that failed for a passing reason is tried this many times in all
RETRY_AFTER = dt.timedelta(minutes=5)  # times the attempt number
DIGESTS = {"daily": 7, "weekly": 28}  # digest -> days ahead it lists
DIGEST_WEEKDAY = 0  # weekly digests post on Mondays
DONE = ("posting", "posted", "skipped", "interrupted")  # ledger statuses that close a reminder

Record = dict[str, Any]

_LEAD = re.compile(r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 7 * 1440}


# -- leads ----------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Lead:
    minutes: int

    @classmethod
    def parse(cls, text: str) -> Lead:
        m = _LEAD.match(text.strip().lower())
        if not m:
            raise CommandError(f"{text!r} is not a lead time: use days, hours or minutes, e.g. 7d, 1d, 2h, 30m")
        minutes = int(m.group(1)) * _UNIT_MINUTES[m.group(2)[0]]
        if minutes > MAX_LEAD.total_seconds() // 60:
            raise CommandError(f"{text!r} is too far ahead: leads go up to {MAX_LEAD.days} days")
        return cls(minutes)

    @property
    def days(self) -> int | None:
        """Whole days, or None for a lead shorter than a day or not a multiple of one."""
        return self.minutes // 1440 if self.minutes % 1440 == 0 else None

    @property
    def key(self) -> str:
        if self.days is not None:
            return f"{self.days}d"
        if self.minutes % 60 == 0:
            return f"{self.minutes // 60}h"
        return f"{self.minutes}m"

    @property
    def delta(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)

    def words(self) -> str:
        if self.days is not None:
            return "on the day" if self.days == 0 else "1 day" if self.days == 1 else f"{self.days} days"
        if self.minutes % 60 == 0:
            h = self.minutes // 60
            return "1 hour" if h == 1 else f"{h} hours"
        return f"{self.minutes} minutes"


def parse_leads(values: Iterable[str]) -> list[Lead]:
    """Leads from "7d,1d" / ["7d", "1d"], deduplicated, longest first."""
    out: set[Lead] = set()
    for value in values:
        for part in re.split(r"[,\s]+", value):
            if part:
                out.add(Lead.parse(part))
    return sorted(out, reverse=True)


# -- when an event is -----------------------------------------------------------------------

@dataclass(frozen=True)
class When:
    """An event's time in the team's zone."""

    precision: str
    day: dt.date  # its (first) day, team time
    begins: dt.datetime  # UTC: the start, or midnight team time of ``day``
    timed: bool  # has a time of day
    end_day: dt.date | None = None
    ends: dt.datetime | None = None  # UTC, for a timed end
    approx: str = ""  # a window in the article's words, in calendar terms ("mid-June 2025")


def parse_instant(value: str) -> dt.datetime | None:
    """A stored datetime string as an aware UTC datetime (a naive one is UTC, as stored)."""
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def local(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """``day`` at ``at`` in ``tz``, as UTC (zoneinfo picks the right offset across DST)."""
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def event_when(event: Mapping[str, Any], tz: ZoneInfo) -> When | None:
    start = str(event.get("start") or "")
    precision = str(event.get("precision") or "day")
    if precision not in ("day", *PERIODS, WINDOW):
        precision = "day"
    approx = str(event.get("approx") or "")
    end = str(event.get("end") or "")
    if "T" in start:
        begins = parse_instant(start)
        if begins is None:
            return None
        ends = parse_instant(end) if "T" in end else None
        end_day = ends.astimezone(tz).date() if ends else _date(end)
        return When(precision, begins.astimezone(tz).date(), begins, True, end_day, ends, approx)
    day = _date(start)
    if day is None:
        return None
    return When(precision, day, local(day, dt.time(0, 0), tz), False, _date(end), approx=approx)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def period_start(day: dt.date, precision: str) -> dt.date:
    if precision == "week":
        return day - dt.timedelta(days=day.weekday())
    if precision == "month":
        return day.replace(day=1)
    if precision == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if precision == "year":
        return day.replace(month=1, day=1)
    return day


def period_end(day: dt.date, precision: str) -> dt.date:
    """The first day after the period that holds ``day``."""
    first = period_start(day, precision)
    if precision == "week":
        return first + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}.get(precision, 0)
    if not months:
        return first + dt.timedelta(days=1)
    y, m = divmod(first.month - 1 + months, 12)
    return dt.date(first.year + y, m + 1, 1)


# -- subscriptions ---------------------------------------------------------------------------

def subscription_id(platform: str, channel: str) -> str:
    """One subscription per channel: subscribing again changes it."""
    return f"sub-{platform}-{channel}"


def sub_leads(sub: Mapping[str, Any]) -> list[Lead]:
    return parse_leads(sub.get("leads") or [])


def sub_since(sub: Mapping[str, Any], key: str = "since") -> dt.datetime:
    return parse_instant(str(sub.get(key) or sub.get("since") or "")) or dt.datetime.min.replace(tzinfo=UTC)


def announceable(event: Mapping[str, Any]) -> bool:
    """Never announced: cancelled or retracted events, and events past when reported."""
    if str(event.get("status") or "scheduled") != "scheduled" or event.get("retracted"):
        return False
    return event.get("upcoming", True) is not False


def matches(sub: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    if not announceable(event):
        return False
    kinds = sub.get("kinds") or []
    if kinds and event.get("kind") not in kinds:
        return False
    actors = sub.get("actors") or []
    return not actors or bool(set(actors) & set(event.get("participants") or []))


# -- reminders -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reminder:
    id: str  # the delivery ledger key
    sub: str
    platform: str
    channel: str
    lead: str  # "7d", "2h", "0d" (today), "month" ...; "daily"/"weekly" for a digest
    fire: dt.datetime  # UTC: when it falls due
    expires: dt.datetime  # UTC: never posted at or after this
    event: str = ""  # the event id ("" for a digest)
    digest_days: int = 0  # a digest lists this many days ahead

    @property
    def group(self) -> str:
        """Reminders of one group supersede each other: the latest due one is posted."""
        return f"{self.sub}|{self.event or 'digest'}"

    @property
    def is_digest(self) -> bool:
        return not self.event


def event_reminders(sub: Mapping[str, Any], event: Mapping[str, Any], tz: ZoneInfo,
                    post_at: dt.time = POST_AT) -> list[Reminder]:
    """Every reminder of ``event`` for ``sub``, whatever the time (none when it does not match,
    or when the subscription has no leads: a digest-only one)."""
    if not sub.get("leads") or not matches(sub, event):
        return []
    when = event_when(event, tz)
    if when is None:
        return []
    out: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    if when.precision in PERIODS:
        first = period_start(when.day, when.precision)
        fire = local(first, post_at, tz)
        end = local(period_end(first, when.precision), dt.time(0, 0), tz)
        out[when.precision] = (fire, min(end, fire + PERIOD_LATE))
    elif when.precision == WINDOW:
        # at the start of the window, saying so; still worth posting late while the window lasts
        fire = local(when.day, post_at, tz)
        end = local((when.end_day or when.day) + dt.timedelta(days=1), dt.time(0, 0), tz)
        out[WINDOW] = (fire, min(end, fire + PERIOD_LATE))
    else:
        for lead in sub_leads(sub):
            if lead.days is not None and lead.days > 0:
                out[lead.key] = (local(when.day - dt.timedelta(days=lead.days), post_at, tz), when.begins)
            elif when.timed:
                fire = when.begins - lead.delta if lead.days is None else local(when.day, post_at, tz)
                out[lead.key] = (fire, when.begins)
            else:  # a short lead on a date without a time: that morning
                out["0d"] = (local(when.day, post_at, tz), local(when.day + dt.timedelta(days=1), dt.time(0, 0), tz))
    since = sub_since(sub)
    start = str(event.get("start") or "")
    return [Reminder(id=f"{sub['id']}|{event['id']}|{key}|{start}", sub=sub["id"], platform=sub["platform"],
                     channel=sub["channel"], lead=key, fire=fire, expires=expires, event=event["id"])
            for key, (fire, expires) in out.items() if fire < expires and fire >= since]


def digest_reminders(sub: Mapping[str, Any], tz: ZoneInfo, lo: dt.datetime, hi: dt.datetime,
                     post_at: dt.time = POST_AT) -> list[Reminder]:
    """The digest slots of ``sub`` falling in [lo, hi), and the last one before ``lo``."""
    digest = sub.get("digest") or ""
    if digest not in DIGESTS:
        return []
    since = sub_since(sub, "digest_since")
    out = []
    day = lo.astimezone(tz).date() - dt.timedelta(days=8)
    last = hi.astimezone(tz).date() + dt.timedelta(days=1)
    while day <= last:
        if digest == "daily" or day.weekday() == DIGEST_WEEKDAY:
            fire = local(day, post_at, tz)
            step = 1 if digest == "daily" else 7
            expires = local(day + dt.timedelta(days=step), dt.time(0, 0), tz)
            if since <= fire < hi:
                out.append(Reminder(id=f"{sub['id']}|digest|{digest}|{day.isoformat()}", sub=sub["id"],
                                    platform=sub["platform"], channel=sub["channel"], lead=digest, fire=fire,
                                    expires=expires, digest_days=DIGESTS[digest]))
        day += dt.timedelta(days=1)
    return out


def plan(subs: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]], tz: ZoneInfo,
         lo: dt.datetime, hi: dt.datetime, post_at: dt.time = POST_AT) -> list[Reminder]:
    """Reminders falling due in [lo, hi), ordered by when, then channel and id."""
    events = list(events)
    out = []
    for sub in subs:
        for ev in events:
            out += [r for r in event_reminders(sub, ev, tz, post_at) if lo <= r.fire < hi]
        out += [r for r in digest_reminders(sub, tz, lo, hi, post_at) if lo <= r.fire < hi]
    return sorted(out, key=lambda r: (r.fire, r.platform, r.channel, r.id))


def event_window(now: dt.datetime, ahead: dt.timedelta) -> tuple[str, str]:
    """The (start_from, start_to) of the events whose reminders can fall due, or still be
    posted late, between ``now`` and ``now + ahead``."""
    lo = (now - PERIOD_LATE - dt.timedelta(days=2)).date()
    hi = (now + ahead + MAX_LEAD + dt.timedelta(days=2)).date()
    return lo.isoformat(), hi.isoformat() + "\uffff"


# -- deciding at a moment -----------------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    reminder: Reminder
    attempt: int = 1
    at: dt.datetime | None = None  # when to act: ``fire``, or later for a retry
    after: str = ""  # the run of a claimant that stopped while posting the previous attempt
    # Set when an earlier attempt may have been posted without the ledger saying so (its
    # claimant stopped while posting): the earliest that post can have gone out.  Before
    # posting, the runner looks for it in the channel where the platform lets it.
    since: dt.datetime | None = None

    @property
    def when(self) -> dt.datetime:
        return self.at or self.reminder.fire

    @property
    def delivery_id(self) -> str:
        return self.reminder.id if self.attempt == 1 else f"{self.reminder.id}#{self.attempt}"


@dataclass(frozen=True)
class Decision:
    planned: Planned
    action: str  # post | skip
    reason: str = ""
    late: bool = False


@dataclass
class Agenda:
    due: list[Decision] = field(default_factory=list)  # to post or skip now, in order
    upcoming: list[Planned] = field(default_factory=list)  # later, in order


def latest_attempts(deliveries: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The ledger: the latest attempt's record per reminder id."""
    out: dict[str, Mapping[str, Any]] = {}
    for d in deliveries:
        base = str(d.get("reminder") or str(d.get("id", "")).split("#")[0])
        if base not in out or int(d.get("attempt") or 1) > int(out[base].get("attempt") or 1):
            out[base] = d
    return out


def open_attempt(reminder: Reminder, record: Mapping[str, Any] | None, abandoned: bool = False) -> Planned | None:
    """What is left to do for ``reminder`` given its ledger record: None when it is closed.

    ``abandoned``: the record is a claim whose claimant stopped while posting; it is taken
    over at once (the next attempt), up to ``MAX_ATTEMPTS`` attempts in all, and its
    ``since`` says from when the channel may hold that claimant's post (from the first
    such claim: a taker-over that stopped too passes it on as ``check_since``).  A retry
    of such an attempt keeps its ``since``."""
    if record is None:
        return Planned(reminder)
    attempt = int(record.get("attempt") or 1)
    check_since = parse_instant(str(record.get("check_since") or ""))
    if abandoned and record.get("status") == "posting":
        if attempt >= MAX_ATTEMPTS:
            return None
        since = check_since or parse_instant(str(record.get("at") or "")) or reminder.fire
        return Planned(reminder, attempt + 1, after=str(record.get("run") or ""), since=since)
    if record.get("status") != "failed" or not record.get("retry"):
        return None
    if attempt >= MAX_ATTEMPTS:
        return None
    failed = parse_instant(str(record.get("failed_at") or "")) or reminder.fire
    return Planned(reminder, attempt + 1, max(reminder.fire, failed + RETRY_AFTER * attempt), since=check_since)


def decide(reminders: Iterable[Reminder], ledger: Mapping[str, Mapping[str, Any]], now: dt.datetime,
           abandoned: Collection[str] = frozenset()) -> Agenda:
    """Split ``reminders`` into what to post or skip now and what comes later.

    ``abandoned``: reminder ids whose latest attempt was claimed by a process that stopped
    before it recorded the outcome (see ``open_attempt``)."""
    reminders = list(reminders)
    latest: dict[str, dt.datetime] = {}
    for r in reminders:
        if r.fire <= now and r.fire > latest.get(r.group, dt.datetime.min.replace(tzinfo=UTC)):
            latest[r.group] = r.fire
    agenda = Agenda()
    for r in reminders:
        p = open_attempt(r, ledger.get(r.id), r.id in abandoned)
        if p is None:
            continue
        if p.when > now:
            agenda.upcoming.append(p)
        elif now >= r.expires:
            agenda.due.append(Decision(p, "skip", "the event had begun" if r.event else "its day was over"))
        elif r.fire < latest[r.group]:
            agenda.due.append(Decision(p, "skip", "a later reminder of it was due too"))
        else:
            agenda.due.append(Decision(p, "post", late=now - r.fire > LATE_AFTER))
    agenda.upcoming.sort(key=lambda p: (p.when, p.reminder.platform, p.reminder.channel, p.reminder.id))
    return agenda
