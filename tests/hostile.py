"""Hostile values sent to every URL pattern and every parameter (tests/test_hostile_values.py).

The audit of issue 17 found 500s from NUL bytes, lone surrogates, 400-digit numbers, deep JSON,
control characters and header injection. Each request here must answer below 500. The test runs a
quick selection; `scripts/fuzz.sh` sends every value to every parameter of every endpoint, the
admin's included, and prints the figures.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

# Query-string and form values, already percent-encoded where a raw character cannot travel.
HOSTILE_TEXT: list[str] = [
    "a\x00b",  # NUL: PostgreSQL refuses it in text
    "%ED%A0%80",  # a lone surrogate (U+D800) as UTF-8 bytes
    "\udcff",  # a lone surrogate as Python text (surrogateescape)
    "9" * 400,  # a 400-digit integer
    "-" + "9" * 400,
    "1e309",  # a float beyond the range
    "NaN",
    "\x0b\x1b[31m\x7f",  # control characters
    "\r\nSet-Cookie: x=1",  # header injection
    "' OR 1=1 --; DROP TABLE trials_trial;",
    '"><script>alert(1)</script>',
    "../../../etc/passwd",
    "\u202etxt.exe",  # right-to-left override
    "X" * 20_000,  # a huge string
    "",
]
# The quick selection run in the normal suite: one of each kind of failure the audit found.
QUICK_TEXT = [HOSTILE_TEXT[i] for i in (0, 1, 3, 7, 8, 10)]


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _hostile_json_value(name: str) -> list[Any]:
    return [
        "a\x00b",
        "\udcff",
        int("9" * 400),
        -(10**400),
        1e308 * 10,  # inf, written by json.dumps as Infinity
        "\x0b\x1b",
        "<script>alert(1)</script>",
        [None] * 3,
        {"$gt": ""},
        "X" * 300_000,
        None,
        True,
    ]


@dataclass
class Figures:
    requests: int = 0
    by_class: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def add(self, method: str, url: str, status: int) -> None:
        self.requests += 1
        self.by_class[f"{status // 100}xx"] += 1
        if status >= 500:
            self.server_errors.append(f"{method} {url[:200]!r} -> {status}")

    def summary(self) -> str:
        classes = ", ".join(f"{name}: {count}" for name, count in sorted(self.by_class.items()))
        return f"{self.requests} requests ({classes}); {len(self.server_errors)} answered 5xx"


def url_patterns(*, include_admin: bool) -> Iterator[tuple[str, list[str]]]:
    """Every route of the site as (route with {name} holes, the hole names)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not include_admin and route.startswith("/admin/"):
                    continue
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                names = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
                yield route, names

    for route, names in walk(get_resolver().url_patterns, "/"):
        if route.startswith("/^") or "(?P" in route or route.endswith("$"):
            continue  # regex routes (Django's admin catch-all, static views) take no parameters to fill
        yield route, names


def encode(value: str) -> str:
    """`value` percent-encoded for an address or a form body (a lone surrogate becomes invalid UTF-8)."""
    return value if value.startswith("%") else quote(value.encode("utf-8", "surrogateescape"), safe="")


def query(name: str, value: str) -> str:
    return f"{quote(name)}={encode(value)}"


def fill(route: str, names: list[str], value: str) -> str:
    """The route with every <converter:name> hole holding `value` (percent-encoded)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", encode(value), route)


def openapi_operations() -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path, query parameter names, JSON body property names) of every API operation."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    components = schema["components"]["schemas"]
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            properties: list[str] = []
            if body_schema and "$ref" in body_schema:
                properties = list(components[body_schema["$ref"].rsplit("/", 1)[1]].get("properties", {}))
            operations.append((method.upper(), path, query, properties))
    return operations


def json_bodies(properties: list[str], patient_facts: list[str], *, quick: bool) -> Iterator[str]:
    """JSON bodies: each property (and each patient fact) given each hostile value, and broken documents."""
    yield deep_json(100_000)
    yield "{" + '"a":' * 50 + "1" + "}" * 50
    yield '{"patient": "\\ud800"}'
    yield '{"patient": {"age": 1' + "0" * 400 + "}}"
    yield "\x00"
    for name in properties:
        values = _hostile_json_value(name)
        for value in values[:4] if quick else values:
            yield json.dumps({name: value}, allow_nan=True)
            if name == "patient":
                for fact in patient_facts if not quick else patient_facts[:6]:
                    yield json.dumps({"patient": {fact: value}}, allow_nan=True)
