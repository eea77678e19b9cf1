"""``/remind``: subscribe a channel, unsubscribe it, list subscriptions, set a digest.

    /remind subscribe [channel] [lead 7d,1d,2h] [kinds summit,election] [actors japan,china]
    /remind unsubscribe [channel]
    /remind list
    /remind digest daily|weekly|off [channel]

One subscription per channel: subscribing again changes it.  The channel is the one the
command was typed in; naming another (its link, <#C123|news> in Slack, <#123> in Discord)
is for admins.  In the console the only channel is ``console``.  A subscription records the
workspace or server it was made in (``space``), and ``/remind list`` shows only this
channel's, or an admin every channel of this workspace or server: another team's private
channels are nobody else's business.  Runs on the command
worker like every command; the scheduler re-plans when told.
"""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from bot.commands import EVENT_KINDS, Token, UsageError, tokenize
from bot.errors import CommandError, PermissionDenied
from bot.reminders.plan import DEFAULT_LEADS, DIGESTS, Lead, parse_leads, subscription_id
from bot.reply import Caller, Field, Item, Reply

if TYPE_CHECKING:
    from bot.reminders.runner import Reminders

USAGE = ("/remind subscribe [channel] [lead 7d,1d,2h] [kinds summit,election] [actors japan,china]\n"
         "/remind unsubscribe [channel]\n/remind list\n/remind digest daily|weekly|off [channel]")
VERBS = {"subscribe": "subscribe", "sub": "subscribe", "on": "subscribe", "start": "subscribe",
         "unsubscribe": "unsubscribe", "unsub": "unsubscribe", "stop": "unsubscribe", "off": "unsubscribe",
         "list": "list", "ls": "list", "show": "list", "status": "list", "digest": "digest", "help": "help"}
OPTIONS = {"lead": "leads", "leads": "leads", "kind": "kinds", "kinds": "kinds", "actor": "actors",
           "actors": "actors", "channel": "channel"}
CONSOLE = "console"

_SLACK_LINK = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SLACK_ID = re.compile(r"[CG][A-Z0-9]{5,}")
_DISCORD_LINK = re.compile(r"<#(\d{15,21})>")
_DISCORD_ID = re.compile(r"\d{15,21}")


def handle(rem: Reminders, caller: Caller, args: dict[str, str]) -> Reply:
    text = str(args.get("text") or "").strip()
    tokens = tokenize(text)
    verb = VERBS.get(tokens[0].text.lower()) if tokens and tokens[0].key is None else None
    if tokens and verb is None:
        raise UsageError(f"/remind has no {tokens[0].text!r}; use subscribe, unsubscribe, list or digest")
    rest = tokens[1:]
    if verb in (None, "help"):
        return _help(rem, caller)
    if verb == "subscribe":
        return _subscribe(rem, caller, rest)
    if verb == "unsubscribe":
        return _unsubscribe(rem, caller, rest)
    if verb == "digest":
        return _digest(rem, caller, rest)
    if rest:
        raise UsageError("/remind list takes no arguments")
    return _list(rem, caller)


# -- parsing ----------------------------------------------------------------------------------------

def _options(tokens: list[Token]) -> tuple[str | None, dict[str, list[str]]]:
    """(channel token, {leads|kinds|actors: words}) of ``[channel] [lead ...] [kinds ...] [actors ...]``."""
    channel: str | None = None
    opts: dict[str, list[str]] = {}
    current: str | None = None
    for t in tokens:
        name = OPTIONS.get((t.key or t.text).lower().rstrip(":"))
        if t.key is not None:
            if name is None:
                raise UsageError(f"/remind subscribe has no option {t.key!r}; use lead, kinds or actors")
            current = name
            if name in opts:
                raise UsageError(f"{name} is given twice")
            opts[name] = [t.text] if t.text else []
            continue
        if name is not None and not t.quoted:
            if name in opts:
                raise UsageError(f"{name} is given twice")
            current = name
            opts[name] = []
            continue
        if current is None:
            if channel is not None:
                raise UsageError(f"I don't know what {t.text!r} is for; options are lead, kinds and actors")
            channel = t.text
            continue
        opts[current].append(t.text)
    if "channel" in opts:
        if channel is not None or len(opts["channel"]) != 1:
            raise UsageError("name one channel")
        channel = opts.pop("channel")[0]
    for name, words in opts.items():
        if not words:
            raise UsageError(f"{ {'leads': 'lead'}.get(name, name)} needs values, e.g. lead 7d,1d · "
                             "kinds summit,election · actors japan,china")
    return channel, opts


