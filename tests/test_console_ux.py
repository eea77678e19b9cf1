"""The console at a terminal (issue 18): prompt_toolkit's line editing and history, rich
colours, and long lists a page at a time; driven through prompt_toolkit's pipe input."""
from __future__ import annotations

import asyncio
import io

from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.adapters.shell import Console
from bot.commands import AdminPolicy, Commands
from bot.reply import Caller
from tests.fakes.chat import service_fixture  # noqa: F401 - fixture

UP, RIGHT, HOME = "\x1b[A", "\x1b[C", "\x1b[H"


async def run(service, *steps: str, colour: bool = False, history=None) -> tuple[str, int]:
    """Type each step at its own prompt (keys typed ahead of a prompt skip its history, as they
    would for a person typing that fast), then end the input; what was printed, and the errors."""
    console = Console(Commands(service, AdminPolicy()), Caller("console", "me"))
    out = io.StringIO()
    prompts: asyncio.Queue[None] = asyncio.Queue()
    with create_pipe_input() as inp:
        task = asyncio.create_task(console.interactive(
            out=out, pt_input=inp, pt_output=DummyOutput(), history=history or InMemoryHistory(), colour=colour,
            on_prompt=lambda: prompts.put_nowait(None)))
        for keys in steps:
            await asyncio.wait_for(prompts.get(), 10)
            for _ in range(5):  # the prompt loads its history in a task of its own: let it run first
                await asyncio.sleep(0)
            inp.send_text(keys)
        await asyncio.wait_for(prompts.get(), 10)
        inp.send_text("quit\r")
        errors = await asyncio.wait_for(task, 10)
    return out.getvalue(), errors


def many_claims(service, n: int = 25) -> None:
    for i in range(n):
        service.add_claim({"actor": "eu", "topic": "steel tariffs", "stance": "oppose",
                           "statement": f"Brussels remark {i} on steel safeguard quotas.",
                           "date": f"2025-02-{i + 1:02d}"}, who="test:setup")


async def test_long_lists_show_a_page_at_a_time(service):
    many_claims(service)
    out, errors = await run(service, "/claims eu\r", "\r", "more\r", "back\r")
    assert errors == 0
    pages = out.split("Claims by European Union (25)")[1:]
    assert len(pages) == 4  # first page, Enter, more, back
    assert " 1. " in pages[0] and "10. " in pages[0] and "11. " not in pages[0]
    assert "Page 1 of 3 \u00b7 25 items \u00b7 Enter or 'more' for the next page" in pages[0]
    assert "11. " in pages[1] and "Page 2 of 3" in pages[1]
    assert "21. " in pages[2] and "25. " in pages[2] and "Page 3 of 3" in pages[2] and "the last page" in pages[2]
    assert "Page 2 of 3" in pages[3]


async def test_arrow_keys_recall_and_edit_the_last_lines(service):
    out, _ = await run(service, "/events all\r", UP + "\r", "/event upcoming" + HOME + RIGHT * 6 + "s\r")
    assert out.count("Events (2)") == 2  # typed once, recalled once with the up arrow
    assert "Upcoming events (1)" in out  # "/event" made "/events" by moving the cursor back into the line
    assert "\x1b[" not in out  # no escape codes printed as text


async def test_history_is_kept_between_sessions(service, tmp_path, monkeypatch):
    path = tmp_path / "history"
    monkeypatch.setenv("CLAIMBOT_HISTORY", str(path))
    from prompt_toolkit.history import FileHistory

    await run(service, "/sources\r", history=FileHistory(str(path)))
    assert "/sources" in path.read_text()
    out, _ = await run(service, UP + UP + "\r", history=FileHistory(str(path)))  # past "quit" to "/sources"
    assert "Sources (0)" in out


async def test_answers_are_coloured_at_a_terminal(service):
    out, _ = await run(service, "/stance japan rare earths\r", colour=True)
    assert "\x1b[" in out  # rich's colours
    assert "opposes" in out
    plain, _ = await run(service, "/stance japan rare earths\r", colour=False)
    assert "\x1b[" not in plain and "Japan opposes rare earths" in plain


async def test_article_text_is_never_read_as_markup(service):
    service.add_claim({"actor": "japan", "topic": "fisheries", "stance": "oppose", "date": "2025-04-01",
                       "statement": "[bold red]not markup[/] and [link=https://x.example]no link[/link]"},
                      who="test:setup")
    out, _ = await run(service, "/claims japan fisheries\r", colour=False)
    assert "[bold red]not markup[/]" in out
