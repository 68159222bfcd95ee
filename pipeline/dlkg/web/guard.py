"""Static checks a query passes before the engine ever sees it.

pyoxigraph cannot be told to stay off the network, to stop, or to refuse a query that blows
its stack, so everything dangerous is decided here, on tokens, before `Store.query`:

- updates (INSERT, LOAD, CLEAR...) are refused: the endpoint is read-only, and LOAD would make
  the engine fetch any URL;
- SERVICE is refused unless its endpoint IRI is allow-listed by the operator (the engine sends
  the request and copies the remote body into its error text);
- nesting depth and operator chains are bounded: a few KB of nested brackets or a long
  `1+1+...` chain overflow the engine's stack and kill the process (measured in
  docs/decisions.md, "Server and SPARQL endpoint"); worker isolation is the backstop, this is
  the first line).

The tokenizer also finds the outermost LIMIT so `cap_rows` can bound a SELECT to max_rows + 1
rows without a second parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ..errors import GuardError
from ..prefixes import PREDEFINED

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
# Operators whose long chains become deep trees in the engine (measured: ~7000 '+' crash it).
_CHAIN_OPERATORS = frozenset({"+", "-", "*", "/", "|", "||", "&&", "!", "^", "=", "!="})
_CHAIN_KEYWORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH"})
_OPEN = frozenset("({[")
_CLOSE = frozenset(")}]")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%\\.-]|\\.)*|_:[\w.-]+)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|[-+*/|!^=<>(){}\[\],;.])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class GuardLimits:
    """Bounds on a query's shape; the defaults keep far below the engine's crash points."""

    max_depth: int = 64  # nested ( { [ ; the engine crashed at ~3000
    max_chain: int = 1000  # operators and UNION/OPTIONAL/... in one query; it crashed at ~7000


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about an accepted query."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when the prologue is malformed
    has_dataset: bool  # FROM / FROM NAMED given in the query itself
    limit: int | None  # value of the outermost LIMIT
    limit_span: tuple[int, int] | None  # character span of that value
    append_at: int  # where a LIMIT may be inserted (before a trailing VALUES, else the end)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    depth: int  # bracket depth before this token


def _tokens(text: str) -> Iterator[_Token]:
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if kind == "op" and value in _CLOSE:
            depth -= 1
        yield _Token(kind, value, match.start(), depth)
        if kind == "op" and value in _OPEN:
            depth += 1


# Comments, strings and IRIs are masked (same length) before looking for keywords.
_MASK = re.compile(
    r"""
    \#[^\n\r]*
  | <[^<>"{}|^`\\\x00-\x20]*>
  | '''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
    """,
    re.VERBOSE | re.DOTALL,
)
_FORM = re.compile(r"(?<![\w:?$@\\])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])")
_LIMIT = re.compile(r"(?<![\w:?$@])LIMIT\s+(\d+)", re.IGNORECASE)
_VALUES = re.compile(r"(?<![\w:?$@])VALUES(?![\w:])", re.IGNORECASE)
_NOT_BRACKET = re.compile(r"[^(){}\[\]]+")
_OPS = re.compile(r"\|\||&&|!=|[-+*/|!^=]")
_DEPTH = {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _depth_at(masked: str, pos: int) -> int:
    opened = masked.count("(", 0, pos) + masked.count("{", 0, pos) + masked.count("[", 0, pos)
    closed = masked.count(")", 0, pos) + masked.count("}", 0, pos) + masked.count("]", 0, pos)
    return opened - closed


def inspect_query(
    text: str,
    limits: GuardLimits = GuardLimits(),
    allowed_services: Sequence[str] = (),
) -> QueryShape:
    """Check a query's text; raise `GuardError` or return its shape.

    Syntax errors are left to the engine's parser (its message has line and column); only
    what is dangerous to hand to the engine is refused here. Runs on every request, so the
    common path is a few C-level regex scans; the full tokenizer runs only for SERVICE.
    """
    masked = _MASK.sub(_blank, text)
    brackets = _NOT_BRACKET.sub("", masked)
    depth = max(accumulate(map(_DEPTH.__getitem__, brackets)), default=0)
    if depth > limits.max_depth:
        raise GuardError(
            "shape", f"query nests brackets {depth} deep; the limit is {limits.max_depth}"
        )
    upper = masked.upper()
    # Substring tests first (C speed); the word-boundary regex only confirms a hit.
    for word in UPDATE_KEYWORDS:
        if word in upper and _keyword(word).search(upper):
            raise GuardError("update", f"{word} is a SPARQL update; this endpoint is read-only")
    # Overcounts keywords inside prefixed names: harmless for a limit this far off.
    chain = len(_OPS.findall(masked)) + sum(map(upper.count, _CHAIN_KEYWORDS))
    if chain > limits.max_chain:
        raise GuardError(
            "shape",
            f"query chains {chain} operators and UNION/OPTIONAL/FILTER blocks; "
            f"the limit is {limits.max_chain}",
        )
    if "SERVICE" in upper:
        _check_services(text, allowed_services)
    limit: int | None = None
    limit_span: tuple[int, int] | None = None
    if "LIMIT" in upper:
        for match in _LIMIT.finditer(masked):
            if _depth_at(masked, match.start()) == 0:
                limit, limit_span = int(match.group(1)), match.span(1)
    append_at = len(text)
    if "VALUES" in upper:
        for match in _VALUES.finditer(masked):
            if _depth_at(masked, match.start()) == 0:
                append_at = match.start()
    found = _FORM.search(upper)
    form = found.group(1) if found else None
    has_from = "FROM" in upper and _keyword("FROM").search(upper) is not None
    return QueryShape(form, has_from, limit, limit_span, append_at)


@lru_cache(maxsize=32)
def _keyword(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w:?$@\\]){word}(?![\w:])")


def _check_services(text: str, allowed: Sequence[str]) -> None:
    """Refuse every SERVICE whose endpoint is not allow-listed (full tokenizer)."""
    tokens = list(_tokens(text))
    # The endpoint predefines these (runner.py); the query's own declarations replace them.
    prefixes: dict[str, str] = {f"{name}:": iri for name, iri in PREDEFINED.items()}
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text] = tokens[i + 2].text[1:-1]
        elif word == "SERVICE":
            _check_service(tokens, i, prefixes, allowed)


def _check_service(
    tokens: list[_Token], at: int, prefixes: dict[str, str], allowed: Sequence[str]
) -> None:
    nxt = at + 1
    if nxt < len(tokens) and tokens[nxt].text.upper() == "SILENT":
        nxt += 1
    target = tokens[nxt] if nxt < len(tokens) else None
    iri: str | None = None
    if target is not None and target.kind == "iri":
        iri = target.text[1:-1]
    elif target is not None and target.kind == "pname":
        prefix, _, local = target.text.partition(":")
        if prefix + ":" in prefixes:
            iri = prefixes[prefix + ":"] + local
    if iri is not None and iri in allowed:
        return
    shown = f"<{iri}>" if iri is not None else (target.text if target is not None else "")
    allowed_text = ", ".join(allowed) if allowed else "none"
    raise GuardError(
        "service",
        f"SERVICE {shown} is not allowed: this endpoint does not send queries to other "
        f"endpoints (allowed: {allowed_text})",
    )


def cap_rows(text: str, shape: QueryShape, max_rows: int) -> str:
    """The SELECT with its outermost LIMIT at most max_rows + 1 (the extra row shows a cut)."""
    if shape.form != "SELECT":
        return text
    bound = max_rows + 1
    if shape.limit is not None and shape.limit_span is not None:
        if shape.limit <= max_rows:
            return text
        start, end = shape.limit_span
        return text[:start] + str(bound) + text[end:]
    # A newline first: the query may end in a comment.
    return text[: shape.append_at] + f"\nLIMIT {bound}\n" + text[shape.append_at :]
