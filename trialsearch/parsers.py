"""The API's JSON parser: bounded in size and depth, with every string cleaned (trialsearch.hygiene).

DRF's JSONParser reads any body whole and lets the decoder recurse until Python's recursion limit
(a RecursionError, a 500). This one reads at most API_MAX_JSON_BYTES, refuses deeper nesting than
API_MAX_JSON_DEPTH, and hands the views text without control characters or lone surrogates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from trialsearch.hygiene import clean_data


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def _depth_within(value: Any, limit: int) -> bool:
    """Whether `value` nests at most `limit` arrays or objects deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit: int = settings.API_MAX_JSON_BYTES
        depth: int = settings.API_MAX_JSON_DEPTH
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(body.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(f"The JSON is nested too deeply: at most {depth} levels.") from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        if not _depth_within(data, depth):
            raise ParseError(f"The JSON is nested too deeply: at most {depth} levels.")
        return clean_data(data)


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's decoder accepts them unless told otherwise)."""
    raise ValueError(f"{name} is not a JSON value")
