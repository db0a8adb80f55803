"""When a trial's status needs checking: an "open" status not confirmed for six months, or past its end.

One definition for the trial page's warning, the API's `status_needs_checking` flag and the admin's
"status needs checking" filter: a trial is open and either its status was last confirmed (by a
registry's record or an admin: `status_confirmed`, else the curators' `last_reviewed`) more than six
months ago or never, or its recruitment end date has passed. A closed trial never needs it: nobody
is invited to join one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q

from trials.registry.choices import Status

STALE_MONTHS = 6


class _Dated(Protocol):
    status: str
    status_confirmed: dt.date | None
    last_reviewed: dt.date | None
    recruitment_end: dt.date | None


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def status_cutoff(today: dt.date) -> dt.date:
    """A status confirmed before this day is too old to trust."""
    return months_before(today, STALE_MONTHS)


def confirmed_on(trial: _Dated) -> dt.date | None:
    """When the trial's status was last confirmed: by a registry or an admin, else by the curators' review."""
    return trial.status_confirmed or trial.last_reviewed


@dataclass(frozen=True)
class StatusCheck:
    """Why an open trial's status needs checking: never confirmed, confirmed too long ago, recruitment ended."""

    undated: bool = False
    old: bool = False
    ended: bool = False

    def __bool__(self) -> bool:
        return self.undated or self.old or self.ended


def status_check(trial: _Dated, today: dt.date) -> StatusCheck:
    """Whether (and why) an open trial's status needs checking; a closed trial's never does."""
    if trial.status != Status.OPEN:
        return StatusCheck()
    confirmed = confirmed_on(trial)
    return StatusCheck(
        undated=confirmed is None,
        old=confirmed is not None and confirmed < status_cutoff(today),
        ended=trial.recruitment_end is not None and trial.recruitment_end < today,
    )


def status_needs_checking(trial: _Dated, today: dt.date) -> bool:
    """Whether an open trial's status is older than six months (or undated), or its recruitment end has passed."""
    return bool(status_check(trial, today))


def status_needs_checking_q(today: dt.date) -> Q:
    """`status_needs_checking()` as a filter on trials."""
    cutoff = status_cutoff(today)
    old = Q(status_confirmed__lt=cutoff) | Q(
        Q(last_reviewed__lt=cutoff) | Q(last_reviewed__isnull=True), status_confirmed__isnull=True
    )
    return Q(status=Status.OPEN) & (old | Q(recruitment_end__lt=today))
