"""Headings against the Contents list that points at them, and prose that is no part of a list.

A Contents line `* [label](#anchor)` names a section twice: by its anchor (which the parser
already checks) and by its label. The label should read as the heading it points to; a
translation's labels should be its own headings' words. Both are compared after folding
case and spaces; a label that differs only in case or spacing is reported as such.
"""

from __future__ import annotations

import re

from .common import CheckContext

_CONTENTS_LINE = re.compile(r"^\s*[*-]\s*\[([^\]]+)\]\(#([^)\s]+)\)")
_HEADING = re.compile(r"^(#{2,4})\s*(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s")


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _key(anchor: str) -> str:
    return re.sub(r"-+", "-", anchor.lower()).strip("-")


def check(ctx: CheckContext) -> None:
    if ctx.kind not in ("awesome-list", "zh-awesome-list"):
        return
    labels: dict[str, tuple[str, int]] = {}
    for number, text in enumerate(ctx.lines, start=1):
        m = _CONTENTS_LINE.match(text)
        if m:
            labels.setdefault(_key(m.group(2)), (m.group(1).strip(), number))
    for section in ctx.result.sections:
        if section.parent_key is not None or section.key not in labels:
            continue
        label, line = labels[section.key]
        if section.prov.line == line or label == section.title:
            continue  # a section known only from its Contents label, or an exact match
        how = "only in case or spacing" if _fold(label) == _fold(section.title) else "in words"
        ctx.warn(
            "check.contents-label-differs",
            f"Contents says {label!r} but the heading at line {section.prov.line} says "
            f"{section.title!r} (differs {how})",
            line,
            "the heading's title is the section's label; the Contents label is not used",
        )
    if ctx.kind == "zh-awesome-list":
        _stray_prose(ctx)


def _stray_prose(ctx: CheckContext) -> None:
    """A paragraph between the sections of a translated list (after the first entry) that the
    original does not have: text a translator or a tool left behind."""
    first = min((e.prov.line for e in ctx.result.entries), default=0)
    for number, line in enumerate(ctx.lines, start=1):
        text = line.strip()
        if number <= first or not text or _ITEM.match(line) or _HEADING.match(line):
            continue
        if text.startswith(("*", "_", "---", "<!--", ">", "|", "[")) or set(text) <= {"-", "*"}:
            continue
        ctx.warn(
            "check.stray-text",
            f"prose between the list's sections that is no entry: {text[:60]!r}",
            number,
            "ignored; not part of any entry or section",
        )
