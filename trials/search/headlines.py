"""Highlighted snippets of the matching words, for the rows shown only (SearchHeadline is dear)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.search import SearchHeadline
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.registry.models import Trial
from trials.registry.querysets import SEARCH_CONFIG, text_query

# Control characters that never occur in trial text mark the matches before the text is escaped.
_START, _STOP = "\x02", "\x03"


def trial_headlines(*, trial_ids: Sequence[int], q: str) -> dict[int, SafeString]:
    """Highlighted snippets of each trial's summary for the rows shown, in one query.

    The text is escaped; only the `<mark>` elements around matches are HTML. A trial whose summary
    does not contain the words (it matched on its title or drug names) has no snippet.
    """
    if not q or not trial_ids:
        return {}
    rows = Trial.objects.filter(pk__in=list(trial_ids)).annotate(
        headline=SearchHeadline(
            "summary",
            text_query(q),
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=35,
            min_words=15,
        )
    )
    return {
        pk: mark_safe(escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308
        for pk, headline in rows.values_list("pk", "headline")
        if _START in headline
    }
