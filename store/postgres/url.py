"""Database URLs: what users write, what SQLAlchemy needs, what may be printed."""
from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from store.base import StoreError

DRIVER = "postgresql+psycopg"  # psycopg 3
_ACCEPTED = ("postgresql", "postgres", DRIVER)


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0] in _ACCEPTED


def engine_url(url: str | URL) -> URL:
    """``url`` for SQLAlchemy with psycopg 3: ``postgresql://`` and ``postgres://`` (what
    libpq, Heroku and docker images write) become ``postgresql+psycopg://``."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise StoreError(f"not a database URL: {safe_url(str(url))}") from e
    if parsed.drivername not in _ACCEPTED:
        raise StoreError(f"unsupported database URL scheme {parsed.drivername!r}: "
                         "use postgresql://user@host:port/database")
    return parsed.set(drivername=DRIVER)


def safe_url(url: str | URL) -> str:
    """``url`` with its password masked, for messages and logs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        text = str(url)
        if "@" in text and "://" in text:  # scheme://user:secret@host -> scheme://***@host
            scheme, rest = text.split("://", 1)
            return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
        return text
    if parsed.drivername == DRIVER:
        parsed = parsed.set(drivername="postgresql")
    return parsed.render_as_string(hide_password=True)
