"""Log lines as text (the default) or as one JSON object a line (``CLAIMBOT_LOG_FORMAT=json``).

JSON lines are what journald, Docker's log drivers, Loki or Elasticsearch read without a
parser: ``{"ts": "2025-06-01T09:00:00.123Z", "level": "INFO", "logger": "claimbot",
"message": "...", ...}``, with ``exc`` for a traceback and any ``extra={...}`` fields.
Secrets are redacted before formatting (``bot.safety.RedactingFilter`` on the handler), so
neither format can show a token.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable
from typing import TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# attributes every LogRecord has; anything else on a record came from ``extra=``
_STANDARD = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in data:
                data[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(fmt: str = "text", level: str | int = "INFO", secrets: Iterable[str] | None = None,
                      stream: TextIO | None = None) -> logging.Handler:
    """One handler on the root logger in the chosen format, with secrets redacted.

    Calling it again replaces the handler it added before (and leaves other handlers,
    such as a test's capture handler, alone).
    """
    from bot.safety import install_log_redaction, secret_values

    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_claimbot", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._claimbot = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.getLevelName(level) if isinstance(level, str) else level)
    install_log_redaction(secret_values(extra=secrets or ()))
    return handler
