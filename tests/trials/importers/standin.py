"""A local stand-in for the registries' APIs: a threaded HTTP server on 127.0.0.1 serving recorded answers.

Tests never touch the network. The stand-in listens on a free port, answers each GET from a route
chosen by its path (a recorded file, chosen by the query where the real API would choose), and
records every request so tests can assert exactly what was asked. Faults are scripted per request:
`fail_next(...)` answers the next requests with the given replies before any route is consulted
(a 429 with Retry-After, then success), `fail_always(...)` answers every request so (a 503 that
never ends).

Two routes mimic the registries from their recorded answers in ../shared/data:
- `ctgov_pages`: ClinicalTrials.gov's `/studies`, serving a chain of recorded `search_*` pages,
  where each page's `nextPageToken` selects the next file, as the real cursor does.
- `isrctn_search`: ISRCTN's search, filtering the recorded `<fullTrial>`s by the `lastEdited`
  window in `q` and sending at most `limit` of them with the true `totalCount`, as the real API
  does.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from tests.conftest import SHARED
from trials.importers.http import RegistryClient, RetryPolicy

CTGOV_V2 = SHARED / "data" / "ctgov" / "v2"
ISRCTN_DATA = SHARED / "data" / "isrctn"
CTGOV_PREFIX = "/api/v2"
ISRCTN_PREFIX = "/api"


@dataclass(frozen=True)
class Request:
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


Route = Callable[[Request], Reply]


def json_reply(data: Any) -> Reply:
    return Reply(200, json.dumps(data).encode(), {"Content-Type": "application/json"})


def too_many_requests(retry_after: str = "7") -> Reply:
    return Reply(429, b"Too Many Requests", {"Retry-After": retry_after, "Content-Type": "text/plain"})


def unavailable() -> Reply:
    return Reply(503, b"<html><body>Service Unavailable</body></html>", {"Content-Type": "text/html"})


def malformed_json() -> Reply:
    """A 200 whose body was cut off mid-page, as a dropped connection behind a proxy leaves it."""
    return Reply(200, b'{"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT0', {})


class StandIn:
    """The server; use as a context manager (the `standin` fixture does)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._next_faults: deque[Reply] = deque()
        self._always: Reply | None = None
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # A short poll, so that shutting down at the end of each test takes milliseconds, not half a second.
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        # An AF_INET server's address is (host, port), the host a str.
        host, port = cast("tuple[str, int]", self.server.server_address[:2])
        return f"http://{host}:{port}"

    def route(self, path: str, handler: Route) -> None:
        self.routes[path] = handler

    def fail_next(self, *replies: Reply) -> None:
        self._next_faults.extend(replies)

    def fail_always(self, reply: Reply) -> None:
        self._always = reply

    def client(self, prefix: str, *, sleeps: list[float] | None = None, attempts: int = 4) -> RegistryClient:
        """A RegistryClient for this server: no polite interval, and sleeps recorded instead of slept."""
        recorded = sleeps if sleeps is not None else []
        return RegistryClient(
            self.url + prefix,
            retry=RetryPolicy(attempts=attempts, backoff_factor=0.5, backoff_max=4, retry_after_max=30),
            connect_timeout=2,
            read_timeout=5,
            min_interval=0,
            sleeper=recorded.append,
        )

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._next_faults:
                return self._next_faults.popleft()
            if self._always is not None:
                return self._always
        handler = self.routes.get(request.path)
        if handler is None:
            return Reply(404, f"No route for {request.path}".encode(), {"Content-Type": "text/plain"})
        return handler(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
                reply = standin._answer(Request(parts.path, query, dict(self.headers.items())))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep the test output clean."""

        return Handler


def ctgov_pages(files: Iterable[str]) -> Route:
    """`/studies` over recorded pages: the first file answers a request without a pageToken, and each
    page's nextPageToken selects the next file. An unknown token is a 400, as the API answers it."""
    pages = [json.loads((CTGOV_V2 / name).read_text(encoding="utf-8")) for name in files]
    by_token: dict[str | None, dict[str, Any]] = {None: pages[0]}
    for page, following in itertools.pairwise(pages):
        by_token[page["nextPageToken"]] = following

    def answer(request: Request) -> Reply:
        token = request.query.get("pageToken")
        if token not in by_token:
            return Reply(400, f"Invalid pageToken: {token}".encode(), {"Content-Type": "text/plain"})
        return json_reply(by_token[token])

    return answer


@dataclass(frozen=True)
class RecordedTrial:
    isrctn: str
    last_updated: str  # As the record writes it; ISO 8601 strings of one form compare as times.
    xml: str


FULL_TRIAL_RE = re.compile(r"<fullTrial>.*?</fullTrial>", re.DOTALL)
WINDOW_RE = re.compile(r"lastEdited (GE|LT) (\S+)")


def recorded_isrctn_trials(files: Iterable[str]) -> list[RecordedTrial]:
    """Every `<fullTrial>` of the recorded files, verbatim, once each."""
    trials: dict[str, RecordedTrial] = {}
    for name in files:
        for xml in FULL_TRIAL_RE.findall((ISRCTN_DATA / name).read_text(encoding="utf-8")):
            number = re.search(r'publicIdentifierCanonical="(ISRCTN\d{8})"', xml)
            updated = re.search(r'lastUpdated="([^"]+)"', xml)
            assert number and updated, f"{name}: a fullTrial without its number or lastUpdated"
            trials.setdefault(number.group(1), RecordedTrial(number.group(1), _instant(updated.group(1)), xml))
    return list(trials.values())


def _instant(text: str) -> str:
    """'2026-05-26T15:09:37.845816062Z' and '2026-01-01T00:00:00.000Z' as comparable strings (to the second)."""
    return text[:19]


def isrctn_search(trials: Iterable[RecordedTrial]) -> Route:
    """ISRCTN's `/query/format/default`: the trials edited in the `q` window, newest first, `limit` of them."""
    recorded = sorted(trials, key=lambda t: t.last_updated, reverse=True)

    def answer(request: Request) -> Reply:
        bounds = dict(WINDOW_RE.findall(request.query.get("q", "")))
        start, end = _instant(bounds.get("GE", "0000")), _instant(bounds.get("LT", "9999"))
        matching = [t for t in recorded if start <= t.last_updated < end]
        limit = int(request.query.get("limit", "10"))
        body = "".join(t.xml for t in matching[:limit])
        document = f'<allTrials xmlns="http://www.67bricks.com/isrctn" totalCount="{len(matching)}">{body}</allTrials>'
        return Reply(200, document.encode(), {"Content-Type": "application/xml;charset=UTF-8"})

    return answer


def serve_file(path: Path, content_type: str) -> Route:
    def answer(request: Request) -> Reply:
        return Reply(200, path.read_bytes(), {"Content-Type": content_type})

    return answer


def queries(standin: StandIn, path: str) -> Iterator[Mapping[str, str]]:
    return (r.query for r in standin.requests if r.path == path)
