"""`claimbot ask "/remind ..."`, `claimbot remind preview` and the console's reminders under
`claimbot run`, through subprocesses on a TinyDB file."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.tinydb_store import TinyDBStore

CLAIMBOT = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
REPO = Path(__file__).resolve().parents[1]


def claimbot(*args: str, stdin: str = "", tz: str = "Europe/Berlin") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "CLAIMBOT_"))}
    env.update(PYTHONPATH=str(REPO), CLAIMBOT_TZ=tz)
    return subprocess.run([*CLAIMBOT, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env,
                          cwd=REPO)


def put_event(path: Path, **fields: object) -> None:
    event = {"id": "e-harbour", "title": "Harbour fee talks", "kind": "negotiation", "start": "2025-06-20",
             "end": None, "precision": "day", "article": "art-1", "evidence": "", "place": "Busan",
             "participants": ["south-korea", "japan"], "upcoming": True, "status": "scheduled",
             "origin": "extracted", "sources": [{"article": "art-1", "sentence": "Negotiators meet in Busan.",
                                                 "start": 0, "end": 26, "published": "2025-06-02"}]}
    event.update(fields)
    store = TinyDBStore(path)
    try:
        store.put_event(event)
        store.load({"articles": [{"id": "art-1", "title": "Fee dispute heads to talks", "published": "2025-06-02",
                                  "text": "Negotiators meet in Busan.", "url": "https://news.example/fees",
                                  "outlet": "Harbour Post", "hash": "h-art-1"}]})
    finally:
        store.close()


def backdate_subscriptions(path: Path, since: str) -> None:
    store = TinyDBStore(path)
    try:
        for sub in store.subscriptions():
            store.put_subscription(dict(sub, since=since))
    finally:
        store.close()


def test_ask_subscribes_the_console_and_preview_shows_what_when_where(tmp_path):
    db = str(tmp_path / "store.json")
    done = claimbot("--db", db, "ask", "/remind subscribe lead 7d,1d")
    assert done.returncode == 0, done.stderr
    assert "Reminders on for the console" in done.stdout
    assert "print in the terminal while `claimbot run` runs" in done.stdout
    put_event(tmp_path / "store.json")
    backdate_subscriptions(tmp_path / "store.json", "2025-06-01T00:00:00+00:00")
    done = claimbot("--db", db, "remind", "preview", "--days", "10", "--at", "2025-06-12T00:00Z")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "team time zone Europe/Berlin" in out
    assert "== console (printed by `claimbot run`): leads 7d, 1d" in out
    assert "-- Friday, June 13, 2025, 09:00 CEST (Europe/Berlin) [7d] planned" in out
    assert "In 7 days: Harbour fee talks" in out
    assert "-- Thursday, June 19, 2025, 09:00 CEST (Europe/Berlin) [1d] planned" in out
    assert "Tomorrow: Harbour fee talks" in out
    assert "Fee dispute heads to talks" in out and "https://news.example/fees" in out
    assert "South Korea, Japan" in out and "Busan" in out
    # after the 7-day time, with no bot running: it would go out late at the next start
    done = claimbot("--db", db, "remind", "preview", "--days", "2", "--at", "2025-06-14T08:00Z")
    assert "[7d] now (late)" in done.stdout and "Late: this reminder was due Friday, June 13" in done.stdout
    # preview writes nothing
    store = TinyDBStore(tmp_path / "store.json")
    assert store.deliveries() == []
    store.close()


def test_preview_rejects_a_bad_time(tmp_path):
    done = claimbot("--db", str(tmp_path / "s.json"), "remind", "preview", "--at", "tomorrow")
    assert done.returncode == 2 and "--at 'tomorrow' is not a date" in done.stderr


@pytest.mark.parametrize("tz", ["UTC", "Asia/Tokyo"])
def test_run_prints_the_console_reminders_once(tmp_path, tz):
    db = tmp_path / "store.json"
    assert claimbot("--db", str(db), "ask", "/remind subscribe", tz=tz).returncode == 0
    today = dt.datetime.now(dt.UTC).date()
    # four days out: its 7-day reminder fell due three days ago, while no claimbot ran
    put_event(db, start=(today + dt.timedelta(days=4)).isoformat())
    backdate_subscriptions(db, (today - dt.timedelta(days=30)).isoformat() + "T00:00:00+00:00")
    first = claimbot("--db", str(db), "run", stdin="/remind list\nquit\n", tz=tz)
    assert first.returncode == 0, first.stderr
    heading = first.stdout.splitlines()[0]  # printed before the console answers anything
    assert heading.startswith("In ") and heading.endswith(" days: Harbour fee talks"), heading
    assert "Late: this reminder was due" in first.stdout
    assert "Reminder subscriptions (1)" in first.stdout  # the console answered after it
    second = claimbot("--db", str(db), "run", stdin="quit\n", tz=tz)
    assert second.returncode == 0, second.stderr
    assert "Harbour fee talks" not in second.stdout  # posted once, whatever the restarts
    store = TinyDBStore(db)
    assert [(d["lead"], d["status"], d["late"]) for d in store.deliveries()] == [("7d", "posted", True)]
    store.close()


async def test_the_async_console_answers_lines_and_reminders_print_over_the_prompt():
    import io

    from bot.adapters.shell import PROMPT, Console, ConsolePoster
    from bot.commands import Commands
    from bot.reminders import Reminders
    from bot.reply import Caller, Reply
    from bot.service import Service
    from store.base import open_store

    service = Service(open_store("memory:"))
    console = Console(Commands(service, reminders=Reminders(service)), Caller("console", "me"))
    out = io.StringIO()
    await ConsolePoster(out, PROMPT).post("console", Reply("Tomorrow: Quota talks"))
    assert out.getvalue() == "\nTomorrow: Quota talks\n\n" + PROMPT
    errors = await console.aloop(io.StringIO("/remind subscribe\n/remind nonsense\nquit\n/sources\n"), out)
    assert errors == 1
    assert "Reminders on for the console" in out.getvalue() and "Sources (" not in out.getvalue()