def _channel(rem: Reminders, caller: Caller, token: str | None) -> tuple[str, str]:
    """(channel id, how to show it) for the caller's platform; another channel needs an admin."""
    if caller.platform == "console":
        if token is not None and token.lstrip("#").lower() != CONSOLE:
            raise CommandError("In the console the only channel is `console`.")
        return CONSOLE, CONSOLE
    if token is None:
        if not caller.channel_id:
            raise CommandError("I can't tell which channel this is: run the command in the channel, or name it.")
        return caller.channel_id, _shown(rem, caller.platform, caller.channel_id)
    if caller.platform == "slack":
        m = _SLACK_LINK.fullmatch(token)
        cid, name = (m.group(1), m.group(2)) if m else (token, None) if _SLACK_ID.fullmatch(token) else (None, None)
    elif caller.platform == "discord":
        m = _DISCORD_LINK.fullmatch(token)
        cid, name = (m.group(1), None) if m else (token, None) if _DISCORD_ID.fullmatch(token) else (None, None)
    else:
        cid, name = None, None
    if cid is None:
        raise CommandError(f"{token!r} is not a channel I can post in: pick it from the list that opens when "
                           "you type #, or run the command in that channel.")
    if cid != caller.channel_id and not rem.admins.allows(caller):
        raise PermissionDenied("Only admins can set reminders for another channel; run the command in that "
                               "channel instead.")
    return cid, f"#{name}" if name else _shown(rem, caller.platform, cid)


def _shown(rem: Reminders, platform: str, cid: str) -> str:
    sub = rem.subscription(subscription_id(platform, cid))
    return str(sub.get("label")) if sub and sub.get("label") else f"#{cid}" if platform != "console" else cid


def _kinds(words: list[str]) -> list[str]:
    out = []
    for w in " ".join(words).replace(" ", ",").split(","):
        k = w.strip().lower()
        if not k:
            continue
        k = k if k in EVENT_KINDS else k.rstrip("s") if k.rstrip("s") in EVENT_KINDS else ""
        if not k:
            raise CommandError(f"{w.strip()!r} is not an event kind; kinds: {', '.join(EVENT_KINDS)}")
        if k not in out:
            out.append(k)
    return out


def _actors(rem: Reminders, words: list[str]) -> list[str]:
    out: list[str] = []
    for piece in " ".join(words).split(","):
        piece = piece.strip()
        if not piece:
            continue
        found = rem.resolve_actor(piece)
        names = [found] if found else [rem.resolve_actor(w) for w in piece.split()]
        if not all(names):
            raise CommandError(f"I don't know the actor {piece!r}. Try a country, capital or bloc (japan, Tokyo, eu).")
        out += [n for n in names if n and n not in out]
    return out


# -- the verbs ---------------------------------------------------------------------------------------

def _audit(rem: Reminders, who: str, action: str, sub_id: str, before: Any, after: Any) -> dict[str, Any]:
    now = rem.clock().isoformat()
    return {"id": f"audit-{now}-{os.urandom(4).hex()}", "at": now, "who": who, "action": action,
            "kind": "subscription", "target": sub_id, "before": before, "after": after}


