"""Database URLs: what users write, what SQLAlchemy needs, what may be printed."""
from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from store.base import StoreError, mask_url

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
    """``url`` with its password and secret query parameters (``?password=``) masked, for
    messages and logs; the driver suffix dropped (``postgresql://``, as users write it)."""
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url)
    if text.startswith(DRIVER + "://"):
        text = "postgresql://" + text[len(DRIVER) + 3:]
    return mask_url(text)
