"""Running claimbot for months: metrics, health, logs and a clean stop.

- ``metrics``: the Prometheus metrics (commands served by name, answer latency, reminders
  sent/late/skipped, articles/claims/events ingested) and ``MeteredStore``, the store
  wrapper that counts what ingest stores and what the reminders ledger records;
- ``server``: ``Health`` (store readable, scheduler running, adapters connected) and
  ``OpsServer``, the aiohttp server of ``/healthz`` and ``/metrics``;
- ``runtime``: ``OpsRuntime``, what ``claimbot run`` starts beside the adapters and the
  order it stops things in on SIGTERM;
- ``logs``: text or JSON log lines (``CLAIMBOT_LOG_FORMAT``), secrets redacted;
- ``signals``: SIGTERM for one-shot commands (``claimbot ingest``): stop between two
  store writes, never in the middle of one;
- ``probe``: ``python -m bot.ops.probe``, the container's HEALTHCHECK.

Nothing here is imported by the query path: ``claimbot stance`` never loads it.
"""
