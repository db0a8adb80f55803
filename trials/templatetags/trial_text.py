"""Template filters that turn the plain text of a trial's sections into accessible HTML."""

from __future__ import annotations

from itertools import groupby

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.registry.choices import Diagnosis, Extent, Grade, PrimarySite, Sex
from trials.registry.glossary import Glossary

register = template.Library()

BULLETS = ("- ", "* ")


def _is_bullet(line: str) -> bool:
    return line.startswith(BULLETS)


def _linked(text: str, glossary: Glossary | None, seen: set[str]) -> str:
    """Escape the text and link the first use of each glossary word to its explanation."""
    if not glossary or glossary.pattern is None:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in glossary.pattern.finditer(text):
        entry = glossary.entry_for(match.group(0))
        if entry is None or entry.anchor in seen:
            continue
        seen.add(entry.anchor)
        parts.append(escape(text[position : match.start()]))
        parts.append(
            f'<a class="glossary-link" href="#{entry.anchor}" aria-describedby="{entry.anchor}-def">'
            f"{escape(match.group(0))}</a>"
        )
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


@register.filter
def paragraphs(text: str, glossary: Glossary | None = None) -> SafeString:
    """Render blank-line separated paragraphs as <p>, and lines starting "- " as a <ul> list.

    With a glossary, the first use of each medical word in the text links to its explanation.
    """
    seen: set[str] = set()
    html: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for bulleted, run in groupby(lines, key=_is_bullet):
            if bulleted:
                items = "".join(f"<li>{_linked(line[2:].strip(), glossary, seen)}</li>" for line in run)
                html.append(f"<ul>{items}</ul>")
            else:
                html.append(f"<p>{_linked(' '.join(run), glossary, seen)}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text above is escaped


@register.filter
def glossed(text: str, glossary: Glossary | None = None) -> SafeString:
    """Escape one line of text, linking its first glossary word (for list items and criteria)."""
    return mark_safe(_linked(text, glossary, set()))  # noqa: S308 - _linked escapes the text


@register.filter
def get_item(mapping: dict[object, object] | None, key: object) -> object:
    """Look a key up in a dict (for per-row values computed by the view)."""
    return (mapping or {}).get(key)


@register.filter
def miles(value: float | None) -> str:
    """A distance in words: "less than 1 mile", "1 mile", "about 12 miles"."""
    if value is None:
        return ""
    if value < 1:
        return "less than 1 mile"
    rounded = round(value)
    return "about 1 mile" if rounded == 1 else f"about {rounded} miles"


_CHOICE_LABELS: dict[str, dict[str, str]] = {
    "sex": dict(Sex.choices),
    "diagnosis": dict(Diagnosis.choices),
    "primary_site": dict(PrimarySite.choices),
    "grade": dict(Grade.choices),
    "extent": dict(Extent.choices),
}


@register.filter
def fact_value(value: object, fact: str | None = None) -> str:
    """A patient's value of a fact in words: labels for codes, lists joined, yes/no for booleans."""
    if value is None:
        return "–"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    labels = _CHOICE_LABELS.get(fact or "", {})
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(str(item), str(item).replace("_", " ")) for item in value) or "None"
    return labels.get(str(value), str(value).replace("_", " "))
