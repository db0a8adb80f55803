"""Reads of the review queue: trials with proposals waiting, one trial's criteria and their proposals."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString

from trials.registry.models import Criterion, Intervention, Trial
from trials.review.models import RuleSuggestion, SuggestionState
from trials.review.wording import marked, rule_in_words
from trials.structuring import Vocabulary

PENDING = Q(criteria__suggestions__state=SuggestionState.PROPOSED)


def vocabulary_load() -> Vocabulary:
    """Every intervention in the database: new drugs are named as soon as an admin adds them."""
    return Vocabulary.from_records(Intervention.objects.values("slug", "name", "kind", "synonyms"))


def trials_pending_review() -> QuerySet[Trial]:
    """Trials with proposals waiting for a decision, most waiting first, each with `pending` (how many)."""
    return (
        Trial.objects.annotate(pending=Count("criteria__suggestions", filter=PENDING))
        .filter(pending__gt=0)
        .only("slug", "title", "acronym", "status", "published", "nct_id", "isrctn")
        .order_by("-pending", "title", "pk")
    )


@dataclass(frozen=True)
class SuggestionRow:
    suggestion: RuleSuggestion
    in_words: str  # the proposed rule
    applied_in_words: str  # the rule written onto the criterion, when accepted or edited


@dataclass
class CriterionReview:
    """A criterion (its rows with one text) with its text marked and every proposal read from it."""

    criterion: Criterion
    marked_text: SafeString
    rules_in_words: list[str]  # the rules the criterion holds now: these count
    suggestions: list[SuggestionRow] = field(default_factory=list)

    @property
    def pending(self) -> list[SuggestionRow]:
        return [row for row in self.suggestions if row.suggestion.is_pending]

    @property
    def decided(self) -> list[SuggestionRow]:
        return [row for row in self.suggestions if not row.suggestion.is_pending]


def trial_review(*, trial: Trial) -> list[CriterionReview]:
    """The trial's criteria that have proposals, in order, pending ones marked in the text (3 queries)."""
    criteria = list(
        trial.criteria.order_by("position", "id").prefetch_related(
            Prefetch("suggestions", queryset=RuleSuggestion.objects.select_related("reviewed_by"))
        )
    )
    names = dict(Intervention.objects.values_list("slug", "name"))
    groups: dict[tuple[str, str], CriterionReview] = {}
    held: dict[tuple[str, str], list[Criterion]] = {}
    for criterion in criteria:
        key = (criterion.kind, criterion.text)
        held.setdefault(key, []).append(criterion)
        suggestions = [s for s in criterion.suggestions.all() if s.state != SuggestionState.WITHDRAWN]
        if not suggestions:
            continue
        review = groups.setdefault(key, CriterionReview(criterion, SafeString(""), []))
        review.suggestions += [
            SuggestionRow(
                s,
                rule_in_words(criterion.kind, s.rule, names),
                rule_in_words(criterion.kind, s.applied_rule, names) if s.applied_rule else "",
            )
            for s in suggestions
        ]
    for key, review in groups.items():
        review.suggestions.sort(
            key=lambda row: (not row.suggestion.is_pending, row.suggestion.start, row.suggestion.pk)
        )
        # The pending proposals' words; once all are decided, the words of those read from this very text.
        current = [row.suggestion for row in review.suggestions if row.suggestion.text == review.criterion.text]
        shown = [s for s in current if s.is_pending] or current
        review.marked_text = marked(review.criterion.text, [(s.start, s.end) for s in shown])
        review.rules_in_words = [rule_in_words(c.kind, c.rule, names) for c in held[key] if c.rule is not None]
    return list(groups.values())
