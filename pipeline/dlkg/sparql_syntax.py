"""One readable line for a SPARQL syntax error, shared by `dlkg query` and the /sparql endpoint.

pyoxigraph's parser reports `error at 2:5: expected one of ...` followed by every alternative
its grammar had at that point, character classes included (six lines for an unknown prefix).
`explain` keeps the position, recognises the few messages people hit most (an undeclared
prefix, a malformed IRI, the parser's own sentences such as "Duplicated variable name in
SELECT") and shortens the rest to the keywords and punctuation that were expected. The engine's
full text stays in `SyntaxProblem.detail` for `--debug` and the endpoint's JSON error body.

Positions are 1-based line and column in characters of the text the user sent: the predefined
prefixes are passed to the engine separately (`Store.query(prefixes=...)`), never prepended.
Also here: the grammar's codepoint escapes (`unescape_codepoints`), which the guard's lexer
applies to read a query as SPARQL 1.1 does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .prefixes import PREDEFINED

_HEAD = re.compile(r"^error at (\d+):(\d+): expected (?:one of )?(.*)$", re.DOTALL)
# An alternative of the expectation list: a quoted token, a [character class], or a bare word
# or sentence up to the next ", " that starts a new alternative.
_ALTERNATIVE = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\](?:\s*\|[^,]*)?|[^,]+')
_PNAME_BEFORE = re.compile(r"([^\W\d][\w.-]*)?:[\w.%\\-]*$")
_SHOWN = 6  # expected alternatives shown before "..."
# Comments, IRIs and strings, blanked out (same length) before looking for prefixed names.
_MASK = re.compile(
    r"""
    \#[^\n\r]*
  | <[^<>"{}|^`\\\x00-\x20]*>
  | '''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
    """,
    re.VERBOSE | re.DOTALL,
)
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([^\W\d][\w.-]*)?:")
_PNAME = re.compile(r"(?<![\w?$@:.-])([^\W\d][\w.-]*)?:(?!//)")


@dataclass(frozen=True)
class SyntaxProblem:
    """A query the parser refused: one line for people, the engine's text for `--debug`."""

    message: str  # "unknown prefix `foo:` at line 1, column 22"
    line: int | None
    column: int | None
    detail: str  # the engine's message, unabridged

    def as_json(self) -> dict[str, object]:
        return {
            "error": self.message,
            "line": self.line,
            "column": self.column,
            "detail": self.detail,
        }


def _alternatives(expected: str) -> list[str]:
    flat = " ".join(expected.split())
    return [a.strip() for a in _ALTERNATIVE.findall(flat) if a.strip()]


def _is_sentence(alternative: str) -> bool:
    """The parser's own explanations ("Prefix not found", "The SELECT contains ...")."""
    return " " in alternative and not alternative.startswith(("[", '"', "'"))


def _near(text: str, offset: int) -> str:
    """The word at `offset` of text (0-based), for "near `ORDER`"; empty at the end."""
    rest = text[offset:].lstrip()
    match = re.match(r"\S{1,20}", rest)
    return match.group() if match else ""


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    if line < 1 or line > len(lines):
        return len(text)
    return sum(len(s) + 1 for s in lines[: line - 1]) + min(column - 1, len(lines[line - 1]))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def undeclared_prefix(text: str) -> tuple[str, int] | None:
    """The first prefixed name whose prefix neither the query nor `PREDEFINED` declares, as
    (prefix, offset). The parser does not always say "Prefix not found" for it: it reports
    the furthest point any alternative of its grammar reached, which can be further on."""
    masked = _MASK.sub(lambda m: " " * len(m.group()), text)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(masked)}
    declarations = {m.end() - 1 for m in _DECLARED.finditer(masked)}
    for match in _PNAME.finditer(masked):
        name = match.group(1) or ""
        if name == "_" or match.end() - 1 in declarations:  # a blank node, a declaration
            continue
        if name in declared or name in PREDEFINED:
            continue
        return name, match.start()
    return None


def explain(engine_message: str, text: str) -> SyntaxProblem:
    """The readable form of `engine_message`, the parser's error for the query `text`."""
    unknown = undeclared_prefix(text)
    if unknown is not None:
        row, col = _position(text, unknown[1])
        message = f"unknown prefix `{unknown[0]}:` at line {row}, column {col}"
        return SyntaxProblem(message, row, col, engine_message)
    head = _HEAD.match(engine_message.strip())
    if head is None:  # another shape of message: keep its first line only
        first = engine_message.strip().splitlines()[0] if engine_message.strip() else "?"
        return SyntaxProblem(f"syntax error: {first}", None, None, engine_message)
    line, column = int(head.group(1)), int(head.group(2))
    alternatives = _alternatives(head.group(3))
    sentences = [a for a in alternatives if _is_sentence(a)]
    offset = _offset(text, line, column)
    where = f"line {line}, column {column}"
    if "Prefix not found" in sentences:
        # The engine points just after the prefixed name; report where the name starts.
        found = _PNAME_BEFORE.search(text[:offset])
        if found is not None:
            row, col = _position(text, found.start())
            message = f"unknown prefix `{found.group(1) or ''}:` at line {row}, column {col}"
            return SyntaxProblem(message, row, col, engine_message)
        return SyntaxProblem(f"unknown prefix at {where}", line, column, engine_message)
    if "IRI parsing failed" in sentences:
        return SyntaxProblem(f"invalid IRI at {where}", line, column, engine_message)
    if sentences:
        sentence = sentences[0].rstrip(".")
        return SyntaxProblem(f"{sentence} (at {where})", line, column, engine_message)
    tokens = [a for a in alternatives if not a.startswith("[")]
    near = _near(text, offset)
    where = f"{where} near `{near}`" if near else f"the end of the query ({where})"
    if not tokens:
        return SyntaxProblem(f"syntax error at {where}", line, column, engine_message)
    shown = ", ".join(tokens[:_SHOWN]) + (", ..." if len(tokens) > _SHOWN else "")
    expected = f"expected {'one of ' if len(tokens) > 1 else ''}{shown}"
    message = f"syntax error at {where}: {expected}"
    return SyntaxProblem(message, line, column, engine_message)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """SPARQL 1.1, section 19.2: `\\uXXXX` and `\\UXXXXXXXX` decoded before parsing."""

    def decode(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return match.group()
        return chr(value)

    return _CODEPOINT.sub(decode, text)
