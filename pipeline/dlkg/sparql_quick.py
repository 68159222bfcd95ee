"""A sound shortcut past the tokenizer for the common, harmless query: `quick_shape`.

Tokenizing a query in Python (dlkg.sparql_lexer) costs ~30 µs for a 200-character lookup,
the largest share of a lookup's work in a worker. Most queries contain nothing the guard
refuses, and that can be shown without knowing where tokens begin: a keyword is always
written out in ASCII letters somewhere in the text (escapes excluded below), so a word absent
from the lower-cased text is absent from every reading of it; and a count of characters is
an upper bound on the tokens built from them, however the text is split. `quick_shape`
answers only when such bounds prove the query harmless and the text can be lexed without an
error; otherwise it returns None and the tokenizer decides. Its answers equal the
tokenizer's (predefined prefixes may be a superset, which changes no answer: the engine lets
a query's own PREFIX win): tests/test_sparql_quick.py checks that on generated queries.
"""

from __future__ import annotations

import re

from .prefixes import PREDEFINED
from .sparql_lexer import CHAIN_OPS, CHAIN_WORDS, JOIN_WORDS, UPDATE_KEYWORDS

# Characters after which the tokenizer could stop with "unexpected character", or which let
# a keyword be spelt indirectly (`\u0053ERVICE`): any of them sends the query the long way
# (`$`, `@` and `&` only where they do not start a variable, a language tag or `&&`).
_ODD = re.compile(r"[\\~`%'\x00-\x08\x0b\x0c\x0e-\x1f\x7f$@&]")
_UNSAFE = re.compile(
    r"[\\~`%'\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\$(?![A-Za-z0-9_])|@(?![A-Za-z])|(?<!&)&(?!&)|&&&"
)
# Words whose presence anywhere sends a query the long way: whatever the guard refuses or
# bounds (updates, SERVICE, LOAD, REGEX patterns), and what the shape reads (LIMIT, VALUES,
# FROM). As substrings: `address` contains `add`, which costs only the shortcut. Taken from the
# tokenizer's own lists, so that a word it starts to count is bounded here too.
_LONG_WAY = tuple(
    sorted(
        w.lower()
        for w in UPDATE_KEYWORDS
        | {"SERVICE", "LOAD", "REGEX", "REPLACE", "LIMIT", "VALUES", "FROM"}
    )
)
_CHAIN_WORDS = tuple(sorted(w.lower() for w in CHAIN_WORDS))
_JOIN_WORDS = tuple(sorted(w.lower() for w in JOIN_WORDS))
_CHAIN_CHARS = "".join(sorted({c for op in CHAIN_OPS for c in op}))  # `||` counts as `|` twice
_GAP = r"(?:[ \t\r\n]|\#[^\r\n]*+)*"  # a comment runs to \r or \n, never less
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
# A prologue of PREFIX/BASE lines, then the query form as a whole word: the tokenizer reads
# exactly these tokens here, so the form is the one it finds first.
_FORM = re.compile(
    rf"""\A{_GAP}(?:(?:PREFIX[ \t\r\n]+{_GAP}(?:[A-Za-z](?:[\w.-]*[\w-])?)?:{_GAP}{_IRI}
    |BASE{_GAP}{_IRI}){_GAP})*(SELECT|ASK|CONSTRUCT|DESCRIBE)(?=[ \t\r\n*?$({{\#])""",
    re.IGNORECASE | re.ASCII | re.VERBOSE,
)
_PREDEFINED = tuple((name, f"{name}:") for name in PREDEFINED)
_DECLARED = re.compile(
    rf"PREFIX[ \t\r\n]+{_GAP}([A-Za-z](?:[\w.-]*[\w-])?)?:{_GAP}<", re.IGNORECASE | re.ASCII
)


def quick_shape(
    text: str, max_depth: int, max_chain: int, max_joins: int
) -> tuple[str, frozenset[str]] | None:
    """(form, predefined prefixes used) of a query proven harmless, else None.

    Harmless: no update, SERVICE, LOAD or REGEX/REPLACE; nesting, operator chains and planner
    operands within the bounds; no lexical error; no LIMIT, VALUES or FROM (the caller's
    shape then has no limit, appends at the end and names no dataset).
    """
    if len(text) > 8192 or not text.isascii():
        return None
    if _ODD.search(text) and _UNSAFE.search(text):
        return None
    # Strings: without `\\`, `'` and `"""` every string is a short one closed on its line,
    # so the tokenizer meets no unclosed quote where each line has an even number of them.
    if '"' in text and ('"""' in text or any(ln.count('"') % 2 for ln in text.splitlines())):
        return None
    lower = text.lower()
    if any(word in lower for word in _LONG_WAY):
        return None
    count = text.count
    if count("(") + count("[") + count("{") + count("<") > max_depth:
        return None
    # Operators are single symbols and chain words letters: together at most len(text).
    if len(text) > max_chain:
        operators = sum(count(c) for c in _CHAIN_CHARS)
        if operators + sum(lower.count(w) for w in _CHAIN_WORDS) > max_chain:
            return None
    # A triple pattern starts after one of { } . ) ; then ; , / | and the join words.
    starts = sum(count(c) for c in "{}.);,/|")
    if starts + sum(lower.count(w) for w in _JOIN_WORDS) > max_joins:
        return None
    form = _FORM.match(text)
    if form is None:
        return None
    # A predefined prefix whose name is written before a colon anywhere may be used (a
    # superset of the prefixed names' prefixes, as prefixes.predefined_used is generous too).
    used = [name for name, written in _PREDEFINED if written in text]
    if used:
        declared = {m or "" for m in _DECLARED.findall(text)}
        used = [name for name in used if name not in declared]
    return form.group(1).upper(), frozenset(used)