def _subscribe(rem: Reminders, caller: Caller, tokens: list[Token]) -> Reply:
    token, opts = _options(tokens)
    cid, shown = _channel(rem, caller, token)
    leads = parse_leads(opts.get("leads") or DEFAULT_LEADS)
    if not leads:
        raise UsageError("give at least one lead, e.g. lead 7d,1d")
    sub_id = subscription_id(caller.platform, cid)
    before = rem.subscription(sub_id)
    now = rem.clock().isoformat()
    after = {"id": sub_id, "platform": caller.platform, "channel": cid, "label": shown,
             "leads": [lead.key for lead in leads], "kinds": _kinds(opts.get("kinds") or []),
             "actors": _actors(rem, opts.get("actors") or []),
             "digest": (before or {}).get("digest", ""), "digest_since": (before or {}).get("digest_since", ""),
             "space": caller.space or (before or {}).get("space", ""),
             "since": now, "created_by": (before or {}).get("created_by", caller.who),
             "created_at": (before or {}).get("created_at", now), "updated_by": caller.who, "updated_at": now}
    rem.store.put_subscription(after, _audit(rem, caller.who, "subscription.edit" if before else "subscription.add",
                                             sub_id, before, after))
    rem.changed()
    reply = Reply(f"Reminders {'changed' if before else 'on'} for {_where(caller, shown, cid)}",
                  fields=_settings(rem, after))
    reply.text = _next_text(rem, after) + _console_note(caller)
    reply.footer = "Stop them with /remind unsubscribe." + _slack_note(caller)
    return reply


def _unsubscribe(rem: Reminders, caller: Caller, tokens: list[Token]) -> Reply:
    token, opts = _options(tokens)
    if opts:
        raise UsageError("/remind unsubscribe takes only a channel")
    cid, shown = _channel(rem, caller, token)
    sub_id = subscription_id(caller.platform, cid)
    before = rem.subscription(sub_id)
    if before is None or not rem.store.delete_subscription(
            sub_id, _audit(rem, caller.who, "subscription.delete", sub_id, before, None)):
        return Reply(f"No reminders for {_where(caller, shown, cid)}", text="Nothing was changed.")
    rem.changed()
    return Reply(f"Reminders off for {_where(caller, shown, cid)}",
                 text="No more reminders or digests will be posted there.")


def _digest(rem: Reminders, caller: Caller, tokens: list[Token]) -> Reply:
    if not tokens or tokens[0].text.lower() not in (*DIGESTS, "off", "none", "stop"):
        raise UsageError("/remind digest daily, weekly or off")
    digest = tokens[0].text.lower()
    digest = digest if digest in DIGESTS else ""
    token, opts = _options(tokens[1:])
    if opts:
        raise UsageError("/remind digest takes only a channel after daily, weekly or off")
    cid, shown = _channel(rem, caller, token)
    sub_id = subscription_id(caller.platform, cid)
    before = rem.subscription(sub_id)
    now = rem.clock().isoformat()
    if before is None and not digest:
        return Reply(f"No digest for {_where(caller, shown, cid)}", text="Nothing was changed.")
    after = dict(before) if before else {
        "id": sub_id, "platform": caller.platform, "channel": cid, "label": shown, "leads": [], "kinds": [],
        "actors": [], "since": now, "created_by": caller.who, "created_at": now}
    after.update(digest=digest, digest_since=now, updated_by=caller.who, updated_at=now,
                 space=caller.space or after.get("space", ""))
    audit = _audit(rem, caller.who, "subscription.edit" if before else "subscription.add", sub_id, before, after)
    if not after.get("leads") and not digest:
        rem.store.delete_subscription(sub_id, dict(audit, action="subscription.delete", after=None))
        rem.changed()
        return Reply(f"Digest off for {_where(caller, shown, cid)}", text="That channel gets nothing from me now.")
    rem.store.put_subscription(after, audit)
    rem.changed()
    if not digest:
        return Reply(f"Digest off for {_where(caller, shown, cid)}", fields=_settings(rem, after))
    days = DIGESTS[digest]
    when = "every day" if digest == "daily" else "every Monday"
    return Reply(f"{digest.capitalize()} digest on for {_where(caller, shown, cid)}",
                 text=f"{when.capitalize()} at {rem.post_at:%H:%M} ({rem.tz}): the events of the next "
                      f"{days if days < 14 else days // 7} {'days' if days < 14 else 'weeks'}."
                      + _console_note(caller), fields=_settings(rem, after))


