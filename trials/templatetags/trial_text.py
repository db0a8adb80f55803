"""Template filters that turn the plain text of a trial's sections into accessible HTML."""

from __future__ import annotations

from itertools import groupby

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

BULLETS = ("- ", "* ")


def _is_bullet(line: str) -> bool:
    return line.startswith(BULLETS)


@register.filter
def paragraphs(text: str) -> SafeString:
    """Render blank-line separated paragraphs as <p>, and lines starting "- " as a <ul> list."""
    html: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for bulleted, run in groupby(lines, key=_is_bullet):
            if bulleted:
                items = "".join(f"<li>{escape(line[2:].strip())}</li>" for line in run)
                html.append(f"<ul>{items}</ul>")
            else:
                html.append(f"<p>{escape(' '.join(run))}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text above is escaped
