"""bot/ops in process: metrics, the store wrapper, health checks, the HTTP server over
real HTTP on localhost, JSON logs, and the stop sequence of ``claimbot run``."""
from __future__ import annotations

import asyncio
import io
import json
import logging
import re

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.logs import JsonFormatter, configure_logging
from bot.ops.metrics import MeteredStore, Metrics, delivery_outcome, metered
from bot.ops.runtime import OpsRuntime, stop_reminders
from bot.ops.server import Health, OpsServer, adapter_check, scheduler_check
from bot.reply import Caller, Reply
from store.base import StoreError
from store.memory import MemoryStore
from tests.fakes.chat import commands_fixture, service_fixture  # noqa: F401 - fixtures


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of a Prometheus exposition."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def article(n: int) -> dict:
    return {"id": f"a{n}", "hash": f"h{n}", "title": f"Article {n}", "published": "2025-01-01", "text": "x"}


# -- metrics ------------------------------------------------------------------------------------


def test_commands_are_counted_by_name_and_outcome_with_their_latency(commands):
    m = Metrics(process=False)
    commands.observers.append(m.observe_command)
    caller = Caller("slack", "U1")
    commands.run_line(caller, "/stance japan rare-earths")
    commands.run_line(caller, "/stance japan rare-earths")
    commands.run_line(caller, "/claims china")
    commands.run_line(caller, "/claim retract c1 wrong")  # not an admin: refused
    commands.run_line(caller, "/nonsense at all")  # does not parse
    commands.invoke(caller, "no such command", {})
    got = samples(m.exposition().decode())
    assert got[("claimbot_commands_total", (("command", "stance"), ("outcome", "answer")))] == 2
    assert got[("claimbot_commands_total", (("command", "claims"), ("outcome", "answer")))] == 1
    assert got[("claimbot_commands_total", (("command", "claim retract"), ("outcome", "refusal")))] == 1
    assert got[("claimbot_commands_total", (("command", "unparsed"), ("outcome", "usage")))] == 1
    assert got[("claimbot_commands_total", (("command", "unknown"), ("outcome", "usage")))] == 1
    assert got[("claimbot_answer_seconds_count", (("command", "stance"),))] == 2
    assert got[("claimbot_answer_seconds_bucket", (("command", "stance"), ("le", "+Inf")))] == 2
    assert got[("claimbot_answer_seconds_sum", (("command", "stance"),))] >= 0


def test_a_failing_observer_never_costs_the_answer(commands, caplog):
    def broken(name, reply, seconds):
        raise RuntimeError("observer bug")

    commands.observers.append(broken)
    reply = commands.run_line(Caller("slack", "U1"), "/stance japan rare-earths")
    assert not reply.is_error
    assert "command observer failed" in caplog.text


def test_form_replies_are_their_own_outcome():
    m = Metrics(process=False)
    reply = Reply("Add a claim")
    reply.form = object()  # type: ignore[assignment]
    m.observe_command("claim add", reply, 0.01)
    assert samples(m.exposition().decode())[
        ("claimbot_commands_total", (("command", "claim add"), ("outcome", "form")))] == 1


def test_metered_store_counts_what_ingest_stores_once():
    m = Metrics(process=False)
    store = MeteredStore(MemoryStore(), m)
    claims = [{"id": f"c{i}", "article": "a1", "actor": "japan", "quote": "q", "topics": []} for i in range(3)]
    events = [{"id": "e1", "title": "Summit", "start": "2025-06-01"}]
    assert store.add_article_bundle(article(1), claims, events) is True
    assert store.add_article_bundle(article(1), claims, events) is False  # same hash: not stored again
    got = samples(m.exposition().decode())
    assert got[("claimbot_articles_ingested_total", ())] == 1
    assert got[("claimbot_claims_ingested_total", ())] == 3
    assert got[("claimbot_events_ingested_total", ())] == 1
    # the batch write (one file write for many articles) is counted per article stored
    bundles = [(article(2), claims[:1], [], None), (article(1), claims, events, None), (article(3), [], [], None)]
    assert store.add_article_bundles(bundles) == [True, False, True]
    got = samples(m.exposition().decode())
    assert got[("claimbot_articles_ingested_total", ())] == 3
    assert got[("claimbot_claims_ingested_total", ())] == 4
    # everything else is the inner store's
    assert store.get_article("a1")["title"] == "Article 1"
    assert len(store.claims(article="a1")) == 3
    assert metered(store) is store


