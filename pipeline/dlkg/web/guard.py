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
  the first line);
- planner operands (triple patterns, OPTIONAL, ...) are bounded, and literal REGEX patterns
  the engine could not compile are refused once instead of failing on every row.

The query is read by dlkg.sparql_lexer, a tokenizer that follows the engine's own reading
(docs/decisions.md, "Query guard"); it also finds the outermost LIMIT so `cap_rows` can bound
a SELECT to max_rows + 1 rows without a second parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dlkg.sparql_lexer import UPDATE_KEYWORDS, Bounds, analyse
from dlkg.sparql_quick import quick_shape
from dlkg.sparql_regex import PatternError, check_call

from ..errors import GuardError

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
__all__ = [
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "GuardError",
    "GuardLimits",
    "QueryShape",
    "cap_rows",
    "inspect_query",
]


@dataclass(frozen=True)
class GuardLimits:
    """Bounds on a query's shape; the defaults keep far below the engine's crash points."""

    max_depth: int = 64  # nested ( { [ ; the engine crashed at ~3000
    max_chain: int = 1000  # operators and UNION/OPTIONAL/... in one query; it crashed at ~7000
    max_joins: int = 100  # planner operands (triple patterns, OPTIONAL, ...); 100 plan in < 1 s


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about an accepted query."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when the prologue is malformed
    has_dataset: bool  # FROM / FROM NAMED given in the query itself
    limit: int | None  # value of the outermost LIMIT
    limit_span: tuple[int, int] | None  # character span of that value
    append_at: int  # where a LIMIT may be inserted (before a trailing VALUES, else the end)
    predefined: frozenset[str] = frozenset()  # predefined prefixes used but not declared


def inspect_query(
    text: str,
    limits: GuardLimits = GuardLimits(),
    allowed_services: Sequence[str] = (),
) -> QueryShape:
    """Check a query's text; raise `GuardError` or return its shape.

    The text is read by dlkg.sparql_lexer the way the engine reads it. Syntax errors are left
    to the engine's parser (its message has line and column), except a character no SPARQL
    token can start with: past it the engine's reading cannot be followed. A query that
    dlkg.sparql_quick proves harmless without tokens skips the tokenizer (same shape).
    """
    quick = quick_shape(text, limits.max_depth, limits.max_chain, limits.max_joins)
    if quick is not None:
        return QueryShape(quick[0], False, None, None, len(text), quick[1])
    found = analyse(text, bounds=Bounds(limits.max_depth, limits.max_chain, limits.max_joins))
    if found.error is not None:
        at, char = found.error
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise GuardError(
            "syntax", f"malformed query: error at {line}:{column}: unexpected {char!r}"
        )
    more = "at least " if found.stopped else ""  # reading stopped at the first excess
    if found.depth > limits.max_depth:
        raise GuardError(
            "shape",
            f"query nests brackets {more}{found.depth} deep; the limit is {limits.max_depth}",
        )
    if found.updates:
        word = min(found.updates)
        raise GuardError("update", f"{word} is a SPARQL update; this endpoint is read-only")
    if found.chain > limits.max_chain:
        raise GuardError(
            "shape",
            f"query chains {more}{found.chain} operators and UNION/OPTIONAL/FILTER blocks; "
            f"the limit is {limits.max_chain}",
        )
    if found.joins > limits.max_joins:
        raise GuardError(
            "shape",
            f"query joins {more}{found.joins} triple patterns, path steps and OPTIONAL/UNION/MINUS/"
            f"GRAPH/subquery blocks ({more}{found.optionals} OPTIONAL); planning that many takes "
            f"seconds, the limit is {limits.max_joins}",
        )
    for service in found.services:
        if service.iri is None or service.iri not in allowed_services:
            shown = f"<{service.iri}>" if service.iri is not None else service.endpoint
            allowed_text = ", ".join(allowed_services) if allowed_services else "none"
            raise GuardError(
                "service",
                f"SERVICE {shown} is not allowed: this endpoint does not send queries to "
                f"other endpoints (allowed: {allowed_text})",
            )
    for call in found.regexes:
        try:
            check_call(call)
        except PatternError as bad:
            raise GuardError("regex", f"{call.function}: {bad} (checked before any row)") from None
    return QueryShape(
        found.form,
        found.has_dataset,
        found.limit,
        found.limit_span,
        found.append_at,
        frozenset(found.predefined),
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
