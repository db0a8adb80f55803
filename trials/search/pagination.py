"""Cursor (keyset) pages over any queryset the selector has ordered, however it ordered it.

DRF's CursorPagination needs a single field ordering; the search selector orders by distance or
rank, then recency, title and id. This pager reads the queryset's own ORDER BY (the last key is
always the primary key, so the order is total) and puts the sort keys of a page's last (or first)
row in a signed, opaque cursor. The next page is "the rows after these keys", so paging never
repeats or skips a row because rows were added or removed in front of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import F, FloatField, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast

# The name it had when it lived in trials.api: cursors already handed out stay valid.
SALT = "trials.api.cursor"
INVALID_CURSOR = "This cursor is not valid: use the `next` or `previous` link of a page as it is."
STALE_CURSOR = "This cursor belongs to another ordering: start again without a cursor."

M = TypeVar("M", bound=Model)


class CursorError(ValueError):
    """A cursor that was not made by this pager for this ordering."""


@dataclass(frozen=True)
class SortKey:
    name: str
    descending: bool
    nulls_last: bool
    # What the cursor reads and compares: the name, or an exact double-precision copy of a float.
    column: str = ""

    def reversed(self) -> SortKey:
        return SortKey(self.name, not self.descending, not self.nulls_last, self.column)


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None


def sort_keys(queryset: QuerySet[Any]) -> list[SortKey]:
    """The queryset's ORDER BY as keys; it must be by plain fields or annotations, ending with the pk."""
    keys = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            descending = item.startswith("-")
            name = item.lstrip("-")
            nulls_last: bool | None = None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_last = True if item.nulls_last else False if item.nulls_first else None
        else:
            raise TypeError(f"Cannot page over the ordering {item!r}.")
        # PostgreSQL's default: NULLs sort as if larger than every value.
        keys.append(SortKey(name, descending, (not descending) if nulls_last is None else nulls_last, name))
    if not keys or keys[-1].name not in ("pk", "id"):
        raise TypeError("Cursor pages need an ordering that ends with the primary key.")
    return keys


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"dt"} and isinstance(value["dt"], str):
            return dt.datetime.fromisoformat(value["dt"])
        if set(value) == {"d"} and isinstance(value["d"], str):
            return dt.date.fromisoformat(value["d"])
        raise CursorError(INVALID_CURSOR)
    if value is None or isinstance(value, str | int | float):
        return value
    raise CursorError(INVALID_CURSOR)


def _after(keys: Sequence[SortKey], values: Sequence[Any], *, inclusive: bool = False) -> Q:
    """Rows after `values` in the order `keys`: (k1 after) or (k1 equal and k2 after) or ...

    `inclusive` also takes the row with exactly these values.
    """
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        column = key.column
        if value is None:
            after = Q(pk__in=[]) if key.nulls_last else Q(**{f"{column}__isnull": False})
            equal = Q(**{f"{column}__isnull": True})
        else:
            after = Q(**{f"{column}__{'lt' if key.descending else 'gt'}": value})
            if key.nulls_last:
                after |= Q(**{f"{column}__isnull": True})
            equal = Q(**{column: value})
        condition |= equal_so_far & after
        equal_so_far &= equal
    return condition | equal_so_far if inclusive else condition


class KeysetPaginator(Generic[M]):
    """Pages of `page_size` rows of an ordered queryset, addressed by signed cursors."""

    def __init__(self, queryset: QuerySet[M], *, page_size: int) -> None:
        self.page_size = page_size
        self.keys = []
        exact: dict[str, Cast] = {}
        for key in sort_keys(queryset):
            annotation = queryset.query.annotations.get(key.name)
            if annotation is not None and isinstance(annotation.output_field, FloatField):
                # A `real` (ts_rank) reaches Python as its shortest decimal, which is not the same
                # number as a double; compare exact doubles so that "equal" stays equal.
                column = f"_cursor_{key.name}"
                exact[column] = Cast(F(key.name), output_field=FloatField())
                key = SortKey(key.name, key.descending, key.nulls_last, column)
            self.keys.append(key)
        self.queryset = queryset.annotate(**exact) if exact else queryset

    def _cursor(self, row: M, *, backwards: bool) -> str:
        return self._cursor_from([getattr(row, key.column) for key in self.keys], backwards=backwards)

    def _cursor_from(self, values: list[Any], *, backwards: bool, inclusive: bool = False) -> str:
        payload = {
            "o": [[k.name, k.descending] for k in self.keys],
            "v": [_encode(value) for value in values],
            "b": backwards,
            "i": inclusive,
        }
        return signing.dumps(payload, salt=SALT, compress=True)

    def _read(self, cursor: str) -> tuple[list[Any], bool, bool]:
        try:
            payload = signing.loads(cursor, salt=SALT)
        except (signing.BadSignature, ValueError, UnicodeError, TypeError) as error:
            raise CursorError(INVALID_CURSOR) from error
        if not (
            isinstance(payload, dict)
            and isinstance(payload.get("v"), list)
            and isinstance(payload.get("b"), bool)
            and isinstance(payload.get("i"), bool)
        ):
            raise CursorError(INVALID_CURSOR)
        if payload.get("o") != [[k.name, k.descending] for k in self.keys]:
            raise CursorError(STALE_CURSOR)
        values = [_decode(value) for value in payload["v"]]
        if len(values) != len(self.keys):
            raise CursorError(INVALID_CURSOR)
        return values, payload["b"], payload["i"]

    def page(self, cursor: str | None) -> Page[M]:
        """Return the page the cursor points at (the first page without one); raise CursorError."""
        if not cursor:
            rows = list(self.queryset[: self.page_size + 1])
            more = len(rows) > self.page_size
            rows = rows[: self.page_size]
            return Page(rows, self._cursor(rows[-1], backwards=False) if more else None, None)
        values, backwards, inclusive = self._read(cursor)
        if backwards:
            reverse_keys = [key.reversed() for key in self.keys]
            rows = list(
                self.queryset.reverse().filter(_after(reverse_keys, values, inclusive=inclusive))[: self.page_size + 1]
            )
            more_before = len(rows) > self.page_size
            rows = rows[: self.page_size][::-1]
            if not rows:
                # Nothing before the cursor's row (any more): the next page starts with that row.
                return Page(rows, self._cursor_from(values, backwards=False, inclusive=not inclusive), None)
            previous = self._cursor(rows[0], backwards=True) if more_before else None
            # The row the cursor was made from comes after this page.
            return Page(rows, self._cursor(rows[-1], backwards=False), previous)
        rows = list(self.queryset.filter(_after(self.keys, values, inclusive=inclusive))[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if not rows:
            # Nothing after the cursor's row (any more): the previous page ends with that row.
            return Page(rows, None, self._cursor_from(values, backwards=True, inclusive=not inclusive))
        # The row the cursor was made from comes before this page.
        return Page(
            rows, self._cursor(rows[-1], backwards=False) if more else None, self._cursor(rows[0], backwards=True)
        )
