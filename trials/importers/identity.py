"""One trial across registries: find the stored trial a registry record describes, by any shared identifier.

A trial registered with ClinicalTrials.gov and with ISRCTN is one trial with both numbers. Each
registry names the other's numbers (ClinicalTrials.gov gives ISRCTN and EudraCT numbers among its
secondary ids; ISRCTN gives NCT, EudraCT/EU CT and IRAS numbers), so a record is matched to the
stored trial that shares any of its NCT, ISRCTN, EudraCT/EU CT or IRAS numbers.

Two cases are refused rather than guessed, each naming the trials concerned so that an admin can
settle it: a record whose numbers belong to two different stored trials (merging two pages is an
editorial decision), and a record matched through another number to a trial that already has a
different number in the record's own registry (two records would then take turns writing one page).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q

from trials.registry.choices import Registry
from trials.registry.models import Trial

# The trial's field holding each registry's own number.
OWN_FIELD = {Registry.CTGOV: "nct_id", Registry.ISRCTN: "isrctn"}
LABELS = {"nct_id": "NCT", "isrctn": "ISRCTN", "eudract": "EudraCT", "iras": "IRAS"}


@dataclass(frozen=True)
class Identifiers:
    """The numbers a registry record gives for its trial; `registry` is whose record it is."""

    registry: str
    nct: str = ""
    isrctn: str = ""
    eudract: str = ""
    iras: str = ""

    def by_field(self) -> dict[str, str]:
        """{trial field: number} for the numbers given."""
        values = {"nct_id": self.nct, "isrctn": self.isrctn, "eudract": self.eudract, "iras": self.iras}
        return {name: value.strip() for name, value in values.items() if value.strip()}

    @property
    def own(self) -> str:
        """The record's number in its own registry."""
        return self.by_field().get(OWN_FIELD[Registry(self.registry)], "")


def _shared(trial: Trial, numbers: dict[str, str]) -> list[str]:
    return [f"{LABELS[name]} {value}" for name, value in numbers.items() if getattr(trial, name) == value]


def trial_for_identifiers(identifiers: Identifiers) -> Trial | None:
    """The stored trial sharing any of the record's numbers (loaded for reading back as a record), or None.

    Raises ValidationError when the numbers point at two trials, or at a trial registered in the
    record's own registry under another number.
    """
    numbers = identifiers.by_field()
    if not numbers:
        return None
    condition = reduce(or_, (Q(**{name: value}) for name, value in numbers.items()))
    found = list(Trial.objects.for_detail().filter(condition).order_by("pk")[:3])
    if len(found) > 1:
        which = "; ".join(f"{t.slug} ({', '.join(_shared(t, numbers))})" for t in found)
        raise ValidationError(
            {"identifiers": f"this record's numbers belong to different trials: {which}. An admin must merge them."}
        )
    if not found:
        return None
    trial = found[0]
    own_field = OWN_FIELD[Registry(identifiers.registry)]
    stored_own = getattr(trial, own_field)
    if stored_own and identifiers.own and stored_own != identifiers.own:
        raise ValidationError(
            {
                "identifiers": f"{identifiers.own} shares {', '.join(_shared(trial, numbers))} with {trial.slug}, "
                f"which is {LABELS[own_field]} {stored_own}. An admin must settle which record is this trial's."
            }
        )
    return trial