def test_metered_store_counts_reminders_from_the_delivery_ledger_once_per_delivery():
    m = Metrics(process=False)
    store = MeteredStore(MemoryStore(), m)
    assert store.claim_delivery({"id": "e1|C1|7d", "status": "pending"})
    store.update_delivery({"id": "e1|C1|7d", "status": "sent"})
    store.update_delivery({"id": "e1|C1|7d", "status": "sent"})  # written again: still one reminder
    # bot/reminders claims a delivery as "posting" (late or not), then marks it "posted"
    assert store.claim_delivery({"id": "e2|C1|1d", "status": "posting", "late": True})
    store.update_delivery({"id": "e2|C1|1d", "status": "posted", "late": True})
    store.update_delivery({"id": "e3|C1|1d", "status": "skipped"})
    assert not store.claim_delivery({"id": "e1|C1|7d", "status": "sent"})  # lost the race: not ours
    got = samples(m.exposition().decode())
    assert got[("claimbot_reminders_total", (("outcome", "sent"),))] == 1
    assert got[("claimbot_reminders_total", (("outcome", "late"),))] == 1
    assert got[("claimbot_reminders_total", (("outcome", "skipped"),))] == 1


def test_reminder_outcomes_start_at_zero_and_are_a_closed_list():
    m = Metrics(process=False)
    got = samples(m.exposition().decode())
    for outcome in ("sent", "late", "skipped"):
        assert got[("claimbot_reminders_total", (("outcome", outcome),))] == 0
    with pytest.raises(ValueError):
        m.reminder("posted twice")
    assert delivery_outcome({"status": "pending"}) is None


# -- health checks ------------------------------------------------------------------------------


class FakeDiscord:
    def __init__(self, ready: bool, closed: bool = False) -> None:
        self._ready, self._closed = ready, closed

    def is_ready(self) -> bool:
        return self._ready

    def is_closed(self) -> bool:
        return self._closed


class FakeScheduler:
    def __init__(self, running: bool) -> None:
        self.running = running
        self.stopped = 0

    def stop(self) -> None:
        self.running = False
        self.stopped += 1


class BrokenStore(MemoryStore):
    def has_article(self, content_hash: str) -> bool:
        raise StoreError("the store data/claimbot.json is not valid JSON at line 1")


async def test_health_is_starting_then_ok_then_stopping():
    health = Health(store=MemoryStore(), reminders=FakeScheduler(True))
    health.adapters["discord"] = FakeDiscord(ready=True)
    status, body = await health.report()
    assert (status, body["status"]) == (503, "starting")
    health.ready()
    status, body = await health.report()
    assert (status, body["status"]) == (200, "ok")
    assert body["checks"]["store"]["ok"] and body["checks"]["scheduler"]["detail"] == "running"
    assert body["checks"]["adapter:discord"] == {"ok": True, "detail": "ready"}
    health.stopping()
    assert (await health.report())[0] == 503


@pytest.mark.parametrize("broken", ["store", "scheduler", "adapter"])
async def test_each_failing_check_makes_health_503_and_says_which(broken):
    health = Health(store=BrokenStore() if broken == "store" else MemoryStore(),
                    reminders=FakeScheduler(running=broken != "scheduler"))
    health.adapters["discord"] = FakeDiscord(ready=broken != "adapter")
    health.ready()
    status, body = await health.report()
    assert status == 503 and body["status"] == "failing"
    failed = [name for name, check in body["checks"].items() if not check["ok"]]
    assert failed == [{"store": "store", "scheduler": "scheduler", "adapter": "adapter:discord"}[broken]]
    if broken == "store":
        assert "not valid JSON" in body["checks"]["store"]["detail"]


async def test_scheduler_and_adapter_probes():
    assert await scheduler_check(None) == (True, "no reminders service")

    class WithHealth:
        async def health(self):
            return False, "job store empty"

    assert await scheduler_check(WithHealth()) == (False, "job store empty")

    class Wrapper:  # an APScheduler inside the reminders object
        scheduler = FakeScheduler(True)

    assert (await scheduler_check(Wrapper()))[0] is True
    assert await adapter_check(FakeDiscord(ready=False, closed=True)) == (False, "closed")

    class Connected:
        connected = True

    assert (await adapter_check(Connected()))[0] is True
    assert (await adapter_check(object()))[0] is False


# -- the server, over HTTP ----------------------------------------------------------------------


