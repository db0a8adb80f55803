"""The summary an import gives: counts by outcome and every failed record with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from trials.registry.services import WriteOutcome


@dataclass(frozen=True)
class RecordFailure:
    source: str
    position: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source} {self.position}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[RecordFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Records written but kept as drafts for a reason (such as no neuroendocrine condition).
    held_back: list[RecordFailure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def count(self, outcome: WriteOutcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def fail(self, source: str, position: str, reason: str) -> None:
        self.failures.append(RecordFailure(source, position, reason))

    def hold_back(self, source: str, position: str, reason: str) -> None:
        """Record a record kept as a draft, and why."""
        self.held_back.append(RecordFailure(source, position, reason))

    def note(self, text: str) -> None:
        """Record something the reader should know that is not a failure."""
        self.notes.append(text)

    def summary(self) -> str:
        held = f", {len(self.held_back)} held back" if self.held_back else ""
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed{held}"
