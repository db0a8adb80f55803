"""Reading the test client's responses with their types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase


def streamed(response: HttpResponseBase) -> bytes:
    """The whole body of a streaming response (an AttributeError for one that does not stream)."""
    # Django's stubs allow an async iterator; the test client's WSGI responses always iterate synchronously.
    content = cast(StreamingHttpResponse, response).streaming_content
    return b"".join(cast(Iterator[bytes], content))
