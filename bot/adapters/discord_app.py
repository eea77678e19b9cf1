"""Discord adapter: discord.py application commands, embeds, modals and page buttons.

Translation only: each slash command hands its options to ``Commands.invoke`` under the
names the command table uses, and each Reply is rendered by bot/render/discord.py.
Every answer is ephemeral; "Share in channel" posts a copy for everyone.  No message
may mention anyone: ``AllowedMentions.none()`` is the client default and is passed
again on every send.

With DISCORD_SHARD_COUNT set, ``create_bot`` returns a ``ShardedDiscordBot``: discord.py's
own ``AutoShardedClient`` running the shards in DISCORD_SHARD_IDS, so several processes
share one bot token, Discord sending each server's interactions to the one session whose
shard is ``(guild_id >> 22) % shard_count``.  Only the process running shard 0 syncs the
commands; reminders post over REST, which needs no gateway session for the channel's server.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.adapters import off_loop
from bot.commands import SCOPES, SPECS, STANCES, Commands
from bot.config import Settings
from bot.render import discord as render
from bot.reply import Attachment, Caller, Form, Reply

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
DEFER_AFTER = 2.0  # seconds of work before deferring; Discord wants a first answer within 3
MAX_ATTACHMENT = 2 * 1024 * 1024
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)


def caller_of(interaction: discord.Interaction, attachments: tuple[Attachment, ...] = ()) -> Caller:
    user = interaction.user
    roles = frozenset(str(r.id) for r in getattr(user, "roles", []) if not r.is_default())
    permissions = frozenset(name for name, granted in interaction.permissions if granted)
    return Caller("discord", str(user.id), getattr(user, "display_name", "") or user.name, roles=roles,
                  permissions=permissions, channel_id=str(interaction.channel_id or ""), attachments=attachments,
                  space=str(interaction.guild_id or ""))


def _embeds(reply: Reply, shared_by: str | None = None) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in render.embeds(reply, shared_by=shared_by)]


def _desc(name: str) -> str:
    return SPECS[name].summary[:100]


class PagerView(discord.ui.View):
    """Previous / Next / Share for one reply, and a menu per kind of row on the page shown
    ("Flag a claim as wrong", "Show where an event was reported"), kept in memory for 15
    minutes.  Share posts the reply kept here: exactly what the user saw, not a re-run."""

    def __init__(self, reply: Reply, bot: DiscordBot | None = None) -> None:
        super().__init__(timeout=15 * 60)
        self.reply = reply
        self.bot = bot
        self.menus: list[discord.ui.Select[PagerView]] = []
        self.pages = render.page_count(reply)
        self.prev = discord.ui.Button(label="\u2190 Previous", style=discord.ButtonStyle.secondary)
        self.next = discord.ui.Button(label="Next \u2192", style=discord.ButtonStyle.secondary)
        self.share = discord.ui.Button(label="Share in channel", style=discord.ButtonStyle.primary)
        self.prev.callback = self._prev  # type: ignore[method-assign]
        self.next.callback = self._next  # type: ignore[method-assign]
        self.share.callback = self._share  # type: ignore[method-assign]
        if self.pages > 1:
            self.add_item(self.prev)
            self.add_item(self.next)
        if reply.shareable:
            self.add_item(self.share)
        if bot is not None:
            for placeholder, command, _ in render.item_menus(reply):
                menu: discord.ui.Select[PagerView] = discord.ui.Select(placeholder=placeholder, min_values=1,
                                                                        max_values=1)
                menu.callback = self._menu_callback(menu, command)  # type: ignore[method-assign]
                self.menus.append(menu)
                self.add_item(menu)
        self._sync()

    @property
    def useful(self) -> bool:
        return bool(self.children)

    def _sync(self) -> None:
        self.prev.disabled = self.reply.page <= 0
        self.next.disabled = self.reply.page >= self.pages - 1
        menus = {command: rows for _, command, rows in render.item_menus(self.reply)}
        for menu, (_, command, _) in zip(self.menus, render.item_menus(self.reply), strict=False):
            menu.options = [discord.SelectOption(label=label, value=value) for label, value in menus[command]]

    def _menu_callback(self, menu: discord.ui.Select[PagerView], command: str) -> Any:
        async def chosen(interaction: discord.Interaction) -> None:
            assert self.bot is not None
            await self.bot.run(interaction, command, {"id": menu.values[0]})
        return chosen

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.reply.page = max(0, min(self.pages - 1, self.reply.page + step))
        self._sync()
        await interaction.response.edit_message(embeds=_embeds(self.reply), view=self, allowed_mentions=NO_MENTIONS)

    async def _prev(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, -1)

    async def _next(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, +1)

    async def _share(self, interaction: discord.Interaction) -> None:
        # the kept reply at the page shown: the same embed, without record ids, "Shared by" added
        await interaction.response.send_message(embeds=_embeds(self.reply, shared_by=interaction.user.display_name),
                                                ephemeral=False, allowed_mentions=NO_MENTIONS)


class FormModal(discord.ui.Modal):
    """A Form as a Discord modal: the fields the slash command's options did not fill."""

    def __init__(self, bot: DiscordBot, form: Form) -> None:
        super().__init__(title=render.modal_title(form), timeout=15 * 60)
        self.bot = bot
        self.form = form
        self.inputs: dict[str, discord.ui.TextInput[FormModal]] = {}
        for spec in render.modal_inputs(form):
            ti: discord.ui.TextInput[FormModal] = discord.ui.TextInput(
                label=spec.label, custom_id=spec.name, required=spec.required, max_length=spec.max_length,
                placeholder=spec.placeholder or None, default=spec.default or None,
                style=discord.TextStyle.paragraph if spec.multiline else discord.TextStyle.short)
            self.add_item(ti)
            self.inputs[spec.name] = ti

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        values = {**self.form.values, **{k: ti.value for k, ti in self.inputs.items()}}
        await self.bot.run(interaction, self.form.command, values)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await self.bot.on_command_error(interaction, error)


