"""The intervention vocabulary the structurer names treatments from: slugs, names, synonyms, kinds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Drug:
    """One intervention as the structurer sees it (the ORM row's slug, name, kind and synonyms)."""

    slug: str
    name: str
    kind: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    drugs: tuple[Drug, ...] = ()

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Vocabulary:
        """Build from dicts with slug, name, kind and synonyms (the seed file's "interventions")."""
        return cls(
            tuple(
                Drug(
                    slug=str(record["slug"]),
                    name=str(record.get("name") or record["slug"]),
                    kind=str(record.get("kind") or "other"),
                    synonyms=tuple(str(synonym) for synonym in record.get("synonyms") or ()),
                )
                for record in records
            )
        )

    def slugs(self) -> set[str]:
        return {drug.slug for drug in self.drugs}

    def known(self, slugs: Iterable[str]) -> set[str]:
        """Which of `slugs` are in the vocabulary: the shape `validate_rule(known_treatments=...)` takes."""
        return set(slugs) & self.slugs()
