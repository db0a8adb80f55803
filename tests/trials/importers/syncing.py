"""Helpers for the registry sync tests: running the real commands, exporting, counting history rows."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from django.core.management import call_command

from tests.trials.importers.standin import CTGOV_PREFIX, CTGOV_V2, ISRCTN_PREFIX, Reply, Request, StandIn
from trials.registry.models import Criterion, Hospital, Intervention, Trial, TrialSite

STUDIES = CTGOV_PREFIX + "/studies"
ISRCTN_SEARCH = ISRCTN_PREFIX + "/query/format/default"
FIRST, SECOND, LAST = (
    "search_phelan_limit5_20260811.json",
    "search_phelan_next_20260811.json",
    "search_nsclc_egfr_l858r_20260811.json",
)


def ncts(name: str) -> list[str]:
    page = json.loads((CTGOV_V2 / name).read_text())
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]


def study(name: str) -> dict[str, Any]:
    """A recorded study (a single-study file) as a fresh, editable object."""
    data: dict[str, Any] = json.loads((CTGOV_V2 / name).read_text())
    return data


def run(command: str, standin: StandIn, *args: str) -> str:
    """Run a sync command against the stand-in; return what it printed."""
    prefix = CTGOV_PREFIX if command == "sync_ctgov" else ISRCTN_PREFIX
    out = io.StringIO()
    call_command(command, "--base-url", standin.url + prefix, *args, stdout=out, stderr=out)
    return out.getvalue()


def export() -> str:
    out = io.StringIO()
    call_command("export_trials", "--all", stdout=out)
    return out.getvalue()


def history_counts() -> dict[str, int]:
    models = [Trial, Criterion, TrialSite, Intervention, Hospital]
    return {m.__name__: m.history.count() for m in models}  # type: ignore[attr-defined]


def first_time_each_token(reply: Reply, route: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
    """Answer `reply` the first time each page is asked for, then the page."""
    seen: set[str] = set()

    def answer(request: Request) -> Reply:
        token = request.query.get("pageToken", "")
        if token not in seen:
            seen.add(token)
            return reply
        return route(request)

    return answer


def from_page(number: int, reply: Reply, route: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
    """Answer `reply` to every request for page `number` (1: the first) and later pages."""
    tokens: list[str | None] = [None]

    def answer(request: Request) -> Reply:
        token = request.query.get("pageToken")
        if token not in tokens:
            tokens.append(token)
        if tokens.index(token) + 1 >= number:
            return reply
        return route(request)

    return answer
