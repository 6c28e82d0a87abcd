"""Keyset pages for lists ordered by some columns and then the id: "Next" and "Previous" carry
the id of the row at the page's edge, so a late page costs what the first does, and no
COUNT(*) is needed (one row more than the page tells whether another page follows)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, tuple_

from casework.extensions import db
from casework.forms import int_or_none

PAGING = ("page", "after", "before")


def paging(args) -> dict:
    """keyset_page's page, after and before, from a request's query string."""
    return {"page": int_or_none(args.get("page")) or 1, "after": int_or_none(args.get("after")),
            "before": int_or_none(args.get("before"))}


def filter_args(args) -> dict:
    """The query string's filters without its paging: what every page link carries along."""
    return {k: v for k, v in args.items() if k not in PAGING and v}


@dataclass
class KeysetPage:
    items: list
    page: int
    has_next: bool
    first_id: int | None
    last_id: int | None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def before(self) -> int | None:
        """What "Previous" carries: the first row's id."""
        return self.first_id

    @property
    def after(self) -> int | None:
        """What "Next" carries: the last row's id."""
        return self.last_id


def keyset_page(stmt, model, keys: tuple[str, ...], *, descending: bool, page: int = 1, per_page: int = 50,
                after: int | None = None, before: int | None = None) -> KeysetPage:
    """One page of `stmt` (a select of `model`) ordered by the columns `keys`, the last one "id".

    `after` / `before` are the id of the row at the edge of the page the user comes from; a page
    asked for by number alone skips rows; an edge row that no longer exists starts again at page 1.
    """
    page = max(1, min(page, 100_000))
    columns = [getattr(model, key) for key in keys]
    edge_id = after if after is not None else before
    edge = db.session.get(model, edge_id) if edge_id is not None else None
    if edge_id is not None and edge is None:
        return keyset_page(stmt, model, keys, descending=descending, per_page=per_page)
    backwards = before is not None and after is None
    reading_down = descending != backwards
    query = stmt
    if edge is not None:
        bound = tuple_(*[literal(getattr(edge, key), type_=column.type) for key, column in zip(keys, columns)])
        query = query.where(tuple_(*columns) < bound if reading_down else tuple_(*columns) > bound)
    elif page > 1:
        query = query.offset((page - 1) * per_page)
    query = query.order_by(*[c.desc() if reading_down else c.asc() for c in columns]).limit(per_page + 1)
    found = list(db.session.scalars(query))
    items, more = found[:per_page], len(found) > per_page
    if backwards:
        if not more:  # back at the beginning
            return keyset_page(stmt, model, keys, descending=descending, per_page=per_page)
        items.reverse()
    return KeysetPage(items=items, page=page, has_next=more or backwards,
                      first_id=items[0].id if items else None, last_id=items[-1].id if items else None)