async def test_healthz_and_metrics_over_http(commands):
    m = Metrics()
    commands.observers.append(m.observe_command)
    health = Health(store=commands.service.store, reminders=FakeScheduler(True))
    server = OpsServer(health, m, "127.0.0.1", 0)
    port = await server.start()
    try:
        commands.run_line(Caller("discord", "42"), "/events all")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 503  # not ready yet
                assert (await resp.json())["status"] == "starting"
            health.ready()
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"].startswith("application/json")
                body = await resp.json()
                assert body["status"] == "ok" and set(body["checks"]) == {"store", "scheduler"}
            health.reminders.running = False
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 503
                assert (await resp.json())["checks"]["scheduler"] == {"ok": False, "detail": "not running"}
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                text = await resp.text()
    finally:
        await server.close()
    got = samples(text)
    assert got[("claimbot_commands_total", (("command", "events"), ("outcome", "answer")))] == 1
    assert ("claimbot_answer_seconds_bucket", (("command", "events"), ("le", "0.005"))) in got
    assert got[("claimbot_articles_ingested_total", ())] == 0
    assert any(name == "process_resident_memory_bytes" for name, _ in got)
    assert "claimbot_commands_created" not in text  # no *_created noise


# -- the stop sequence ----------------------------------------------------------------------------


class ClosingStore(MemoryStore):
    closed = 0

    def close(self) -> None:
        self.closed += 1


async def test_runtime_stops_the_scheduler_then_closes_the_store_and_the_server(commands, monkeypatch):
    from types import SimpleNamespace

    store = ClosingStore()
    commands.service.store = store
    scheduler = FakeScheduler(True)
    commands.reminders = scheduler
    settings = SimpleNamespace(ops_port=0, ops_host="127.0.0.1")
    runtime = OpsRuntime(settings, commands, Metrics(process=False))
    port = await runtime.start()
    runtime.adapter("discord", FakeDiscord(ready=True))
    runtime.ready()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200
        await runtime.stopping()
        assert scheduler.stopped == 1
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 503 and (await resp.json())["status"] == "stopping"
    await runtime.shutdown()
    assert store.closed == 1 and runtime.server is None
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as http:
            await http.get(f"http://127.0.0.1:{port}/healthz")
    # the command observer was attached once
    assert commands.observers.count(runtime.metrics.observe_command) == 1


async def test_stop_reminders_uses_whatever_stop_method_there_is():
    calls = []

    class AsyncShutdown:
        async def shutdown(self):
            calls.append("shutdown")

    await stop_reminders(AsyncShutdown())
    await stop_reminders(None)
    assert calls == ["shutdown"]


async def test_runtime_without_a_port_serves_nothing(commands):
    from types import SimpleNamespace

    runtime = OpsRuntime(SimpleNamespace(ops_port=None, ops_host="127.0.0.1"), commands, Metrics(process=False))
    assert await runtime.start() is None
    await runtime.shutdown()


# -- logs -------------------------------------------------------------------------------------------


def test_json_logs_are_one_object_a_line_with_extras_and_secrets_redacted():
    stream = io.StringIO()
    secret = "xoxb-1234-5678-abcdefghijkl"
    handler = configure_logging("json", "INFO", secrets=[secret], stream=stream)
    try:
        log = logging.getLogger("claimbot.test")
        log.info("token is %s", secret, extra={"channel": "C1"})
        log.debug("not at INFO")
        try:
            raise ValueError(f"bad {secret}")
        except ValueError:
            log.exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["level"] for r in lines] == ["INFO", "ERROR"]
    first = lines[0]
    assert first["logger"] == "claimbot.test" and first["channel"] == "C1"
    assert first["message"] == "token is [redacted]"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["ts"])
    assert "ValueError: bad [redacted]" in lines[1]["exc"]
    assert secret not in stream.getvalue()


def test_configure_logging_replaces_its_own_handler_only():
    root = logging.getLogger()
    before = [h for h in root.handlers if not getattr(h, "_claimbot", False)]
    h1 = configure_logging("text", "INFO", stream=io.StringIO())
    h2 = configure_logging("json", "INFO", stream=io.StringIO())
    try:
        ours = [h for h in root.handlers if getattr(h, "_claimbot", False)]
        assert ours == [h2] and h1 not in root.handlers
        assert isinstance(h2.formatter, JsonFormatter)
        assert [h for h in root.handlers if not getattr(h, "_claimbot", False)] == before
    finally:
        root.removeHandler(h2)


