"""Input hygiene in one place: text loses the characters nothing downstream can store or show.

PostgreSQL refuses NUL in text; XML 1.0 (the Atom feed) refuses the other C0 control characters and
U+FFFE/U+FFFF; a lone surrogate (which JSON's "\\ud800" escape can make) cannot be encoded as UTF-8 at
all. None of them carries meaning in a trial or a search, so they are removed at the edges: request
parameters and paths (`InputHygieneMiddleware`), JSON bodies (`trialsearch.parsers`) and imported
records (`clean_data`). Newlines, carriage returns and tabs stay: they are text's own layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponseBase, QueryDict

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

# C0 controls other than tab, line feed and carriage return; DEL; the two XML non-characters.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
# How much of a person's input an error message repeats back.
ECHO_LIMIT = 60


def clean_text(value: str) -> str:
    """Drop control characters (keeping newlines and tabs); a lone surrogate becomes U+FFFD."""
    return _SURROGATE.sub(REPLACEMENT, _UNWANTED.sub("", value))


def clean_data(value: Any) -> Any:
    """`clean_text` over every string of parsed JSON, keys included (lists and objects are copied)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(key): clean_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    return value


def echo(value: str, *, limit: int = ECHO_LIMIT) -> str:
    """Input made safe to repeat in a message: invisible characters as escapes, cut to `limit`."""
    text = "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode("ascii")
        for char in value[: limit + 1]
    )
    return text if len(value) <= limit else text[:limit] + "…"


def clean_query(query: QueryDict) -> _ImmutableQueryDict:
    """A copy of the parameters with every name and value cleaned (same order, same repeats)."""
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlistdefault(clean_text(key), []).extend(clean_text(v) for v in values)
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned)


class InputHygieneMiddleware:
    """Clean the path and the GET and form-POST parameters before any view or URL resolver sees them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.path = clean_text(request.path)
        request.path_info = clean_text(request.path_info)
        request.GET = clean_query(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = clean_query(request.POST)
        return self.get_response(request)
