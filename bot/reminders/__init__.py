"""Scheduled reminders: subscriptions, lead times, time zones, the delivery ledger.

- ``plan``: pure rules, from events + subscriptions + the team's zone to what is due when;
- ``post``: the posts as neutral Replies (rendered like any answer);
- ``subscriptions``: the ``/remind`` command;
- ``runner``: ``Reminders``, the APScheduler side and the ledger.

``bot.cli_run`` calls ``create(service, settings)`` and hands the result to ``Commands``
(``/remind``) and, under ``claimbot run``, attaches each platform's poster and starts it.
"""
from __future__ import annotations

from typing import Any

from bot.reminders.runner import Finder, Poster, PostError, Reminders, post_nonce

__all__ = ["Finder", "PostError", "Poster", "Reminders", "create", "post_nonce"]


def create(service: Any, settings: Any) -> Reminders:
    from zoneinfo import ZoneInfo

    zone = getattr(settings, "zone", None)
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(getattr(settings, "tz", None) or "UTC")
    admins = settings.admin_policy() if hasattr(settings, "admin_policy") else None
    return Reminders(service, tz, admins=admins)
