"""The neutral answer every command returns, and the caller every command receives.

A ``Reply`` holds plain text only: no Slack mrkdwn, no Discord markdown, no mentions.
Renderers (bot/render/) escape every string and add their own formatting, so nothing a
user typed or an article said can ping anyone or break a post.  Paging is the
renderers' job too, because each platform has different limits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["answer", "error", "usage", "refusal", "apology"]


@dataclass(frozen=True)
class Moment:
    """A point in time a platform can show in each reader's own time zone.

    ``fallback`` is the same time as text in the team's zone: what the console prints and
    what a client shows when it cannot localise.  ``style`` "date" shows the day only.
    """

    at: int  # Unix seconds
    fallback: str
    style: Literal["date", "datetime"] = "date"


@dataclass(frozen=True)
class Field:
    name: str
    value: str  # plain text; with ``moments``, their team-zone text
    inline: bool = True
    moments: tuple[Moment, ...] = ()  # a time (two for a range) platforms may localise


@dataclass(frozen=True)
class Item:
    """One evidence item or list row: a claim with its quote, an event, an article."""

    title: str  # short heading: "Taro Yamada (said) · opposes"
    text: str = ""  # the body: a quote, an event's dates and place
    meta: str = ""  # where it comes from: "Title · Outlet · 2025-03-01"
    url: str = ""
    id: str = ""  # the record id: shown to admins (/claim edit, /event cancel); buttons carry it
    kind: str = ""  # claim | event: what the platforms offer on it ("Flag as wrong", "Sentence")


@dataclass(frozen=True)
class Button:
    label: str
    action: Literal["page", "share"]
    page: int = 0
    style: Literal["primary", "danger", ""] = ""


@dataclass(frozen=True)
class FormField:
    name: str  # the argument name the command takes
    label: str
    required: bool = True
    multiline: bool = False
    placeholder: str = ""
    max_length: int = 300
    choices: tuple[str, ...] = ()  # a fixed set (a select where the platform has one)
    suggest: str = ""  # actor | topic: a picker fed by Commands.suggest where the platform has one


@dataclass
class Form:
    """A request to ask the user for fields (a Slack modal, a Discord modal)."""

    command: str  # the command its submission runs, e.g. "claim add"
    title: str
    fields: list[FormField]
    values: dict[str, str] = field(default_factory=dict)  # already known (prefilled / hidden)
    submit_label: str = "Save"

    @property
    def missing(self) -> list[FormField]:
        """The required fields without a value (blank counts as none)."""
        return [f for f in self.fields if f.required and not str(self.values.get(f.name) or "").strip()]


@dataclass
class Reply:
    title: str
    text: str = ""
    kind: Kind = "answer"
    fields: list[Field] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    footer: str = ""
    ephemeral: bool = True
    form: Form | None = None
    # Which read-only command made this reply, so a platform can re-run it for another
    # page or to share it; None for admin commands, which must never run twice.
    command: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    page: int = 0  # which page of ``items`` to show (0-based)
    error_field: str = ""  # the form field an error is about, so a modal can point at it
    show_ids: bool = False  # record ids are shown only to admins, who need them for /claim edit ...

    @property
    def is_error(self) -> bool:
        return self.kind in ("error", "usage", "refusal", "apology")

    @property
    def shareable(self) -> bool:
        return self.command is not None and not self.is_error and self.form is None

    def plain(self) -> str:
        """All the text of the reply, for fallbacks and assertions."""
        parts: list[Any] = [self.title, self.text]
        parts += [f"{f.name}: {f.value}" for f in self.fields]
        for it in self.items:
            parts += [it.title, it.text, it.meta, it.url, it.id]
        parts.append(self.footer)
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass(frozen=True)
class Caller:
    """Who runs a command, as facts the platform reports; the command layer decides."""

    platform: str  # slack | discord | console
    user_id: str
    name: str = ""
    roles: frozenset[str] = frozenset()  # platform role ids (Discord)
    permissions: frozenset[str] = frozenset()  # platform permission names, e.g. "manage_guild"
    channel_id: str = ""
    attachments: tuple[Attachment, ...] = ()
    # the server (Discord guild id) or workspace (Slack team id) the command came from;
    # "" in a direct message and at the console
    space: str = ""

    @property
    def who(self) -> str:
        """The id written into audit records and matched against CLAIMBOT_ADMINS."""
        return f"{self.platform}:{self.user_id}"
