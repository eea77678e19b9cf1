"""What a user's home page shows (Slack's App Home): the reminder subscriptions of their
channels, the next events, and the most-asked questions as one-click answers.

Platform-neutral: the Slack adapter asks for it and bot/render/slack.py lays it out.
"Most asked" is counted by an observer of the command table, in this process (it starts
empty; until then the actors and topics with the most claims stand in).
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.answers import event_item
from bot.commands import quote
from bot.reply import Item, Reply

NEXT_EVENTS = 5
MOST_ASKED = 5


@dataclass
class Home:
    subscriptions: list[Item] = field(default_factory=list)
    events: list[Item] = field(default_factory=list)
    asked: list[tuple[str, str]] = field(default_factory=list)  # (button label, command line to run)
    reminders_known: bool = True  # False when the platform would not say which channels are the user's


class Asked:
    """A Commands observer counting the /stance questions answered: (actor, topic) -> times."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, name: str, reply: Reply, seconds: float) -> None:
        if name != "stance" or reply.is_error or reply.command != "stance":
            return
        actor, topic = reply.args.get("actor", ""), reply.args.get("topic", "")
        if actor and topic:
            with self._lock:
                self.counts[(actor.lower(), " ".join(topic.lower().split()))] += 1

    def top(self, n: int) -> list[tuple[str, str]]:
        with self._lock:
            return [k for k, _ in self.counts.most_common(n)]


def home(commands: Any, platform: str, channels: Iterable[str], asked: Asked | None = None) -> Home:
    """The home page of a user whose channels (on ``platform``) are ``channels``."""
    svc = commands.service
    mine = set(channels)
    out = Home()
    for sub in svc.store.subscriptions():
        if sub.get("platform") != platform or sub.get("channel") not in mine:
            continue
        kinds = ", ".join(sub.get("kinds") or []) or "all kinds"
        actors = ", ".join(svc.gaz.label(a) for a in sub.get("actors") or []) or "all actors"
        leads = ", ".join(sub.get("leads") or []) or "digest only"
        digest = f" \u00b7 {sub['digest']} digest" if sub.get("digest") else ""
        out.subscriptions.append(Item(title=str(sub.get("label") or sub["channel"]),
                                      text=f"{leads} before \u00b7 {kinds} \u00b7 {actors}{digest}"))
    for e in svc.events(scope="upcoming")[:NEXT_EVENTS]:
        out.events.append(event_item(e, commands.actor_label, svc.store.get_article))
    for actor, topic in (asked.top(MOST_ASKED) if asked else []):
        out.asked.append((f"{commands.actor_label(actor)} \u00b7 {topic}",
                          f"/stance actor={quote(actor)} topic={quote(topic)}"))
    if len(out.asked) < MOST_ASKED:  # nothing asked yet here: what the store knows most about
        for a in svc.actors()[:MOST_ASKED - len(out.asked)]:
            out.asked.append((f"{a['name']} ({a['claims']} claims)", f"/claims actor={quote(a['id'])}"))
        topics = sorted((t for t in svc.topic_list() if t["claims"]), key=lambda t: (-t["claims"], t["label"]))
        for t in topics[:3]:
            out.asked.append((f"{t['label']} ({t['claims']} claims)", f"/claims topic={quote(t['id'])}"))
    return out
