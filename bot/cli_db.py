"""`claimbot migrate`, `claimbot export FILE`, `claimbot import FILE`.

Imported by ``bot.cli._register_extras``; adds its subcommands to ``COMMANDS_EXTRA``.

The export format is JSON Lines, one record per line, every table (the audit log too),
each table's records in stored order::

    {"table": "claims", "record": {"id": "c1a2...", "actor": "japan", ...}}

Records are written exactly as the store holds them (key order included), so TinyDB ->
file -> PostgreSQL -> file -> TinyDB gives back the same records and the same file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from bot.cli import COMMANDS_EXTRA, _store
from bot.errors import CommandError
from store.base import TABLES, Record, default_db

# -- migrate --------------------------------------------------------------------------------------

def cmd_migrate(args: argparse.Namespace) -> int:
    url = args.db or default_db()
    from store.postgres.url import is_postgres_url, safe_url

    if not is_postgres_url(url):
        print(f"{url} is a TinyDB file: it has no schema to migrate (only PostgreSQL stores do)")
        return 0
    from store.postgres import schema

    if args.check:
        st = schema.inspect(url)
        if st.up_to_date:
            from store.base import StoreError
            from store.postgres import PostgresStore

            try:
                PostgresStore(url, auto_migrate=False).close()  # raises when the search columns are stale
            except StoreError as e:
                print(e)
                return 1
            print(f"{safe_url(url)} is up to date (schema revision {st.head})")
            return 0
        from store.postgres.store import schema_problem

        print(schema_problem(st, safe_url(url)))
        return 1
    done = schema.migrate(url)
    if not done.applied:
        print(f"{safe_url(url)} is up to date (schema revision {done.after})")
    else:
        applied = ", ".join(schema.describe(r) for r in done.applied)
        print(f"migrated {safe_url(url)} from {done.before or 'an empty database'} to {done.after}: {applied}")
    from store.postgres import PostgresStore

    with PostgresStore(url, auto_migrate=False, check_index=False) as store:
        changed = {table: n for table, n in store.reindex().items() if n}
    if changed:
        print("rebuilt the search columns of " + ", ".join(f"{n} {table}" for table, n in changed.items()))
    return 0


# -- export ----------------------------------------------------------------------------------------

def export_lines(tables: dict[str, list[Record]]) -> Iterator[str]:
    """The JSON Lines of a ``Store.dump()``: tables in ``TABLES`` order, records in stored order."""
    for table in TABLES:
        for record in tables.get(table, []):
            yield json.dumps({"table": table, "record": record}, ensure_ascii=False) + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        tables = store.dump()
    finally:
        store.close()
    if args.file == "-":
        for line in export_lines(tables):
            sys.stdout.write(line)
    else:
        _write_atomically(Path(args.file), export_lines(tables))
    print(f"exported {_summary(tables)}" + ("" if args.file == "-" else f" to {args.file}"), file=sys.stderr)
    return 0


def _write_atomically(path: Path, lines: Iterator[str]) -> None:
    """Write ``lines`` to a temporary file beside ``path``, then rename it over ``path``:
    an export that fails half-way leaves no half file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as e:
        raise CommandError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(lines)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise CommandError(f"cannot write {path}: {e.strerror or e}") from e
        raise


# -- import ----------------------------------------------------------------------------------------

def read_export(handle: IO[str], name: str) -> dict[str, list[Record]]:
    """The tables of an export file; ``CommandError`` naming the first bad line."""
    tables: dict[str, list[Record]] = {}
    for n, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise CommandError(f"{name} line {n}: not JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(item, dict) or set(item) != {"table", "record"}:
            raise CommandError(f'{name} line {n}: expected {{"table": ..., "record": {{...}}}}')
        table, record = item["table"], item["record"]
        if table not in TABLES:
            raise CommandError(f"{name} line {n}: unknown table {table!r}; the store has {', '.join(TABLES)}")
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
            raise CommandError(f"{name} line {n}: the record needs a non-empty string 'id'")
        tables.setdefault(table, []).append(record)
    return tables


def cmd_import(args: argparse.Namespace) -> int:
    if args.file == "-":
        tables = read_export(sys.stdin, "<stdin>")
    else:
        try:
            with open(args.file, encoding="utf-8", newline="\n") as handle:
                tables = read_export(handle, args.file)
        except OSError as e:
            raise CommandError(f"cannot read {args.file}: {e.strerror or e}") from e
        except UnicodeDecodeError as e:
            raise CommandError(f"{args.file} is not UTF-8 text (byte {e.start})") from None
    store = _store(args)
    try:
        if not args.merge:
            held = {t: len(rs) for t, rs in store.dump().items() if rs}
            if held:
                raise CommandError(
                    f"the store already holds {_summary_counts(held)}; import into an empty store, "
                    "or pass --merge to add the file's records (replacing records with the same id)")
        try:
            store.load(tables)  # one write: all or nothing
        except ValueError as e:
            raise CommandError(f"nothing was imported: {e}") from e
    finally:
        store.close()
    print(f"imported {_summary(tables)}")
    return 0


def _summary(tables: dict[str, list[Record]]) -> str:
    return _summary_counts({t: len(tables.get(t, [])) for t in TABLES})


def _summary_counts(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{table} {n}" for table, n in counts.items())
    return f"{total} record(s) ({parts})"


# -- registration ----------------------------------------------------------------------------------

def _setup_migrate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="only say whether migrations (or a rebuild of search columns) are pending: exit status 1 if so")


def _setup_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="JSON Lines file to write ('-' for standard output)")


def _setup_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="JSON Lines file made by `claimbot export` ('-' for standard input)")
    p.add_argument("--merge", action="store_true",
                   help="import into a store that already has records (same ids are replaced)")


COMMANDS_EXTRA["migrate"] = (cmd_migrate, "bring a PostgreSQL store's schema up to date (Alembic)", _setup_migrate)
COMMANDS_EXTRA["export"] = (cmd_export, "write every table (audit log included) to a JSON Lines file",
                            _setup_export)
COMMANDS_EXTRA["import"] = (cmd_import, "load a `claimbot export` file into the store, in one write",
                            _setup_import)
