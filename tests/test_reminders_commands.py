"""/remind through the command table, the planning rules on their own, and how the
posts render per platform.  No scheduler here: these are synchronous."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.commands import AdminPolicy, Commands
from bot.errors import CommandError
from bot.reminders import Reminders
from bot.reminders import plan as P
from bot.reminders.post import event_reply
from bot.render import discord as discord_render
from bot.render import slack as slack_render
from bot.render.text import render
from bot.reply import Caller
from bot.service import Service
from store.base import open_store

UTC = dt.UTC
NOW = dt.datetime(2025, 6, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def remind():
    service = Service(open_store("memory:"), clock=lambda: NOW)
    admins = AdminPolicy(users=frozenset({"slack:U0ADMIN"}))
    reminders = Reminders(service, ZoneInfo("Europe/Berlin"), admins=admins)
    commands = Commands(service, admins, reminders=reminders)

    def run(line: str, platform: str = "slack", user: str = "U0ALICE", channel: str = "C0NEWS",  # noqa: ANN202
            space: str = ""):
        caller = Caller(platform, user, channel_id=channel if platform != "console" else "", space=space)
        return commands.run_line(caller, line)

    run.service = service  # type: ignore[attr-defined]
    return run


def subs(remind) -> dict[str, dict]:  # noqa: ANN001
    return {s["id"]: s for s in remind.service.store.subscriptions()}


def test_subscribe_with_defaults_then_change_it(remind):
    reply = remind("/remind subscribe")
    assert reply.title == "Reminders on for this channel" and not reply.is_error
    assert "7 days before and 1 day before, at 09:00 Europe/Berlin" in reply.plain()
    [sub] = subs(remind).values()
    assert (sub["platform"], sub["channel"], sub["leads"], sub["kinds"], sub["actors"]) == (
        "slack", "C0NEWS", ["7d", "1d"], [], [])
    reply = remind("/remind subscribe lead 2h,7d,1d kinds summits,election actors japan, south korea")
    assert reply.title == "Reminders changed for this channel"
    [sub] = subs(remind).values()
    assert sub["leads"] == ["7d", "1d", "2h"] and sub["kinds"] == ["summit", "election"]
    assert sub["actors"] == ["japan", "south-korea"]
    assert sub["created_at"] == NOW.isoformat()
    audit = [a["action"] for a in remind.service.store.audit_log() if a["kind"] == "subscription"]
    assert audit == ["subscription.add", "subscription.edit"]


def test_key_value_options_work_too(remind):
    remind('/remind subscribe lead=3d kinds=visit actors="china"')
    [sub] = subs(remind).values()
    assert (sub["leads"], sub["kinds"], sub["actors"]) == (["3d"], ["visit"], ["china"])


@pytest.mark.parametrize(("line", "message"), [
    ("/remind subscribe lead 7x", "is not a lead time"),
    ("/remind subscribe lead 200d", "too far ahead"),
    ("/remind subscribe kinds parade", "is not an event kind"),
    ("/remind subscribe actors atlantis", "I don't know the actor 'atlantis'"),
    ("/remind subscribe #news", "is not a channel I can post in"),
    ("/remind subscribe lead", "lead needs values"),
    ("/remind frobnicate", "/remind has no 'frobnicate'"),
    ("/remind digest hourly", "/remind digest daily, weekly or off"),
])
def test_bad_input_is_explained_and_changes_nothing(remind, line, message):
    reply = remind(line)
    assert reply.is_error and message in reply.plain()
    assert subs(remind) == {}


def test_another_channel_is_for_admins(remind):
    refused = remind("/remind subscribe <#C0OTHER|desk>")
    assert refused.title == "Not allowed" and subs(remind) == {}
    done = remind("/remind subscribe <#C0OTHER|desk>", user="U0ADMIN")
    assert done.title == "Reminders on for #desk"
    assert list(subs(remind)) == ["sub-slack-C0OTHER"]
    assert remind("/remind subscribe C0NEWS").title == "Reminders on for this channel"  # its own id: anyone
    gone = remind("/remind unsubscribe <#C0OTHER|desk>", user="U0ADMIN")
    assert gone.title == "Reminders off for #desk"
    assert list(subs(remind)) == ["sub-slack-C0NEWS"]


def test_discord_channel_mentions_and_ids(remind):
    cid = "900000000000000200"
    assert remind("/remind subscribe", platform="discord", channel=cid).title == "Reminders on for this channel"
    assert remind(f"/remind subscribe <#{cid}>", platform="discord", channel=cid).title.startswith("Reminders changed")
    assert remind("/remind subscribe <#123>", platform="discord", channel=cid).is_error


def test_the_console_channel_is_console(remind):
    reply = remind("/remind subscribe", platform="console")
    assert reply.title == "Reminders on for the console"
    assert "print in the terminal while `claimbot run` runs" in reply.plain()
    assert list(subs(remind)) == ["sub-console-console"]
    assert remind("/remind subscribe C0NEWS", platform="console").is_error


def test_list_unsubscribe_and_digest(remind):
    assert "This channel gets no reminders" in remind("/remind list").plain()
    assert "No channel gets reminders yet" in remind("/remind list", user="U0ADMIN").plain()
    remind("/remind subscribe lead 1d")
    remind("/remind digest weekly")
    [sub] = subs(remind).values()
    assert sub["digest"] == "weekly" and sub["leads"] == ["1d"]
    listing = remind("/remind list")
    assert listing.items[0].title == "#C0NEWS (this channel)" and "Digest: weekly" in listing.items[0].text
    assert remind("/remind unsubscribe").title == "Reminders off for this channel"
    assert subs(remind) == {}
    assert remind("/remind unsubscribe").title == "No reminders for this channel"
    # a digest alone is a subscription without leads; turning it off removes it
    assert remind("/remind digest daily").title == "Daily digest on for this channel"
    assert subs(remind)["sub-slack-C0NEWS"]["leads"] == []
    assert remind("/remind digest off").title == "Digest off for this channel"
    assert subs(remind) == {}


def test_list_shows_this_channel_or_for_an_admin_this_workspace_only(remind):
    remind("/remind subscribe", channel="C0NEWS", space="T0DESK")
    remind("/remind subscribe", user="U0BOB", channel="G0PRIVATE", space="T0DESK")  # a private channel
    remind("/remind subscribe", user="U0EVE", channel="C0THEIRS", space="T0OTHER")  # another workspace
    remind("/remind subscribe", platform="discord", channel="900000000000000200", space="900000000000000100")

    def listed(**caller) -> list[str]:  # noqa: ANN003
        return [it.title for it in remind("/remind list", **caller).items]

    assert listed(channel="C0NEWS", space="T0DESK") == ["#C0NEWS (this channel)"]
    assert listed(user="U0BOB", channel="C0LOBBY", space="T0DESK") == []
    assert remind("/remind list", user="U0BOB", channel="C0LOBBY", space="T0DESK").title == \
        "Reminders for this channel (0)"
    assert listed(user="U0ADMIN", channel="C0NEWS", space="T0DESK") == ["#C0NEWS (this channel)", "#G0PRIVATE"]
    assert listed(user="U0ADMIN", channel="C0NEWS", space="T0OTHER") == ["#C0NEWS (this channel)", "#C0THEIRS"]
    assert listed(platform="console") == []  # the console's own platform: no chat channel
    # a subscription made before spaces were recorded: an admin sees it, others only in its channel
    store = remind.service.store
    old = next(s for s in store.subscriptions() if s["channel"] == "C0THEIRS")
    store.put_subscription({k: v for k, v in old.items() if k != "space"})
    assert "#C0THEIRS" in listed(user="U0ADMIN", channel="C0NEWS", space="T0DESK")
    assert listed(channel="C0NEWS", space="T0DESK") == ["#C0NEWS (this channel)"]


def test_help_and_the_reminders_are_not_shared_or_rerun(remind):
    reply = remind("/remind")
    assert reply.title == "Reminders of upcoming events" and "/remind subscribe" in reply.text
    assert reply.command is None


# -- the rules ---------------------------------------------------------------------------------------

def test_leads_parse_and_order():
    assert [lead.key for lead in P.parse_leads(["2h, 7d,1d", "1w", "90m", "1d"])] == ["7d", "1d", "2h", "90m"]
    assert P.Lead.parse("1w").key == "7d" and P.Lead.parse("48h").key == "2d"
    with pytest.raises(CommandError):
        P.Lead.parse("soon")


SUB = {"id": "s1", "platform": "slack", "channel": "C1", "leads": ["7d", "1d"], "since": "2025-01-01T00:00:00+00:00"}


def event(**kw: object) -> dict:
    base = {"id": "e1", "title": "Talks", "kind": "dialogue", "start": "2025-06-20", "end": None,
            "precision": "day", "participants": ["japan"], "status": "scheduled", "upcoming": True}
    return {**base, **kw}


def test_reminder_ids_carry_the_event_date_so_a_moved_event_is_reminded_again():
    tz = ZoneInfo("UTC")
    before = {r.id for r in P.event_reminders(SUB, event(), tz)}
    after = {r.id for r in P.event_reminders(SUB, event(start="2025-06-27"), tz)}
    assert before == {"s1|e1|7d|2025-06-20", "s1|e1|1d|2025-06-20"} and not before & after
    # a different team zone moves the times, never the ids: no re-post after a CLAIMBOT_TZ change
    assert {r.id for r in P.event_reminders(SUB, event(), ZoneInfo("Asia/Tokyo"))} == before


def test_events_past_when_reported_or_cancelled_are_not_planned():
    tz = ZoneInfo("UTC")
    assert P.event_reminders(SUB, event(upcoming=False), tz) == []
    assert P.event_reminders(SUB, event(status="cancelled"), tz) == []
    assert P.event_reminders(SUB, event(retracted=True), tz) == []
    assert P.event_reminders(SUB, event(start="not a date"), tz) == []


def test_quarter_and_year_periods_remind_at_their_start():
    tz = ZoneInfo("UTC")
    [q] = P.event_reminders(SUB, event(start="2025-07-01", precision="quarter"), tz)
    [y] = P.event_reminders(SUB, event(start="2026-01-01", precision="year"), tz)
    assert (q.lead, q.fire) == ("quarter", dt.datetime(2025, 7, 1, 9, tzinfo=UTC))
    assert (y.lead, y.fire) == ("year", dt.datetime(2026, 1, 1, 9, tzinfo=UTC))
    assert q.expires == q.fire + P.PERIOD_LATE


def test_a_window_is_reminded_once_at_its_start_and_expires_with_it():
    tz = ZoneInfo("UTC")
    mid = event(start="2025-06-11", end="2025-06-20", precision="window", approx="mid-June 2025")
    [r] = P.event_reminders(SUB, mid, tz)
    assert (r.lead, r.fire, r.expires) == ("window", dt.datetime(2025, 6, 11, 9, tzinfo=UTC),
                                           dt.datetime(2025, 6, 18, 9, tzinfo=UTC))  # at most PERIOD_LATE late
    [short] = P.event_reminders(SUB, event(start="2025-06-02", end="2025-06-03", precision="window"), tz)
    assert short.expires == dt.datetime(2025, 6, 4, tzinfo=UTC)  # "Monday or Tuesday": not after Tuesday


def test_a_vague_event_says_so_in_its_reminder():
    tz = ZoneInfo("Europe/Berlin")
    mid = event(title="First meeting of the Andean water dialogue", start="2025-06-11", end="2025-06-20",
                precision="window", approx="mid-June 2025")
    reply = event_reply(mid, tz, dt.datetime(2025, 6, 11, 7, tzinfo=UTC), str.upper)
    assert reply.title == "Mid-June 2025: First meeting of the Andean water dialogue"
    assert reply.fields[0].value == "mid-June 2025 (sometime June 11 \u2013 20, 2025)"
    assert "no exact day: sometime 11 \u2013 20 June 2025 (mid-June 2025)" in reply.text
    month = event_reply(event(start="2025-07-01", precision="month"), tz, dt.datetime(2025, 7, 1, 7, tzinfo=UTC),
                        str.upper)
    assert month.title == "This month: Talks" and "no exact day: only July 2025" in month.text
    day = event_reply(event(), tz, dt.datetime(2025, 6, 19, 7, tzinfo=UTC), str.upper)
    assert "no exact day" not in day.text


def test_decide_posts_the_latest_due_and_skips_the_rest():
    tz = ZoneInfo("UTC")
    rs = P.event_reminders(SUB, event(), tz)
    now = dt.datetime(2025, 6, 19, 12, tzinfo=UTC)
    agenda = P.decide(rs, {}, now)
    assert [(d.planned.reminder.lead, d.action, d.late) for d in agenda.due] == [("7d", "skip", False),
                                                                                ("1d", "post", True)]
    ledger = {rs[1].id: {"id": rs[1].id, "status": "posted"}}
    assert [d.action for d in P.decide(rs, ledger, now).due] == ["skip"]
    failed = {rs[1].id: {"id": rs[1].id, "status": "failed", "retry": True, "attempt": 1,
                         "failed_at": "2025-06-19T12:00:00+00:00"}}
    [retry] = P.decide(rs[1:], failed, now).upcoming
    assert (retry.attempt, retry.delivery_id, retry.when) == (2, rs[1].id + "#2", now + P.RETRY_AFTER)
    given_up = {rs[1].id: dict(failed[rs[1].id], attempt=P.MAX_ATTEMPTS)}
    assert P.decide(rs[1:], given_up, now).due == [] and P.decide(rs[1:], given_up, now).upcoming == []


# -- the post on each platform -----------------------------------------------------------------------

def test_the_post_renders_on_every_platform_without_mentions():
    tz = ZoneInfo("America/New_York")
    ev = event(title="Talks <!here> @everyone", place="Geneva", start="2025-06-20T14:00:00+00:00",
               end="2025-06-20T16:30:00+00:00", participants=["us", "japan"],
               sources=[{"article": "a1", "sentence": "Officials will meet <@U123> in Geneva.", "start": 0, "end": 9,
                         "published": "2025-06-01"}])
    articles = {"a1": {"title": "Envoys to meet", "url": "https://news.example/a1", "outlet": "Wire",
                       "published": "2025-06-01"}}
    reply = event_reply(ev, tz, dt.datetime(2025, 6, 19, 13, tzinfo=UTC), str.upper, articles)
    assert reply.title.startswith("Tomorrow: Talks") and not reply.ephemeral
    text = render(reply)
    assert "Friday, June 20, 2025, 10:00 EDT (America/New_York) \u2013 Friday, June 20, 2025, 12:30 EDT" in text
    assert "Envoys to meet" in text and "https://news.example/a1" in text and "US, JAPAN" in text
    assert "added by an admin" not in text.lower()
    slack = slack_render.message(reply, buttons=False)
    body = "\n".join(str(b) for b in slack["blocks"])
    assert "<!date^1750428000^{date_long} at {time}|Friday, June 20, 2025, 10:00 EDT (America/New_York)>" in body
    assert "<!here>" not in body and "<@U123>" not in body and "<https://news.example/a1|source>" in body
    [embed] = discord_render.embeds(reply)
    when = embed["fields"][0]["value"]
    assert when.startswith("<t:1750428000:F> \u2013 <t:1750437000:F> (<t:1750428000:R>)")
    assert "@everyone" not in embed["title"].replace("@\u200beveryone", "")
    assert "<@U123>" not in str(embed)