class DiscordBot(discord.Client):
    def __init__(self, commands: Commands, settings: Settings, **options: Any) -> None:
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=NO_MENTIONS, **options)
        self.commands = commands
        self.guild_id = settings.discord_guild_id
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_command_error  # type: ignore[method-assign]
        self.gateway_ready = asyncio.Event()  # set by on_ready, which discord.py calls once connected
        self.syncs_commands = settings.discord_syncs_commands
        _register(self)

    async def on_ready(self) -> None:
        await self.leave_unserved(self.guilds)
        self.gateway_ready.set()

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.leave_unserved([guild])

    async def leave_unserved(self, guilds: list[discord.Guild]) -> None:
        """Leave the servers this deployment does not serve (when DISCORD_GUILD_IDS names the
        ones it does): someone added the bot where it was not meant to be."""
        if not self.commands.admins.discord_guilds:
            return
        for guild in guilds:
            if not self.commands.admins.serves_space("discord", str(guild.id)):
                log.warning("Discord: leaving server %s, which DISCORD_GUILD_IDS does not name", guild.id)
                try:
                    await guild.leave()
                except discord.HTTPException as e:
                    log.warning("Discord: could not leave server %s: %s", guild.id, e)

    async def setup_hook(self) -> None:
        guild = discord.Object(self.guild_id) if self.guild_id else None
        if guild is not None:
            # a guild's commands update at once: the way to develop; global ones take a while
            self.tree.copy_global_to(guild=guild)
        if not self.syncs_commands:
            # Discord keeps one command list per application, so one process writes it
            log.info("Discord: commands are synced by the process running shard 0")
            return
        await self.tree.sync(guild=guild)
        if guild is not None:
            log.info("Discord: commands synced to guild %s", self.guild_id)
        else:
            log.info("Discord: commands synced globally")

    # ---- running a command
    async def run(self, interaction: discord.Interaction, name: str, args: dict[str, Any],
                  files: tuple[discord.Attachment, ...] = ()) -> None:
        spec = SPECS[name]
        if any(f.size > MAX_ATTACHMENT for f in files):
            await self.send(interaction, Reply("That file is too large", kind="error",
                                               text=f"Attach articles up to {MAX_ATTACHMENT // 1024 // 1024} MB."))
            return
        if spec.slow or files:
            await interaction.response.defer(ephemeral=True, thinking=True)
        attachments = tuple([Attachment(f.filename, await f.read()) for f in files])
        caller = caller_of(interaction, attachments)
        clean = {k: str(v) for k, v in args.items() if v is not None}
        work = asyncio.ensure_future(off_loop(self.commands.invoke, caller, name, clean, slow=spec.slow))
        if not interaction.response.is_done():
            done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
            if not done:
                await interaction.response.defer(ephemeral=True, thinking=True)
        await self.send(interaction, await work)

    async def send(self, interaction: discord.Interaction, reply: Reply) -> None:
        if reply.form is not None:
            if interaction.type == discord.InteractionType.modal_submit:
                # a form sent back blank (spaces pass Discord's "required"): Discord opens no
                # form in answer to a form, so say what is missing
                labels = ", ".join(f.label for f in reply.form.missing) or "the required fields"
                reply = Reply("The form is incomplete", kind="error",
                              text=f"Fill in {labels}, then run the command again.")
            elif not interaction.response.is_done():
                await interaction.response.send_modal(FormModal(self, reply.form))
                return
            else:
                reply = Reply("The form could not open", kind="error", text="Discord needs a form at once; run "
                              "the command again.")
        view = PagerView(reply, self)
        kwargs: dict[str, Any] = {"embeds": _embeds(reply), "ephemeral": reply.ephemeral,
                                  "allowed_mentions": NO_MENTIONS}
        if view.useful:
            kwargs["view"] = view
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)

    async def on_command_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.error("Discord interaction failed", exc_info=error)
        reply = Reply("Something went wrong", kind="apology",
                      text="Sorry, something went wrong on my side. It has been logged.")
        try:
            await self.send(interaction, reply)
        except discord.HTTPException:
            pass

    async def suggest(self, interaction: discord.Interaction, kind: str, current: str) -> list[app_commands.Choice[str]]:
        rows = await off_loop(self.commands.suggest, kind, current, 25, caller_of(interaction))
        return [app_commands.Choice(name=n, value=v) for n, v in render.choices(rows)]


