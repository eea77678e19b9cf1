"""Operations through real processes: `claimbot check` with good and bad settings,
`claimbot run` serving /healthz and /metrics and stopping on SIGTERM, and SIGTERM in the
middle of a `claimbot ingest`."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLAIMBOT = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
PG_PASSWORD = "pg-Secret-4417"
SLACK_TOKEN = "xoxb-1111-2222-fakefakefake"
SIGNING = "signing-secret-0123456789"


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "CLAIMBOT_"))}
    e["PYTHONPATH"] = str(REPO)
    e.update(extra)
    return e


def check(*args: str, cwd: Path = REPO, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLAIMBOT, "check", *args], capture_output=True, text=True, timeout=120,
                          env=env(**extra), cwd=cwd)


# -- claimbot check ---------------------------------------------------------------------------


def test_check_with_good_settings_prints_what_would_run_and_hides_the_password(tmp_path):
    done = check(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING, PORT="3100",
                 DISCORD_TOKEN="discord-token-abcdef", DISCORD_GUILD_ID="123456789",
                 CLAIMBOT_DB=f"postgresql://claimbot:{PG_PASSWORD}@db.internal:5432/claimbot",
                 CLAIMBOT_TZ="Asia/Tokyo", CLAIMBOT_ADMINS="slack:U0ADMIN,discord:1001",
                 CLAIMBOT_OPS_PORT="8081", CLAIMBOT_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "slack (HTTP on port 3100 at /slack/events)" in out
    assert "discord (commands synced to server 123456789)" in out
    assert "postgresql://claimbot:***@db.internal:5432/claimbot" in out  # and it did not connect
    assert "Asia/Tokyo" in out and "slack:U0ADMIN" in out and "discord:1001" in out
    assert "http://127.0.0.1:8081/healthz" in out and "json" in out
    assert "configuration OK" in out
    for secret in (PG_PASSWORD, SLACK_TOKEN, SIGNING, "discord-token-abcdef"):
        assert secret not in out + done.stderr


@pytest.mark.parametrize("url, shown", [
    (f"postgresql://claimbot@db.internal/claimbot?password={PG_PASSWORD}&sslmode=require",
     "postgresql://claimbot@db.internal/claimbot?password=***&sslmode=require"),
    (f"postgresql://claimbot:{PG_PASSWORD}@db.internal/claimbot?sslpassword=key-{PG_PASSWORD}",
     "postgresql://claimbot:***@db.internal/claimbot?sslpassword=***"),
])
def test_check_masks_a_password_given_as_a_url_parameter(url, shown):
    for args in ((), ("--json",)):
        done = check(*args, CLAIMBOT_DB=url)
        assert done.returncode == 0, done.stderr
        assert PG_PASSWORD not in done.stdout + done.stderr
        assert shown in done.stdout


@pytest.mark.parametrize(("shards", "mode"), [
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0-1"},
     "discord (shards 0, 1 of 4; commands synced to server 123456789)"),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "3,2"},
     "discord (shards 2, 3 of 4; commands synced by the process running shard 0)"),
    ({"DISCORD_SHARD_COUNT": "2"}, "discord (all 2 shard(s) in this process; commands synced to server 123456789)"),
])
def test_check_shows_the_discord_shards_this_process_runs(shards, mode):
    done = check(DISCORD_TOKEN="discord-token-abcdef", DISCORD_GUILD_ID="123456789", **shards)
    assert done.returncode == 0, done.stderr
    assert mode in done.stdout
    report = json.loads(check("--json", DISCORD_TOKEN="discord-token-abcdef", **shards).stdout)
    [discord] = report["adapters"]
    assert discord["shards"]["count"] == int(shards["DISCORD_SHARD_COUNT"])


def test_check_json_on_a_tinydb_file(tmp_path):
    db = tmp_path / "data" / "claimbot.json"
    done = check("--json", "--db", str(db))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["adapters"] == []
    assert report["store"] == {"backend": "tinydb", "location": str(db), "exists": False,
                               "note": f"{db.parent} will be created"}
    assert report["time_zone"] == "UTC" and report["ops"]["port"] is None
    assert any("console" in w for w in report["warnings"])
    assert not db.parent.exists()  # check creates nothing


def test_check_counts_subscriptions_and_scheduled_reminders_of_an_existing_store(tmp_path):
    import datetime as dt
    import importlib.util

    db = tmp_path / "claimbot.json"
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).date().isoformat()

    def ask(line: str) -> None:
        done = subprocess.run([*CLAIMBOT, "--db", str(db), "ask", line], capture_output=True, text=True,
                              timeout=120, env=env(), cwd=REPO)
        assert done.returncode == 0, done.stdout + done.stderr

    ask(f'/event add title="Trade ministers meet" start={start} kind=meeting participants="japan, china"')
    if importlib.util.find_spec("bot.reminders") is None:
        assert "not available" in check("--db", str(db)).stdout
        return
    ask("/remind subscribe")  # the console channel, 7 days and 1 day before
    done = check("--json", "--db", str(db))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["store"]["exists"] is True and report["store"]["bytes"] > 0
    assert report["reminders"]["subscriptions"] == 1
    assert report["reminders"]["scheduled"] == 2 and report["reminders"]["due_now"] == 0
    assert "1 subscription(s), 2 reminder(s) scheduled" in check("--db", str(db)).stdout
    quiet = check("--quiet", "--db", str(db))  # what the systemd unit runs before each start
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


@pytest.mark.parametrize(("settings", "named", "hidden"), [
    ({"CLAIMBOT_TZ": "Mars/Olympus"}, ["CLAIMBOT_TZ", "'Mars/Olympus'"], []),
    ({"CLAIMBOT_ADAPTERS": "discord"}, ["DISCORD_TOKEN"], []),
    ({"CLAIMBOT_ADAPTERS": "slack", "DISCORD_TOKEN": "discord-token-abcdef"}, ["SLACK_BOT_TOKEN"],
     ["discord-token-abcdef"]),
    ({"SLACK_APP_TOKEN": "xapp-1-A1-secretvalue"}, ["SLACK_BOT_TOKEN"], ["xapp-1-A1-secretvalue"]),
    ({"SLACK_BOT_TOKEN": "not-a-bot-token-123", "SLACK_SIGNING_SECRET": SIGNING}, ["SLACK_BOT_TOKEN", "xoxb-"],
     ["not-a-bot-token-123", SIGNING]),
    ({"SLACK_BOT_TOKEN": SLACK_TOKEN}, ["SLACK_SIGNING_SECRET"], [SLACK_TOKEN]),
    ({"DISCORD_GUILD_ID": "123"}, ["DISCORD_TOKEN"], []),
    ({"CLAIMBOT_DB": f"mysql://root:{PG_PASSWORD}@db/x"}, ["CLAIMBOT_DB", "'mysql'"], [PG_PASSWORD]),
    ({"CLAIMBOT_OPS_PORT": "eighty"}, ["CLAIMBOT_OPS_PORT", "'eighty'"], []),
    ({"CLAIMBOT_LOG_FORMAT": "xml"}, ["CLAIMBOT_LOG_FORMAT"], []),
    ({"CLAIMBOT_ADMINS": "U123"}, ["CLAIMBOT_ADMINS", "platform:user_id"], []),
    ({"DISCORD_TOKEN": "discord-token-abcdef", "DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,2"},
     ["DISCORD_SHARD_IDS", "shard 2", "0 to 1"], ["discord-token-abcdef"]),
    ({"DISCORD_TOKEN": "discord-token-abcdef", "DISCORD_SHARD_COUNT": "0"}, ["DISCORD_SHARD_COUNT"], []),
])
def test_check_with_bad_settings_fails_naming_the_variable(settings, named, hidden):
    done = check(**settings)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not valid" in done.stderr
    for word in named:
        assert word in done.stderr
    for secret in hidden:
        assert secret not in done.stdout + done.stderr


def test_check_reports_every_problem_at_once():
    done = check(CLAIMBOT_TZ="Nowhere/Land", CLAIMBOT_LOG_LEVEL="LOUD", DISCORD_GUILD_ID="x")
    assert done.returncode == 2
    problems = [line for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert len(problems) == 3, done.stderr


def test_check_fails_when_the_store_cannot_be_written(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    done = check("--db", str(blocker / "claimbot.json"))
    assert done.returncode == 2
    assert "not writable" in done.stderr


def test_check_fails_on_an_invalid_gazetteer_extension(tmp_path):
    bad = tmp_path / "gaz.json"
    bad.write_text("{not json")
    done = check("--db", str(tmp_path / "s.json"), CLAIMBOT_GAZETTEER_EXTRA=str(bad))
    assert done.returncode == 2 and "CLAIMBOT_GAZETTEER_EXTRA" in done.stderr


def test_run_refuses_to_start_with_bad_settings():
    done = subprocess.run([*CLAIMBOT, "run"], capture_output=True, text=True, timeout=120, input="",
                          env=env(CLAIMBOT_TZ="Mars/Olympus"), cwd=REPO)
    assert done.returncode == 2
    assert "CLAIMBOT_TZ 'Mars/Olympus' is not a time zone" in done.stderr


# -- claimbot run: /healthz, /metrics, SIGTERM -------------------------------------------------------


def _wait_for_log(path: Path, proc: subprocess.Popen, want: str, deadline: float = 60) -> list[dict]:
    """The JSON log lines so far, once one has ``want`` in its message."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]
        if any(want in r["message"] for r in lines):
            return lines
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"no log line with {want!r}; stderr:\n{path.read_text()}")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_run_serves_health_and_metrics_and_stops_cleanly_on_sigterm(tmp_path):
    """Slack in HTTP mode (nothing is sent to Slack before a request comes in), the ops
    server on a free port, JSON logs; SIGTERM ends it with status 0."""
    log_path = tmp_path / "stderr.log"
    db = tmp_path / "data" / "claimbot.json"
    with open(log_path, "w") as err:
        proc = subprocess.Popen(
            [*CLAIMBOT, "run", "--db", str(db)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            env=env(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING, SLACK_API_URL="http://127.0.0.1:9/",
                    PORT="0", CLAIMBOT_OPS_PORT="0", CLAIMBOT_LOG_FORMAT="json"), cwd=tmp_path)
    try:
        lines = _wait_for_log(log_path, proc, "claimbot is running")
        port = next(r["ops_port"] for r in lines if "ops_port" in r)
        status, body = _get(f"http://127.0.0.1:{port}/healthz")
        health = json.loads(body)
        assert health["checks"]["adapter:slack"] == {"ok": True, "detail": "HTTP server serving"}
        assert health["checks"]["store"]["ok"] is True
        assert health["checks"]["scheduler"]["ok"] is True  # `run` started the reminders scheduler
        assert (status, health["status"]) == (200, "ok"), body
        status, metrics = _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        assert 'claimbot_reminders_total{outcome="late"} 0.0' in metrics
        assert "claimbot_articles_ingested_total 0.0" in metrics
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    messages = [json.loads(line)["message"] for line in log_path.read_text().splitlines()]
    assert messages.index("stopping") < messages.index("stopped")
    text = log_path.read_text()
    assert SLACK_TOKEN not in text and SIGNING not in text


# -- SIGTERM in the middle of an ingest ------------------------------------------------------------------

# Runs `claimbot ingest` of the five seed articles, stored two at a time (ingest writes a
# batch of articles per file write), with one write held up at a chosen point so that
# SIGTERM lands exactly there, whatever the machine's speed: right after the Nth file write
# ("between"), or half-way through writing the Nth file ("inside").
INGEST_PAUSED = r"""
import sys, time
from pathlib import Path
import bot.service
import store.tinydb_store as t

where, n, marker = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
calls = 0

def pause():
    marker.write_text(str(calls))
    time.sleep(120)

ingest = bot.service.Service.ingest
def small_batches(self, *args, **kwargs):
    kwargs["batch_size"] = 2
    return ingest(self, *args, **kwargs)
bot.service.Service.ingest = small_batches

if where == "between":
    flush = t.AtomicJSONStorage.flush
    def flush_then_pause(self):
        global calls
        flush(self)
        calls += 1
        if calls == n:
            pause()
    t.AtomicJSONStorage.flush = flush_then_pause
else:
    write_tables = t._write_tables
    def slow_write(out, data):
        global calls
        calls += 1
        if calls == n:
            out.write('{"articles": {"1": {"id": "half-writ')
            out.flush()
            pause()
        return write_tables(out, data)
    t._write_tables = slow_write

from bot.cli import main
sys.exit(main(sys.argv[4:]))
"""


def _ingest_and_terminate(tmp_path: Path, where: str, n: int) -> tuple[subprocess.CompletedProcess, Path]:
    marker = tmp_path / "paused"
    db = tmp_path / "data" / "claimbot.json"
    proc = subprocess.Popen([sys.executable, "-c", INGEST_PAUSED, where, str(n), str(marker),
                             "ingest", str(REPO / "seeds"), "--db", str(db), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=REPO)
    try:
        end = time.monotonic() + 120
        while not marker.exists() and proc.poll() is None and time.monotonic() < end:
            time.sleep(0.05)
        assert marker.exists(), proc.communicate()[1] if proc.poll() is not None else "never paused"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), db


def _stored_articles(db: Path) -> list[str]:
    from store.tinydb_store import TinyDBStore

    store = TinyDBStore(db)  # raises if the file is not a complete store
    try:
        return sorted(a["id"] for a in store.articles())
    finally:
        store.close()


@pytest.mark.slow
def test_sigterm_between_two_articles_keeps_those_stored(tmp_path):
    done, db = _ingest_and_terminate(tmp_path, "between", 1)
    assert done.returncode == 143, done.stderr
    assert "stopped by SIGTERM" in done.stderr
    assert len(_stored_articles(db)) == 2
    assert not list(db.parent.glob("*.tmp"))
    # the rest goes in when the ingest runs again
    again = subprocess.run([*CLAIMBOT, "ingest", str(REPO / "seeds"), "--db", str(db), "--json"],
                           capture_output=True, text=True, timeout=300, env=env(), cwd=REPO)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert len(report["skipped"]) == 2 and len(report["added"]) == 3


@pytest.mark.slow
def test_sigterm_while_the_store_file_is_being_written_leaves_the_previous_file_whole(tmp_path):
    done, db = _ingest_and_terminate(tmp_path, "inside", 2)
    assert done.returncode == 143, done.stderr
    # the second write was abandoned: the first two articles, no half-written temporary file
    assert len(_stored_articles(db)) == 2
    assert (db.parent / "claimbot.json").is_file()
    assert not [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]
    json.loads(db.read_text())  # plain JSON, complete
