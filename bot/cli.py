"""The `claimbot` command: ingest, claims, stance, events, timex, run, ask, ...

Heavy modules (spaCy, chat SDKs) are imported inside the subcommands that need them, so
`claimbot stance` on an existing store starts fast.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.errors import CommandError
from store.base import StoreError, default_db


def _store(args: argparse.Namespace):  # noqa: ANN202 - returns a Store
    from store.base import open_store

    return open_store(args.db or default_db())


def _service(args: argparse.Namespace):  # noqa: ANN202
    from bot.service import Service

    return Service(_store(args))


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    from bot.service import _iso_date

    svc = _service(args)
    published = _iso_date(args.published, "--published") if args.published else None
    pending, failed = svc.read_paths(args.paths, published)
    for name, reason in failed:
        print(f"claimbot: skipped {name}: {reason}", file=sys.stderr)
    if not pending:
        print("claimbot: nothing to ingest", file=sys.stderr)
        return 1 if failed else 0
    if sys.stderr.isatty() and not args.quiet:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("Ingesting", total=len(pending))
            report = svc.ingest(pending, progress=lambda n: bar.advance(task, n))
    else:
        report = svc.ingest(pending)
    report.failed.extend(failed)
    summary = (f"ingested {len(report.added)} article(s): {report.claims} claims, {report.events} events; "
               f"{len(report.skipped)} already stored; {len(report.failed)} failed")
    if args.json:
        _print_json({"added": report.added, "skipped": report.skipped, "failed": report.failed,
                     "claims": report.claims, "events": report.events})
    else:
        print(summary)
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    svc = _service(args)
    topic = " ".join(args.topic) if args.topic else None
    found = svc.claims(actor=args.actor, topic=topic, text=args.text, include_retracted=args.all, kind=args.kind)
    if args.json:
        _print_json([{k: v for k, v in c.items() if k not in ("words", "rel", "vec")} for c in found])
        return 0
    from bot.render.text import claim_line

    for c in found:
        print(claim_line(c))
    print(f"{len(found)} claim(s)")
    return 0


def cmd_stance(args: argparse.Namespace) -> int:
    svc = _service(args)
    answer = svc.stance(args.actor, " ".join(args.topic), limit=args.limit)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    from bot.render.text import stance_text

    print(stance_text(answer.to_dict()))
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    svc = _service(args)
    scope = "all" if args.all else "upcoming"
    evs = svc.events(scope=scope, actor=args.actor, kind=args.kind, after=args.after)
    if args.json:
        _print_json(evs)
        return 0
    from bot.render.text import event_line

    for e in evs:
        print(event_line(e))
    print(f"{len(evs)} event(s)")
    return 0


def _print_rows(args: argparse.Namespace, rows: list[dict[str, Any]], name: str, width: int) -> int:
    """Print a list command's rows as JSON or as aligned text columns (id, name, claims)."""
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['id']:<{width}} {r[name]:<{width * 2}} {r['claims']:>5} claims")
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    if not args.people:
        return _print_rows(args, _service(args).actors(), "name", 16)
    people = _service(args).people(" ".join(args.people_query) or None)
    if args.json:
        _print_json(people)
        return 0
    from bot.render.text import person_label

    for p in people:
        print(f"{person_label(p['name'], p['role'], p['actor_label']):<60} {p['articles']:>4} article(s)  "
              f"{'admin' if p['source'] == 'admin' else p['evidence'] or '-'}")
    print(f"{len(people)} person(s)")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    return _print_rows(args, _service(args).topic_list(), "label", 22)


def cmd_timex(args: argparse.Namespace) -> int:
    from bot.extract.timex import timex_corpus

    _print_json(timex_corpus(Path(args.dir)))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimbot", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="store: a TinyDB file (default data/claimbot.json or $CLAIMBOT_DB)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--db", default=argparse.SUPPRESS, help="store (file path or URL)")
        sp.set_defaults(func=fn)
        return sp

    sp = add("ingest", cmd_ingest, "ingest article files, folders, or a folder with manifest.json")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--published", help="publication date (YYYY-MM-DD) for files without a manifest")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")

    sp = add("claims", cmd_claims, "list claims")
    sp.add_argument("--actor")
    sp.add_argument("--topic", nargs="+")
    sp.add_argument("--text", help="words the quote or sentence must contain")
    sp.add_argument("--all", action="store_true", help="include retracted claims")
    sp.add_argument("--kind", choices=("statement", "action", "all"), default="statement",
                    help="statements (the default), actions (sentences naming an actor: /stance evidence) or both")
    sp.add_argument("--json", action="store_true")

    sp = add("stance", cmd_stance, "an actor's stance on a topic, with cited evidence")
    sp.add_argument("actor")
    sp.add_argument("topic", nargs="+")
    sp.add_argument("--limit", type=int, default=10)
    sp.add_argument("--json", action="store_true")

    sp = add("events", cmd_events, "dated events (upcoming by default)")
    sp.add_argument("--all", action="store_true", help="past events too")
    sp.add_argument("--after", help="only events starting on or after DATE")
    sp.add_argument("--actor")
    sp.add_argument("--kind")
    sp.add_argument("--json", action="store_true")

    for name, fn, h in (("actors", cmd_actors, "actors with claims (--people: the people quoted)"),
                        ("topics", cmd_topics, "the topic list")):
        sp = add(name, fn, h)
        sp.add_argument("--json", action="store_true")
        if name == "actors":
            sp.add_argument("--people", action="store_true", help="the people quoted, with country and title")
            sp.add_argument("people_query", nargs="*", help="with --people: a country or words of a name")

    sp = add("timex", cmd_timex, "time expressions of a folder with manifest.json, as JSON")
    sp.add_argument("dir")
    sp.add_argument("--json", action="store_true", help="(the only output format)")

    for name, (fn, h, setup) in COMMANDS_EXTRA.items():
        sp = add(name, fn, h)
        setup(sp)
    return p


# Subcommands contributed by other modules (run, ask, remind, check ...): name -> (fn, help, setup)
COMMANDS_EXTRA: dict[str, tuple[Callable[[argparse.Namespace], int], str,
                                 Callable[[argparse.ArgumentParser], None]]] = {}


def _register_extras() -> None:
    import importlib

    for mod in ("bot.cli_run", "bot.cli_db", "bot.cli_ops", "bot.cli_remind"):
        try:
            importlib.import_module(mod)
        except ImportError as e:
            if e.name != mod:
                raise


def main(argv: list[str] | None = None) -> int:
    _register_extras()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    # SIGTERM unwinds like Ctrl-C (a store write is whole or not at all), exit status 143
    from bot.ops.signals import sigterm_stops

    try:
        with sigterm_stops():
            return args.func(args)
    except CommandError as e:
        print(f"claimbot: {e.message}", file=sys.stderr)
        return 2
    except StoreError as e:
        print(f"claimbot: store error: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`claimbot claims | head`): stop quietly, as other tools do;
        # stdout is pointed at /dev/null so the interpreter's final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    # run the imported module's main: extra subcommands register into bot.cli, not __main__
    from bot.cli import main as _main

    sys.exit(_main())
