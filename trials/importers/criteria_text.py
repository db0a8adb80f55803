"""Split a registry's free eligibility text into inclusion and exclusion criteria.

Registries write criteria as Markdown-ish text: "Inclusion Criteria:" / "Exclusion Criteria:" headings
(in any case, often with "Key" in front), bullets ("*", "-", "•"), numbered items ("1.", "a)"),
indented sub-bullets, and lines wrapped by hand. Each top-level item becomes one criterion; its
sub-items are joined to it, so that "Adequate organ function:" keeps the values that define it.
A short line ending in ":" before a list ("For parent participants:") prefixes the items under it.
Nothing is dropped: text before the first heading is an inclusion criterion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trials.registry.choices import CriterionKind

# Markdown backslash escapes as ClinicalTrials.gov writes them ("\\>", "\\[", "m\\^2").
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|^=])")
_HEADING_RE = re.compile(
    r"^[\W\d_]*(?:(?:key|main|major|general|additional|specific|other)\s+)?"
    r"(?P<kind>inclusion|exclusion|eligibility)(?P<criteria>\s+criteria)?\b",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(
    r"^(?P<indent>\s*)(?:[*\-•▪◦·]\s+|-(?=\w)|\(?\d{1,2}[.)]\s+|\(?[a-zA-Z][.)]\s+|\(?[ivxIVX]{1,4}[.)]\s+)(?P<text>.*)$"
)
_EMPTY_RE = re.compile(r"^(?:none|n/?a|not applicable)\.?$", re.IGNORECASE)


@dataclass
class _Item:
    kind: str
    text: str
    indent: int
    bullet: bool
    label: str = ""
    subs: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if self.subs:
            self.subs[-1] = f"{self.subs[-1]} {text}"
        else:
            self.text = f"{self.text} {text}"

    def render(self) -> str:
        text = self.text.strip()
        if self.subs:
            text = f"{text} {'; '.join(s.strip() for s in self.subs)}"
        if self.label:
            text = f"{self.label} {text}"
        text = " ".join(text.split())
        return text.removesuffix(" -").strip()


def _heading(line: str) -> tuple[str, str] | None:
    """Return (kind, text after the heading) when the line is an inclusion/exclusion heading."""
    match = _HEADING_RE.match(line)
    if not match:
        return None
    rest = line[match.end() :]
    head, colon, after = rest.partition(":")
    if not match.group("criteria") and not (colon and not head.strip()):
        return None  # "Exclusion of patients who ..." is a criterion, not a heading.
    kind = CriterionKind.EXCLUSION if match.group("kind").lower() == "exclusion" else CriterionKind.INCLUSION
    if colon and len(head) <= 60:
        return kind, after.strip(" *_")
    if not colon and len(rest.strip(" *_-")) <= 40 and not rest.rstrip().endswith("."):
        return kind, ""
    return None


def split_criteria(text: str) -> list[tuple[str, str]]:
    """Return the criteria in `text` as (kind, text) pairs, in order."""
    items: list[_Item] = []
    kind = str(CriterionKind.INCLUSION)
    label = ""
    top_indent: int | None = None
    previous_blank = True
    previous_line = ""
    current: _Item | None = None

    for raw in _ESCAPE_RE.sub(r"\1", text).expandtabs(4).splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        heading = _heading(stripped)
        if heading is not None:
            kind, after = heading
            label, top_indent, current = "", None, None
            if after:
                current = _Item(kind, after, 0, bullet=False)
                items.append(current)
            previous_blank, previous_line = False, stripped
            continue
        indent = len(line) - len(line.lstrip())
        bullet = _BULLET_RE.match(line)
        if bullet:
            body = bullet.group("text").strip()
            if current is not None and current.bullet and top_indent is not None and indent > top_indent:
                current.subs.append(body)
            else:
                top_indent = indent if top_indent is None else min(top_indent, indent)
                current = _Item(kind, body, indent, bullet=True, label=label)
                items.append(current)
        elif current is not None and _continues(current, line, indent, previous_line, previous_blank, top_indent):
            current.add(stripped)
        elif stripped.endswith(":") and len(stripped) <= 80 and not re.search(r"\bfollowing\b", stripped, re.I):
            label, current = stripped, None
        else:
            current = _Item(kind, stripped, indent, bullet=False, label=label)
            items.append(current)
        previous_blank, previous_line = False, stripped

    result = []
    for item in items:
        rendered = item.render()
        if rendered and not _EMPTY_RE.match(" ".join(item.text.split())) and rendered != item.label:
            result.append((item.kind, rendered))
    return result


def _continues(
    current: _Item, line: str, indent: int, previous_line: str, previous_blank: bool, top_indent: int | None
) -> bool:
    """Whether a line without a bullet continues the current item (a wrapped or indented line)."""
    if current.bullet and top_indent is not None and indent > top_indent:
        return True
    if previous_blank:
        return False
    starts_lower = bool(re.match(r"[a-z0-9(]", line.strip()))
    return starts_lower and not previous_line.endswith((".", ";", ":", "!", "?"))
