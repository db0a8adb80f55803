"""A profile's matches for the MDT: the CSV worksheet and the letter text, in clinical words.

Both cover the trials the specialist's filters select, open trials first. The CSV streams every one
of them (evaluated CHUNK at a time, two queries a chunk for their records and sites); no cell holds
a raw code, and every cell goes through trialsearch.spreadsheet so that none is a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from django.utils.text import slugify

from patients.models import PatientProfile
from patients.presenters import FactRow, MatchCard, match_cards
from trials.eligibility.values import TrialEvaluation, Verdict
from trials.geography.postcodes import Place
from trials.registry.choices import CriterionKind, Phase, Status
from trials.templatetags.trial_text import miles
from trialsearch.spreadsheet import CSVLines

CHUNK = 200  # trials evaluated and looked up at a time while the CSV streams
LETTER_TRIALS = 5  # open trials still in play that the letter text names

VERDICT_LABELS = {
    Verdict.LIKELY_ELIGIBLE: "Likely eligible",
    Verdict.POSSIBLY_ELIGIBLE: "Possibly eligible",
    Verdict.NOT_ELIGIBLE: "Not eligible",
}
STATUS_LABELS = {
    Status.OPEN: "Open to new patients",
    Status.CLOSED: "Closed to new patients",
    Status.RESULTS: "Finished",
}
CSV_HEADER = [
    "Rank",
    "Trial",
    "Registry numbers",
    "Phase",
    "Status",
    "Status as of",
    "Verdict",
    "Cohort",
    "Unknown criteria",
    "Criteria not met",
    "To confirm",
    "Nearest site",
    "Town",
    "Distance (miles)",
    "Trial page",
]


def csv_filename(profile: PatientProfile, today: dt.date) -> str:
    """`trialsearch-matches-<reference>-<date>.csv`: the specialist's own de-identified reference."""
    reference = slugify(profile.reference) or "profile"
    return f"trialsearch-matches-{reference}-{today.isoformat()}.csv"


def status_date(card: MatchCard) -> dt.date | None:
    """The date the trial's status was confirmed (else last reviewed, else last changed)."""
    trial = card.trial
    if trial.status_confirmed:
        return trial.status_confirmed
    if trial.last_reviewed:
        return trial.last_reviewed
    return trial.updated_at.date() if trial.updated_at else None


def _phase(card: MatchCard) -> str:
    return Phase(card.trial.phase).label if card.trial.phase else "Not given"


def _verdict(card: MatchCard) -> str:
    """The verdict in words; never a bare positive one for a trial nobody can join."""
    label = VERDICT_LABELS[card.evaluation.verdict]
    return label if card.is_open else f"Not open to new patients (on these facts: {label.lower()})"


def _row(rank: int, card: MatchCard, build_url: Callable[[str], str]) -> list[object]:
    evaluation = card.evaluation
    site = card.sites[0] if card.sites else None
    day = status_date(card)
    return [
        rank,
        card.trial.title,
        " ".join(card.registry_ids),
        _phase(card),
        STATUS_LABELS.get(Status(card.trial.status), card.trial.status),
        day.isoformat() if day else "",
        _verdict(card),
        evaluation.cohort_reason,
        evaluation.unknown_count,
        " | ".join(f"{o.text} ({o.reason})" for o in evaluation.not_met),
        " | ".join(o.text for o in evaluation.unknown),
        site.hospital if site else "",
        site.town if site else "",
        "" if site is None or site.miles is None else f"{site.miles:.1f}",
        build_url(card.trial.get_absolute_url()),
    ]


def matches_csv_lines(
    *,
    profile: PatientProfile,
    facts: Sequence[FactRow],
    evaluations: Iterable[TrialEvaluation],
    open_count: int,
    place: Place | None,
    today: dt.date,
    build_url: Callable[[str], str],
) -> Iterator[str]:
    """The profile's facts as a section, then a header and one row per trial, streamed."""
    lines = CSVLines()
    yield lines.row(["TrialSearch: trial matches", profile.reference])
    yield lines.row(["Exported on", today.isoformat()])
    yield lines.row(["Not medical advice: each trial team confirms eligibility."])
    yield lines.row([])
    yield lines.row(["Patient's facts", "Value"])
    for fact in facts:
        yield lines.row([fact.label, fact.value])
    yield lines.row([])
    yield lines.row(CSV_HEADER)
    iterator = iter(evaluations)
    rank = 0
    while chunk := list(islice(iterator, CHUNK)):
        for card in match_cards(chunk, place=place, start=rank, open_count=open_count):
            rank += 1
            yield lines.row(_row(rank, card, build_url))


def _clause(text: str) -> str:
    """A criterion as a clause of a list: without its closing full stop."""
    return text.strip().rstrip(".")


def letter_text(*, profile: PatientProfile, cards: Sequence[MatchCard], today: dt.date, place: Place | None) -> str:
    """Plain text for a clinic letter: the best open trials still in play, with what is unknown and where."""
    in_play = [card for card in cards if card.is_open and card.evaluation.verdict is not Verdict.NOT_ELIGIBLE]
    if not in_play:
        return (
            f"Clinical trials ({today.day} {today:%B %Y}): on the facts recorded, no open trial in TrialSearch "
            "is likely or possibly suitable. We will search again as the situation changes."
        )
    lines = [f"Clinical trials that may suit this patient (TrialSearch, {today.day} {today:%B %Y}):", ""]
    for number, card in enumerate(in_play[:LETTER_TRIALS], start=1):
        evaluation = card.evaluation
        ids = ", ".join(card.registry_ids) or "no registry number"
        lines.append(f"{number}. {card.trial.title} ({ids}; {_phase(card)}).")
        lines.append(f"   {VERDICT_LABELS[evaluation.verdict]}.")
        to_confirm = [_clause(o.text) for o in evaluation.unknown if o.kind != CriterionKind.EXCLUSION]
        to_rule_out = [_clause(o.text) for o in evaluation.unknown if o.kind == CriterionKind.EXCLUSION]
        if to_confirm:
            lines.append(f"   To confirm: {'; '.join(to_confirm)}.")
        if to_rule_out:
            lines.append(f"   Exclusions to rule out: {'; '.join(to_rule_out)}.")
        site = card.sites[0] if card.sites else None
        if site is not None:
            where = f"{site.hospital}, {site.town}" if site.town else site.hospital
            if site.miles is not None and place is not None:
                where += f" ({miles(site.miles)} from {place.outcode})"
            lines.append(f"   Nearest site: {where}.")
        else:
            lines.append("   Sites: not listed; contact the trial team through the registry.")
    lines += ["", "Eligibility is confirmed by each trial team."]
    return "\n".join(lines)
