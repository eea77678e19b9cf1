"""The console through subprocesses: `claimbot ask` and `claimbot run` fed on stdin,
on a store filled by `claimbot ingest` of an article written for this test."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.shell import Console
from bot.commands import AdminPolicy, Commands
from bot.reply import Caller
from tests.fakes.chat import service_fixture  # noqa: F401 - fixture

CLAIMBOT = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
REPO = Path(__file__).resolve().parents[1]

ARTICLE = """Ports agency warns of harbour fee dispute

OSAKA - South Korea's oceans minister Park Ji-hoon said on Monday that Seoul firmly opposes
the new harbour fees on container ships, calling them unfair to exporters.

"These charges punish our shipping lines for nothing they have done," Park told reporters.

Officials from both sides will meet in Busan on July 8 to discuss the fees.
"""


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("SLACK_", "DISCORD_", "CLAIMBOT_"))}
    e["PYTHONPATH"] = str(REPO)
    e.update(extra)
    return e


def claimbot(*args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLAIMBOT, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env=env(**extra), cwd=REPO)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("console")
    (d / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    path = str(d / "store.json")
    done = claimbot("--db", path, "ingest", str(d / "harbour.txt"), "--published", "2025-06-02", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "ingested 1 article" in done.stdout
    return path


def test_ask_answers_one_command(db):
    done = claimbot("--db", db, "ask", "/sources")
    assert done.returncode == 0, done.stderr
    assert "Sources (1)" in done.stdout
    assert "Ports agency warns of harbour fee dispute" in done.stdout
    done = claimbot("--db", db, "ask", "/stance", "south korea", "harbour fees")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("South Korea")


def test_ask_reports_errors_with_exit_status(db):
    done = claimbot("--db", db, "ask", "/stance atlantis fishing")
    assert done.returncode == 2
    assert "I don't know the actor 'atlantis'" in done.stdout
    done = claimbot("--db", db, "ask", '/claims "unclosed')
    assert done.returncode == 2 and "quote is not closed" in done.stdout


def test_run_without_tokens_is_a_console_and_admin_locally(db):
    script = "\n".join([
        "/help",
        '/claim add actor=japan topic="harbour fees" stance=support statement=Tokyo backs the fee plan for now '
        "speaker=\"A transport official\" date=2025-06-03",
        "/stance japan harbour fees",
        "quit",
        "/sources",  # after quit: never answered
    ]) + "\n"
    done = claimbot("--db", db, "run", stdin=script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "claimbot commands" in out and "(admin)" in out
    assert "Claim added" in out
    assert "Japan supports harbour fees" in out
    assert "Tokyo backs the fee plan for now" in out
    assert "Sources (" not in out
    assert "claimbot> " not in out  # no prompt when stdin is not a terminal


def test_run_refuses_bad_settings_without_echoing_secrets(db):
    done = claimbot("--db", db, "run", SLACK_BOT_TOKEN="not-a-bot-token-0123456789")
    assert done.returncode == 2
    assert "SLACK_BOT_TOKEN should be a bot token" in done.stderr
    assert "not-a-bot-token-0123456789" not in done.stderr + done.stdout


def test_console_object_reads_like_a_transcript(service):
    console = Console(Commands(service, AdminPolicy()), Caller("console", "me"))
    assert "opposes" in console.ask("/stance japan rare earths")
    assert "Trade minister Aiko Tanabe" in console.ask("/stance japan rare earths")
    import io

    out = io.StringIO()
    errors = console.loop(io.StringIO("/events\n\n# a comment\n/nonsense\n"), out)
    assert errors == 1
    assert "Upcoming events (1)" in out.getvalue()
    assert "I don't know the command /nonsense" in out.getvalue()
