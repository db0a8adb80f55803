"""Template filters that turn the plain text of a trial's sections into accessible HTML."""

from __future__ import annotations

from itertools import groupby

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.registry.choices import Diagnosis, Extent, Grade, PrimarySite, Sex
from trials.registry.glossary import Entry, Glossary

register = template.Library()

BULLETS = ("- ", "* ")


def _is_bullet(line: str) -> bool:
    return line.startswith(BULLETS)


def _marked(text: str, glossary: Glossary | None, seen: set[str]) -> tuple[str, list[tuple[str, Entry]]]:
    """Escape the text, mark the first use of each glossary word, and return the words and entries used."""
    if not glossary or glossary.pattern is None:
        return escape(text), []
    parts: list[str] = []
    used: list[tuple[str, Entry]] = []
    position = 0
    for match in glossary.pattern.finditer(text):
        entry = glossary.entry_for(match.group(0))
        if entry is None or entry.anchor in seen:
            continue
        seen.add(entry.anchor)
        used.append((match.group(0), entry))
        parts.append(escape(text[position : match.start()]))
        parts.append(f'<span class="glossary-term">{escape(match.group(0))}</span>')
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts), used


def _explained(used: list[tuple[str, Entry]]) -> str:
    """The meaning of each word, in place: a <details> the reader opens where they read, no jump.

    It names the word as the text uses it ("spread"), which may be a synonym of the entry's term.
    """
    return "".join(
        f'<details class="glossary-note"><summary>What “{escape(word)}” means</summary>'
        f"<p>{escape(entry.definition)}</p></details>"
        for word, entry in used
    )


@register.filter
def paragraphs(text: str, glossary: Glossary | None = None) -> SafeString:
    """Render blank-line separated paragraphs as <p>, and lines starting "- " as a <ul> list.

    With a glossary, the first use of each medical word is marked, and its meaning follows the
    paragraph or list that uses it, folded in a <details>.
    """
    seen: set[str] = set()
    html: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for bulleted, run in groupby(lines, key=_is_bullet):
            if bulleted:
                items = [_marked(line[2:].strip(), glossary, seen) for line in run]
                html.append("<ul>" + "".join(f"<li>{item}</li>" for item, _used in items) + "</ul>")
                html.append(_explained([entry for _item, used in items for entry in used]))
            else:
                marked, used = _marked(" ".join(run), glossary, seen)
                html.append(f"<p>{marked}</p>{_explained(used)}")
    return mark_safe("\n".join(part for part in html if part))  # noqa: S308 - every piece of text above is escaped


@register.filter
def glossed(text: str, glossary: Glossary | None = None) -> SafeString:
    """Escape one line of text (a list item, a criterion), its glossary words explained after it."""
    marked, used = _marked(text, glossary, set())
    return mark_safe(marked + _explained(used))  # noqa: S308 - _marked and _explained escape the text


@register.filter
def tel_href(phone: str) -> str:
    """A phone number as a tel: address: "+44 (0)161 446 3000" -> "tel:+441614463000"."""
    number = phone.split("ext")[0].replace("(0)", "")
    digits = "".join(c for c in number if c.isdigit())
    return f"tel:{'+' if number.strip().startswith('+') else ''}{digits}"


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