def _list(rem: Reminders, caller: Caller) -> Reply:
    """This channel's subscription; for an admin, those of every channel of this workspace or
    server (and older ones that did not record theirs); at the console, all of them."""
    here = CONSOLE if caller.platform == "console" else caller.channel_id
    subs = [s for s in rem.store.subscriptions() if s.get("platform") == caller.platform]
    everywhere = caller.platform == "console" or rem.admins.allows(caller)
    subs = [s for s in subs if s["channel"] == here
            or (everywhere and (caller.platform == "console" or s.get("space", "") in ("", caller.space)))]
    where = {"slack": "this workspace", "discord": "this server"}.get(caller.platform)
    reply = Reply(f"Reminder subscriptions{f' in {where}' if where else ''} ({len(subs)})" if everywhere
                  else f"Reminders for this channel ({len(subs)})")
    if not subs:
        reply.text = ("No channel gets reminders yet. /remind subscribe turns them on for this one." if everywhere
                      else "This channel gets no reminders. /remind subscribe turns them on.")
    for s in sorted(subs, key=lambda s: (s["channel"] != here, str(s.get("label") or s["channel"]))):
        settings = " \u00b7 ".join(f"{f.name}: {f.value}" for f in _settings(rem, s))
        reply.items.append(Item(title=str(s.get("label") or s["channel"]) + (" (this channel)" if s["channel"] == here
                                                                             else ""),
                                text=settings, meta=_next_text(rem, s)))
    reply.footer = USAGE.replace("\n", " \u00b7 ") + _slack_note(caller)
    if not everywhere:
        reply.footer = f"Admins see every channel of {where}. " + reply.footer
    return reply


def _help(rem: Reminders, caller: Caller) -> Reply:
    here = CONSOLE if caller.platform == "console" else caller.channel_id
    sub = rem.subscription(subscription_id(caller.platform, here)) if here else None
    reply = Reply("Reminders of upcoming events", text=USAGE, footer=(
        f"Defaults: {_leads_text(rem, DEFAULT_LEADS)}. Month- and week-dated events get one reminder when their "
        "month or week starts." + _slack_note(caller)))
    if sub:
        reply.fields = _settings(rem, sub)
    return reply


# -- wording -------------------------------------------------------------------------------------------

def _where(caller: Caller, shown: str, cid: str) -> str:
    if caller.platform == "console":
        return "the console"
    return "this channel" if cid == caller.channel_id else shown


def _leads_text(rem: Reminders, keys: Any) -> str:
    leads = [Lead.parse(k) for k in keys]
    if not leads:
        return "none (digest only)"
    parts = [lead.words() + " before" if lead.days != 0 else "on the day" for lead in leads]
    text = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
    if any(lead.days is not None for lead in leads):
        text += f", at {rem.post_at:%H:%M} {rem.tz}"
    return text


def _settings(rem: Reminders, sub: dict[str, Any]) -> list[Field]:
    return [Field("Reminders", _leads_text(rem, sub.get("leads") or []), inline=False),
            Field("Kinds", ", ".join(sub.get("kinds") or []) or "all"),
            Field("Actors", ", ".join(rem.label(a) for a in sub.get("actors") or []) or "all"),
            Field("Digest", sub.get("digest") or "off")]


def _next_text(rem: Reminders, sub: dict[str, Any]) -> str:
    nxt = rem.next_for(sub["id"])
    if nxt is None:
        return "Nothing is planned for the next weeks yet."
    when, what = nxt
    from bot.reminders.post import instant_text

    return f"Next: {what}, {instant_text(when, rem.tz)}."


def _console_note(caller: Caller) -> str:
    return "\nThey print in the terminal while `claimbot run` runs." if caller.platform == "console" else ""


def _slack_note(caller: Caller) -> str:
    return " In Slack, type /claimbot remind ..." if caller.platform == "slack" else ""

