"""The trial record's typed values: frozen dataclasses with no database access, so the engine can use them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from trials.registry.choices import DatePrecision

# The bundle format's name and version (`"format"` in an export file).
FORMAT = "trialsearch/1"
PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    date: dt.date
    precision: str = DatePrecision.DAY

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = PARTIAL_DATE_RE.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY.")
        year, month, day = match.groups()
        precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        try:
            date = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date.") from None
        return cls(date, precision)

    def isoformat(self) -> str:
        if self.precision == DatePrecision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def display(self) -> str:
        """Return the date in words to its precision: '10 July 2012', 'July 2012' or '2012'."""
        if self.precision == DatePrecision.YEAR:
            return str(self.date.year)
        if self.precision == DatePrecision.MONTH:
            return self.date.strftime("%B %Y")
        return f"{self.date.day} {self.date.strftime('%B %Y')}"


@dataclass(frozen=True)
class TumourTypeData:
    slug: str
    name: str = field(default="", compare=False)
    synonyms: tuple[str, ...] = field(default=(), compare=False)
    primary_site: str = field(default="", compare=False)
    diagnosis: str = field(default="", compare=False)
    description: str = field(default="", compare=False)


@dataclass(frozen=True)
class InterventionData:
    slug: str
    name: str = field(default="", compare=False)
    kind: str = field(default="", compare=False)
    synonyms: tuple[str, ...] = field(default=(), compare=False)
    description: str = field(default="", compare=False)


@dataclass(frozen=True)
class DrugClassData:
    """A drug class of the vocabulary and its members' slugs (trials.registry.drug_classes)."""

    slug: str
    name: str
    description: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class HospitalData:
    name: str
    town: str = ""
    region: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class GlossaryTermData:
    term: str
    definition: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactData:
    """A person or desk to contact about a trial, as the registry publishes them ("" when not published)."""

    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class LocationData:
    hospital: HospitalData
    recruiting: bool
    contact: ContactData | None = None


@dataclass(frozen=True)
class CriterionData:
    kind: str
    text: str
    rule: dict[str, Any] | None = None
    registry_text: str = ""  # the registry's own words; `text` is what patients read
    cohort: str = ""  # the cohort it applies to; "" for every participant


@dataclass(frozen=True)
class PublicationData:
    title: str
    url: str = ""


@dataclass(frozen=True)
class TrialData:
    """Everything a trial record holds, typed and validated."""

    slug: str
    title: str
    status: str
    trial_type: str
    old_slugs: tuple[str, ...] = ()
    cruk_id: int | None = None
    acronym: str = ""
    official_title: str = ""
    phase: str = ""
    cancer_types: tuple[TumourTypeData, ...] = ()
    any_net: bool = False  # for every NET/NEC: an empty `cancer_types` alone means no known type
    registry_conditions: tuple[str, ...] = ()
    registry_countries: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    summary: str = ""
    more_about: str = ""
    trial_design: str = ""
    hospital_visits: str = ""
    side_effects: str = ""
    interventions: tuple[InterventionData, ...] = ()
    locations: tuple[LocationData, ...] = ()
    recruitment_start: PartialDate | None = None
    recruitment_end: PartialDate | None = None
    chief_investigator: str = ""
    supported_by: tuple[str, ...] = ()
    contacts: tuple[ContactData, ...] = ()
    other_information: str = ""
    nct: str = ""
    isrctn: str = ""
    eudract: str = ""
    iras: str = ""
    min_age: int | None = None
    max_age: int | None = None
    sexes: tuple[str, ...] = ()
    criteria: tuple[CriterionData, ...] = ()
    results_summary: str = ""
    publications: tuple[PublicationData, ...] = ()
    source: str = ""
    source_url: str = ""
    registry_last_updated: dt.date | None = None
    status_confirmed: dt.date | None = None
    status_source: str = ""
    admin_notes: str = ""
    last_reviewed: dt.date | None = None
    published: bool = True
    draft_reason: str = ""  # why an import kept it a draft ("no neuroendocrine condition")
