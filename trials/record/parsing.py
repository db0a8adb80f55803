"""Parse the trial record: untrusted JSON into `TrialData` and its parts, or `RecordInvalid` naming every bad field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from trials.eligibility.rules import RuleError, validate_rule
from trials.record.data import (
    ContactData,
    CriterionData,
    DrugClassData,
    GlossaryTermData,
    HospitalData,
    InterventionData,
    LocationData,
    PartialDate,
    PublicationData,
    TrialData,
    TumourTypeData,
)
from trials.registry.choices import (
    CriterionKind,
    DatePrecision,
    Diagnosis,
    Grade,
    InterventionKind,
    Phase,
    PrimarySite,
    Sex,
    Status,
    TrialType,
)

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


class RecordInvalid(ValueError):
    """A record with bad fields; `errors` maps each field's path to a readable message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors.items()))


class _Reader:
    """Reads fields from one JSON object, collecting an error per bad field."""

    def __init__(self, data: object, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: dict[str, str] = {}
        if not isinstance(data, Mapping):
            self.errors[prefix or "record"] = "must be a JSON object."
            data = {}
        self.data: Mapping[str, Any] = data

    def path(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(self.path(key), message)

    def absorb(self, errors: Mapping[str, str]) -> None:
        for path, message in errors.items():
            self.errors.setdefault(path, message)

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(key, "must be text.")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(key, "is required.")
        if max_length is not None and len(value) > max_length:
            self.fail(key, f"must be at most {max_length} characters (it has {len(value)}).")
        return value

    def slug(self, key: str) -> str:
        value = self.text(key, required=True, max_length=200)
        if value and not SLUG_RE.match(value):
            self.fail(key, f"{value!r} is not a slug (letters, digits, hyphens and underscores only).")
        return value

    def choice(self, key: str, choices: Sequence[str], *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value in (None, ""):
            if required and not default:
                self.fail(key, f"is required; use one of: {', '.join(choices)}.")
            return default
        if value not in choices:
            self.fail(key, f"{value!r} is not one of: {', '.join(choices)}.")
            return default
        return str(value)

    def choices(self, key: str, choices: Sequence[str]) -> tuple[str, ...]:
        values = self.text_list(key)
        bad = [v for v in values if v not in choices]
        if bad:
            self.fail(key, f"{', '.join(map(repr, bad))} not among: {', '.join(choices)}.")
            return ()
        return tuple(sorted(set(values)))

    def text_list(self, key: str, *, max_length: int | None = None) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            self.fail(key, "must be a list of text.")
            return []
        items = [item.strip() for item in value if item.strip()]
        if max_length is not None and any(len(item) > max_length for item in items):
            self.fail(key, f"each entry must be at most {max_length} characters.")
            return []
        return items

    def objects(self, key: str) -> list[tuple[str, object]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "must be a list.")
            return []
        return [(f"{self.path(key)}[{index}]", item) for index, item in enumerate(value)]

    def integer(self, key: str, *, minimum: int = 0, maximum: int | None = None) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "must be a whole number or null.")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            self.fail(
                key,
                f"must be between {minimum} and {maximum}." if maximum else f"must be at least {minimum}.",
            )
            return None
        return int(value)

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, "must be a number or null.")
            return None
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(key, "must be true or false.")
            return default
        return value

    def partial_date(self, key: str) -> PartialDate | None:
        value = self.data.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.fail(key, "must be a date such as 2016-10-01, 2016-10 or 2016.")
            return None
        try:
            return PartialDate.parse(value.strip())
        except ValueError as error:
            self.fail(key, str(error))
            return None

    def date(self, key: str) -> dt.date | None:
        parsed = self.partial_date(key)
        if parsed is None:
            return None
        if parsed.precision != DatePrecision.DAY:
            self.fail(key, "must be a full date (YYYY-MM-DD).")
            return None
        return parsed.date

    def nested(self, key: str) -> _Reader:
        reader = _Reader(self.data.get(key) or {}, self.path(key))
        return reader


def _raise_if(reader: _Reader) -> None:
    if reader.errors:
        raise RecordInvalid(reader.errors)


def parse_tumour_type(data: object, prefix: str = "") -> TumourTypeData:
    r = _Reader(data, prefix)
    result = TumourTypeData(
        slug=r.slug("slug"),
        name=r.text("name", required=True, max_length=120),
        synonyms=tuple(r.text_list("synonyms")),
        primary_site=r.choice("primary_site", PrimarySite.values, required=False),
        diagnosis=r.choice("diagnosis", Diagnosis.values, required=False),
        description=r.text("description"),
    )
    _raise_if(r)
    return result


def parse_intervention(data: object, prefix: str = "") -> InterventionData:
    r = _Reader(data, prefix)
    result = InterventionData(
        slug=r.slug("slug"),
        name=r.text("name", required=True, max_length=120),
        kind=r.choice("kind", InterventionKind.values),
        synonyms=tuple(r.text_list("synonyms")),
        description=r.text("description"),
    )
    _raise_if(r)
    return result


def parse_drug_class(data: object, prefix: str = "") -> DrugClassData:
    r = _Reader(data, prefix)
    members = r.text_list("members", max_length=80)
    for index, member in enumerate(members):
        if not SLUG_RE.match(member):
            r.fail(f"members[{index}]", f"{member!r} is not an intervention slug.")
    result = DrugClassData(
        slug=r.slug("slug"),
        name=r.text("name", required=True, max_length=120),
        description=r.text("description"),
        members=tuple(dict.fromkeys(members)),
    )
    _raise_if(r)
    return result


def parse_hospital(data: object, prefix: str = "", *, name_key: str = "name") -> HospitalData:
    r = _Reader(data, prefix)
    result = _read_hospital(r, name_key)
    _raise_if(r)
    return result


def _read_hospital(r: _Reader, name_key: str) -> HospitalData:
    latitude, longitude = r.number("latitude"), r.number("longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        r.fail("latitude", "must be between -90 and 90.")
    if longitude is not None and not -180 <= longitude <= 180:
        r.fail("longitude", "must be between -180 and 180.")
    if (latitude is None) != (longitude is None):
        r.fail("longitude", "give both latitude and longitude, or neither.")
    return HospitalData(
        name=r.text(name_key, required=True, max_length=200),
        town=r.text("town", max_length=100),
        region=r.text("region", max_length=100),
        postcode=r.text("postcode", max_length=10).upper(),
        latitude=latitude,
        longitude=longitude,
    )


def parse_glossary_term(data: object, prefix: str = "") -> GlossaryTermData:
    r = _Reader(data, prefix)
    result = GlossaryTermData(
        term=r.text("term", required=True, max_length=80),
        definition=r.text("definition", required=True),
        synonyms=tuple(r.text_list("synonyms")),
    )
    _raise_if(r)
    return result


def _read_reference(r: _Reader, path: str, item: object) -> dict[str, Any] | None:
    if isinstance(item, str):
        item = {"slug": item}
    if not isinstance(item, Mapping) or not isinstance(item.get("slug"), str) or not SLUG_RE.match(item["slug"]):
        r.errors.setdefault(path, 'must be an object with a "slug".')
        return None
    return dict(item)


def is_email(text: str) -> bool:
    """Whether text is an e-mail address the contact's column accepts."""
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _read_contact(r: _Reader, path: str, item: object) -> ContactData | None:
    cr = _Reader(item, path)
    contact = ContactData(
        name=cr.text("name", max_length=200),
        role=cr.text("role", max_length=200),
        phone=cr.text("phone", max_length=60),
        email=cr.text("email", max_length=254),
    )
    if contact.email and not is_email(contact.email):
        cr.fail("email", f"{contact.email!r} is not an e-mail address.")
    if not (contact.name or contact.phone or contact.email):
        cr.fail("name", "give a name, a phone number or an e-mail address.")
    r.absorb(cr.errors)
    return None if cr.errors else contact


def _read_criterion(r: _Reader, path: str, item: object) -> CriterionData | None:
    cr = _Reader(item, path)
    kind = cr.choice("kind", CriterionKind.values)
    text = cr.text("text", required=True)
    registry_text = cr.text("registry_text")
    cohort = cr.text("cohort", max_length=80)
    if any(char in cohort for char in "\t\n\r"):
        cr.fail("cohort", "must be one line.")
    rule = cr.data.get("rule")
    if rule is not None:
        try:
            validate_rule(rule)
        except RuleError as error:
            cr.fail("rule", str(error))
    r.absorb(cr.errors)
    return (
        None
        if cr.errors
        else CriterionData(kind=kind, text=text, rule=rule, registry_text=registry_text, cohort=cohort)
    )


def parse_trial(data: object, prefix: str = "") -> TrialData:
    """Validate one trial record; raise RecordInvalid naming every bad field."""
    r = _Reader(data, prefix)
    cancer_types: list[TumourTypeData] = []
    for path, item in r.objects("cancer_types"):
        ref = _read_reference(r, path, item)
        if ref is not None:
            cancer_types.append(TumourTypeData(slug=ref["slug"], name=str(ref.get("name") or "")))
    interventions: list[InterventionData] = []
    for path, item in r.objects("interventions"):
        ref = _read_reference(r, path, item)
        if ref is None:
            continue
        kind = ref.get("kind") or ""
        if kind and kind not in InterventionKind.values:
            r.errors.setdefault(f"{path}.kind", f"{kind!r} is not one of: {', '.join(InterventionKind.values)}.")
        synonyms = ref.get("synonyms") or []
        if not (isinstance(synonyms, list) and all(isinstance(s, str) for s in synonyms)):
            r.errors.setdefault(f"{path}.synonyms", "must be a list of text.")
            synonyms = []
        interventions.append(
            InterventionData(slug=ref["slug"], name=str(ref.get("name") or ""), kind=kind, synonyms=tuple(synonyms))
        )
    locations: list[LocationData] = []
    for path, item in r.objects("locations"):
        lr = _Reader(item, path)
        hospital = _read_hospital(lr, "hospital")
        recruiting = lr.boolean("recruiting", True)
        contact = _read_contact(lr, lr.path("contact"), lr.data["contact"]) if lr.data.get("contact") else None
        r.absorb(lr.errors)
        if not lr.errors:
            locations.append(LocationData(hospital=hospital, recruiting=recruiting, contact=contact))
    contacts = [_read_contact(r, path, item) for path, item in r.objects("contacts")]

    identifiers = r.nested("identifiers")
    eligibility = r.nested("eligibility")
    criteria = [_read_criterion(r, path, item) for path, item in eligibility.objects("criteria")]
    results = r.nested("results")
    publications = []
    for path, item in results.objects("publications"):
        pr = _Reader(item, path)
        title, url = pr.text("title", required=True, max_length=500), pr.text("url", max_length=500)
        if url and not url.startswith(("http://", "https://")):
            pr.fail("url", "must be an http(s) address.")
        r.absorb(pr.errors)
        publications.append(PublicationData(title=title, url=url))

    trial = TrialData(
        slug=r.slug("slug"),
        old_slugs=tuple(sorted(set(r.text_list("old_slugs")))),
        cruk_id=r.integer("cruk_id", minimum=1, maximum=2_147_483_647),
        title=r.text("title", required=True, max_length=300),
        acronym=r.text("acronym", max_length=60),
        official_title=r.text("official_title"),
        status=r.choice("status", Status.values),
        phase=r.choice("phase", Phase.values, required=False),
        trial_type=r.choice("trial_type", TrialType.values),
        cancer_types=tuple(sorted(set(cancer_types), key=lambda t: t.slug)),
        any_net=r.boolean("any_net", False),
        registry_conditions=tuple(dict.fromkeys(r.text_list("registry_conditions", max_length=300))),
        registry_countries=tuple(dict.fromkeys(r.text_list("registry_countries", max_length=60))),
        grades=r.choices("grades", Grade.values),
        summary=r.text("summary"),
        more_about=r.text("more_about"),
        trial_design=r.text("trial_design"),
        hospital_visits=r.text("hospital_visits"),
        side_effects=r.text("side_effects"),
        interventions=tuple(dict.fromkeys(interventions)),
        locations=tuple(sorted(locations, key=lambda loc: (loc.hospital.name, loc.hospital.postcode))),
        recruitment_start=r.partial_date("recruitment_start"),
        recruitment_end=r.partial_date("recruitment_end"),
        chief_investigator=r.text("chief_investigator", max_length=200),
        supported_by=tuple(r.text_list("supported_by")),
        contacts=tuple(dict.fromkeys(c for c in contacts if c is not None)),
        other_information=r.text("other_information"),
        nct=identifiers.text("nct", max_length=11).upper(),
        isrctn=identifiers.text("isrctn", max_length=14).upper(),
        eudract=identifiers.text("eudract", max_length=20),
        iras=identifiers.text("iras", max_length=10),
        min_age=eligibility.integer("min_age", maximum=120),
        max_age=eligibility.integer("max_age", maximum=120),
        sexes=eligibility.choices("sexes", Sex.values),
        criteria=tuple(c for c in criteria if c is not None),
        results_summary=results.text("lay_summary"),
        publications=tuple(publications),
        source=r.text("source"),
        source_url=r.text("source_url", max_length=500),
        registry_last_updated=r.date("registry_last_updated"),
        status_confirmed=r.date("status_confirmed"),
        status_source=r.text("status_source", max_length=40),
        admin_notes=r.text("admin_notes"),
        last_reviewed=r.date("last_reviewed"),
        published=r.boolean("published", True),
        draft_reason=r.text("draft_reason", max_length=100),
    )
    for reader in (identifiers, eligibility, results):
        r.absorb(reader.errors)
    if trial.min_age is not None and trial.max_age is not None and trial.min_age > trial.max_age:
        r.fail("eligibility.max_age", "must not be below min_age.")
    if trial.recruitment_start and trial.recruitment_end and trial.recruitment_start.date > trial.recruitment_end.date:
        r.fail("recruitment_end", "must not be before recruitment_start.")
    _raise_if(r)
    return trial