def test_probe_exit_status(monkeypatch):
    from bot.ops import probe

    monkeypatch.delenv("CLAIMBOT_OPS_PORT", raising=False)
    assert probe.main([]) == 1  # no port: nothing to probe

    async def serve_and_probe(ok: bool) -> int:
        health = Health(store=MemoryStore())
        if ok:
            health.ready()
        server = OpsServer(health, Metrics(process=False), "127.0.0.1", 0)
        port = await server.start()
        try:
            return await asyncio.to_thread(probe.main, [f"http://127.0.0.1:{port}/healthz"])
        finally:
            await server.close()

    assert asyncio.run(serve_and_probe(True)) == 0
    assert asyncio.run(serve_and_probe(False)) == 1


# -- settings ---------------------------------------------------------------------------------------


def test_settings_hide_the_database_password_and_redact_it():
    from bot.config import Settings, mask_url

    url = "postgresql://claimbot:pw-Secret-99@db:5432/claimbot"
    s = Settings.from_env({"CLAIMBOT_DB": url, "CLAIMBOT_TZ": "Europe/Paris", "CLAIMBOT_OPS_PORT": "9100",
                           "CLAIMBOT_LOG_FORMAT": "JSON", "CLAIMBOT_ADAPTERS": "auto"})
    assert s.db == url and s.db_shown == "postgresql://claimbot:***@db:5432/claimbot"
    assert "pw-Secret-99" not in repr(s) and "pw-Secret-99" in s.secrets()
    assert s.zone.key == "Europe/Paris" and s.ops_port == 9100 and s.log_format == "json"
    assert s.adapters is None
    assert mask_url("data/claimbot.json") == "data/claimbot.json"
    assert mask_url("postgresql://postgres@127.0.0.1/test") == "postgresql://postgres@127.0.0.1/test"


@pytest.mark.parametrize("url, shown", [
    ("postgresql://u:pw-Secret-99@db/claimbot", "postgresql://u:***@db/claimbot"),
    ("postgresql://u@db/claimbot?password=pw-Secret-99", "postgresql://u@db/claimbot?password=***"),
    ("postgresql://u@db/claimbot?sslmode=require&PASSWORD=pw-Secret-99#x",
     "postgresql://u@db/claimbot?sslmode=require&PASSWORD=***#x"),
    ("postgresql://u@db/claimbot?sslpassword=pw-Secret-99&options=-csearch_path%3Dx",
     "postgresql://u@db/claimbot?sslpassword=***&options=-csearch_path%3Dx"),
    ("postgresql://u:pw/Secret?99@db/claimbot", "postgresql://u:***@db/claimbot"),  # unencoded / and ?
    ("postgresql://u:p%40w-Secret-99@db/claimbot?token=pw-Secret-99", "postgresql://u:***@db/claimbot?token=***"),
    ("postgresql://u@db/claimbot?application_name=claimbot", "postgresql://u@db/claimbot?application_name=claimbot"),
    ("data/claimbot.json", "data/claimbot.json"),
])
def test_every_secret_of_a_url_is_masked_and_known_to_the_log_redaction(url, shown):
    from urllib.parse import unquote

    from bot.config import Settings, mask_url

    assert mask_url(url) == shown
    settings = Settings.from_env({"CLAIMBOT_DB": url})
    assert settings.db_shown == shown
    stream = io.StringIO()
    handler = configure_logging("text", "INFO", secrets=settings.secrets(), stream=stream)
    try:
        logging.getLogger("claimbot.test").warning("cannot connect to %s (%s)", url, unquote(url))
    finally:
        logging.getLogger().removeHandler(handler)
    assert "Secret-99" not in stream.getvalue()
    if "Secret" not in url:
        assert settings.secrets() == []


def test_settings_adapters_select_among_the_configured_platforms():
    from bot.config import Settings

    both = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-2-abc", "DISCORD_TOKEN": "d-token-1"}
    s = Settings.from_env({**both, "CLAIMBOT_ADAPTERS": "discord"})
    assert s.discord_enabled and not s.slack_enabled
    s = Settings.from_env({**both, "CLAIMBOT_ADAPTERS": "slack, discord"})
    assert s.discord_enabled and s.slack_enabled


def test_config_errors_list_each_problem():
    from bot.config import ConfigError, Settings

    with pytest.raises(ConfigError) as e:
        Settings.from_env({"CLAIMBOT_TZ": "Atlantis/Capital", "CLAIMBOT_ADAPTERS": "irc"})
    assert len(e.value.problems) == 2
    assert "'irc'" in e.value.problems[0] and "'Atlantis/Capital'" in e.value.problems[1]
    assert e.value.message.startswith("configuration: ")
