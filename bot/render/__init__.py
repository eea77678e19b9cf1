"""Reply -> Slack Block Kit, Discord embeds, plain text.  Each platform's limits live here.

Paging is shared: a renderer says what one item costs on its platform and how much a
page can hold; ``paginate`` packs items into pages greedily, in order.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def paginate(items: Sequence[T], max_items: int, budget: int | None = None,
             cost: Callable[[T], int] | None = None) -> list[list[T]]:
    """Items split into pages of at most ``max_items`` and at most ``budget`` total cost.

    An item that alone costs more than the budget gets a page of its own (renderers
    truncate items first, so that does not happen with real limits).  Always at least
    one page, possibly empty, so "page 1 of 1" is well defined.
    """
    pages: list[list[T]] = [[]]
    used = 0
    for it in items:
        c = cost(it) if cost else 0
        page = pages[-1]
        if page and (len(page) >= max_items or (budget is not None and used + c > budget)):
            pages.append([])
            used = 0
        pages[-1].append(it)
        used += c
    return pages


def clamp_page(page: int, count: int) -> int:
    return max(0, min(page, count - 1))