class ShardedDiscordBot(DiscordBot, discord.AutoShardedClient):
    """The same bot on discord.py's AutoShardedClient: the shards in DISCORD_SHARD_IDS of
    DISCORD_SHARD_COUNT, each its own gateway session, in this one process."""

    def __init__(self, commands: Commands, settings: Settings, **options: Any) -> None:
        if settings.discord_shard_count is None:
            raise ValueError("ShardedDiscordBot needs settings with DISCORD_SHARD_COUNT")
        super().__init__(commands, settings, shard_count=settings.discord_shard_count,
                         shard_ids=list(settings.discord_shard_ids), **options)

    async def on_ready(self) -> None:  # discord.py calls it once every shard of this process is ready
        log.info("Discord: shards %s of %s connected", ",".join(map(str, self.shard_ids or ())), self.shard_count)
        await super().on_ready()


def create_bot(commands: Commands, settings: Settings, **options: Any) -> DiscordBot:
    """The Discord client the settings ask for: sharded with DISCORD_SHARD_COUNT, else one session."""
    if settings.discord_sharded:
        return ShardedDiscordBot(commands, settings, **options)
    return DiscordBot(commands, settings, **options)


def _register(bot: DiscordBot) -> None:
    """The slash commands: one thin function per entry of the command table."""
    tree = bot.tree

    async def actors(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await bot.suggest(interaction, "actor", current)

    async def topics(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await bot.suggest(interaction, "topic", current)

    async def kinds(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await bot.suggest(interaction, "kind", current)

    stance_choices = [app_commands.Choice(name=s, value=s) for s in STANCES]
    scope_choices = [app_commands.Choice(name=s, value=s) for s in SCOPES]

    @tree.command(name="stance", description=_desc("stance"))
    @app_commands.describe(actor="a country, capital or bloc", topic="what the position is about")
    @app_commands.autocomplete(actor=actors, topic=topics)
    async def stance(interaction: discord.Interaction, actor: str, topic: str) -> None:
        await bot.run(interaction, "stance", {"actor": actor, "topic": topic})

    @tree.command(name="claims", description=_desc("claims"))
    @app_commands.describe(actor="only this actor", topic="only this topic", text="words the claim contains")
    @app_commands.autocomplete(actor=actors, topic=topics)
    async def claims(interaction: discord.Interaction, actor: str | None = None, topic: str | None = None,
                     text: str | None = None) -> None:
        await bot.run(interaction, "claims", {"actor": actor, "topic": topic, "text": text})

    @tree.command(name="events", description=_desc("events"))
    @app_commands.describe(scope="upcoming (default), past or all", actor="only with this participant",
                           kind="the kind")
    @app_commands.choices(scope=scope_choices)
    @app_commands.autocomplete(actor=actors, kind=kinds)
    async def events(interaction: discord.Interaction, scope: str | None = None, actor: str | None = None,
                     kind: str | None = None) -> None:
        await bot.run(interaction, "events", {"scope": scope, "actor": actor, "kind": kind})

    @tree.command(name="sources", description=_desc("sources"))
    async def sources(interaction: discord.Interaction) -> None:
        await bot.run(interaction, "sources", {})

    @tree.command(name="actors", description=_desc("actors"))
    @app_commands.describe(query="a country (japan) or words of a name")
    async def actors_(interaction: discord.Interaction, query: str | None = None) -> None:
        await bot.run(interaction, "actors", {"query": query})

    @tree.command(name="help", description=_desc("help"))
    @app_commands.describe(command="a command name, or actors, topics, kinds")
    async def help_(interaction: discord.Interaction, command: str | None = None) -> None:
        await bot.run(interaction, "help", {"command": command})

    @tree.command(name="evidence", description=_desc("evidence"))
    @app_commands.describe(id="a claim or event id")
    async def evidence(interaction: discord.Interaction, id: str) -> None:
        await bot.run(interaction, "evidence", {"id": id})

    @tree.command(name="flag", description=_desc("flag"))
    @app_commands.describe(id="the claim id", reason="what is wrong")
    async def flag(interaction: discord.Interaction, id: str, reason: str | None = None) -> None:
        await bot.run(interaction, "flag", {"id": id, "reason": reason})

    @tree.command(name="review", description=_desc("review")[:100])
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.describe(dismiss="a claim id whose flags to dismiss (it is right as it is)",
                           reason="why the flags are dismissed")
    async def review(interaction: discord.Interaction, dismiss: str | None = None, reason: str | None = None) -> None:
        args = {"action": "dismiss", "id": dismiss, "reason": reason} if dismiss else {}
        await bot.run(interaction, "review", args)

    @tree.command(name="remind", description=_desc("remind"))
    async def remind(interaction: discord.Interaction, text: str = "") -> None:
        await bot.run(interaction, "remind", {"text": text})

    claim = app_commands.Group(name="claim", description="Add, correct or retract claims (admins)",
                               default_permissions=ADMIN_PERMISSIONS, guild_only=True)

    @claim.command(name="add", description=_desc("claim add"))
    @app_commands.describe(actor="who holds the position", topic="what it is about", stance="their stance",
                           statement="the statement (leave empty to type it in a form)")
    @app_commands.choices(stance=stance_choices)
    @app_commands.autocomplete(actor=actors, topic=topics)
    async def claim_add(interaction: discord.Interaction, actor: str, topic: str, stance: str,
                        statement: str | None = None, speaker: str | None = None, source_title: str | None = None,
                        source_url: str | None = None, date: str | None = None) -> None:
        await bot.run(interaction, "claim add", {"actor": actor, "topic": topic, "stance": stance,
                                                 "statement": statement, "speaker": speaker,
                                                 "source_title": source_title, "source_url": source_url,
                                                 "date": date})

    @claim.command(name="edit", description=_desc("claim edit")[:100])
    @app_commands.describe(id="the claim id", changes="field=value pairs, e.g. stance=oppose")
    async def claim_edit(interaction: discord.Interaction, id: str, changes: str) -> None:
        await bot.run(interaction, "claim edit", {"id": id, "changes": changes})

    @claim.command(name="retract", description=_desc("claim retract"))
    async def claim_retract(interaction: discord.Interaction, id: str, reason: str) -> None:
        await bot.run(interaction, "claim retract", {"id": id, "reason": reason})

    event = app_commands.Group(name="event", description="Add, correct, cancel or merge events (admins)",
                               default_permissions=ADMIN_PERMISSIONS, guild_only=True)

    @event.command(name="add", description=_desc("event add"))
    @app_commands.describe(start="2025-06-15, 2025-06, mid-2025-06, 2025-W24 or 2025",
                           participants="comma-separated actors")
    @app_commands.autocomplete(kind=kinds)
    async def event_add(interaction: discord.Interaction, title: str, start: str, end: str | None = None,
                        kind: str | None = None, place: str | None = None, participants: str | None = None) -> None:
        await bot.run(interaction, "event add", {"title": title, "start": start, "end": end, "kind": kind,
                                                 "place": place, "participants": participants})

    @event.command(name="edit", description=_desc("event edit")[:100])
    @app_commands.describe(changes="field=value pairs, e.g. start=2025-07-01")
    async def event_edit(interaction: discord.Interaction, id: str, changes: str) -> None:
        await bot.run(interaction, "event edit", {"id": id, "changes": changes})

    @event.command(name="cancel", description=_desc("event cancel"))
    async def event_cancel(interaction: discord.Interaction, id: str, reason: str | None = None) -> None:
        await bot.run(interaction, "event cancel", {"id": id, "reason": reason})

    @event.command(name="merge", description=_desc("event merge"))
    @app_commands.describe(keep="the id of the event to keep", other="the id of the duplicate")
    async def event_merge(interaction: discord.Interaction, keep: str, other: str) -> None:
        await bot.run(interaction, "event merge", {"keep": keep, "other": other})

    @tree.command(name="ingest", description=_desc("ingest"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.describe(published="publication date, YYYY-MM-DD", text="the article text",
                           file="the article as a .txt, .md or .html file")
    async def ingest(interaction: discord.Interaction, published: str, text: str | None = None,
                     file: discord.Attachment | None = None, title: str | None = None,
                     url: str | None = None) -> None:
        await bot.run(interaction, "ingest", {"published": published, "text": text, "title": title, "url": url},
                      files=(file,) if file else ())

    person = app_commands.Group(name="person", description="Correct the country a person speaks for (admins)",
                                default_permissions=ADMIN_PERMISSIONS, guild_only=True)

    @person.command(name="set", description=_desc("person set"))
    @app_commands.describe(name="the person's name", country="a country, capital or bloc, or none")
    @app_commands.autocomplete(country=actors)
    async def person_set(interaction: discord.Interaction, name: str, country: str) -> None:
        await bot.run(interaction, "person set", {"name": name, "country": country})

    tree.add_command(claim)
    tree.add_command(event)
    tree.add_command(person)


class DiscordPoster:
    """Posts a Reply into a channel as an embed (reminders): translation only, no mentions."""

    def __init__(self, bot: DiscordBot) -> None:
        self.bot = bot

    def ready(self) -> bool:
        return self.bot.gateway_ready.is_set() and self.bot.is_ready()

    async def wait_ready(self) -> None:
        await self.bot.gateway_ready.wait()  # wait_until_ready() raises before login

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        from bot.reminders import PostError, post_nonce

        target = self.bot.get_partial_messageable(int(channel))
        try:  # discord.py sends enforce_nonce: the same key again within minutes gives back the first message
            message = await target.send(embeds=_embeds(reply), allowed_mentions=NO_MENTIONS,
                                        nonce=post_nonce(key) if key else None)
        except (discord.Forbidden, discord.NotFound) as e:
            raise PostError(f"Discord refused the post: {e.status} {e.text}", permanent=True) from e
        except discord.HTTPException as e:
            raise PostError(f"Discord refused the post: {e.status} {e.text}", permanent=400 <= e.status < 500
                            and e.status != 429) from e
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            raise PostError(f"Discord could not be reached: {e!r}") from e
        return str(message.id)
