"""A SPARQL tokenizer that reads a query the way pyoxigraph's parser does, and what it finds.

The terminals follow the SPARQL grammar (IRIREF, PNAME_LN with PN_LOCAL_ESC and percent
escapes, the four string forms with ECHAR, VAR1/VAR2, BLANK_NODE_LABEL, numbers, LANGTAG,
comments only outside tokens). Where the engine is not a longest-match tokenizer this follows
the engine (checked against it in tests/web/test_guard_differential.py and
tests/test_sparql_lexer.py): `<` after an operand in an expression is less-than however far a
`>` is; keywords need no word boundary (`SERVICEex:x`, `LIMIT10`, `trueSERVICE<x>{}`); `\\u`
escapes are decoded in IRIs and strings only, and where SPARQL 1.1 (which decodes them first)
could read a query otherwise both readings are analysed and joined. Details and the probes
behind each rule: docs/decisions.md, "Query guard".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .prefixes import PREDEFINED, predefined_used
from .sparql_regex import RegexCall, regex_calls
from .sparql_syntax import unescape_codepoints

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ESC = rf"\\[tbnrf\\\"']|{_UCHAR}"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
# Whitespace and comments are skipped inside the same match as the token after them.
_TOKEN = re.compile(
    rf"""
    [ \t\r\n]*(?:\#[^\r\n]*[ \t\r\n]*)*
    (?:
    (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<str>'''(?:(?:'|'')?(?:[^'\\]|{_ESC}))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ESC}))*\"\"\"
           |'(?:[^'\\\n\r]|{_ESC})*'|"(?:[^"\\\n\r]|{_ESC})*")
  | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<op><<|>>|\|\||&&|!=|<=|>=|\^\^|[-+*/|!^=<>(){{}}\[\],;.?])
  | (?P<other>.)
  | (?P<end>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
# Long chains of these become deep trees in the engine (~7000 '+' crash it).
CHAIN_OPS = frozenset({"+", "-", "*", "/", "|", "||", "&&", "!", "^", "=", "!="})
CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH"})
# Each is one more operand for the join planner, whose time grows about as the 4th power of
# their number (docs/decisions.md, "Query guard"): triple patterns and path steps count too.
JOIN_WORDS = frozenset({"OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "EXISTS", "SELECT"})
# Words whose position matters: read again in order by _shape.
_SHAPE_WORDS = frozenset({"PREFIX", "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "FROM", "VALUES"})
_TERMS = frozenset({"var", "str", "num", "iri", "pname", "bnode"})
_OPERAND_END = _TERMS | {"lang", ")", ">>", "TRUE", "FALSE"}
_PLAIN = frozenset({"var", "str", "num", "bnode", "lang"})  # tokens that never change context
_STARTS = frozenset({"{", "}", ".", ")"})  # a term after these starts a triple pattern
_KEYWORD_HEADS = frozenset("sSlLhHfFtT")  # SERVICE LOAD HAVING FILTER TRUE FALSE
_CLAUSE_WORDS = ("SELECT", "GROUP", "ORDER", "HAVING")
_OPEN = {"(": 1, "{": 1, "[": 1, "<<": 1, ")": -1, "}": -1, "]": -1, ">>": -1}


@dataclass(frozen=True)
class Bounds:
    """Stop reading once a count passes one of these: the query is refused anyway, and a
    megabyte of `(` should cost microseconds, not seconds."""

    depth: int
    chain: int
    joins: int


_QUIET: dict[str, str] = {}  # words (as written) that need no work, upper-cased
_LOUD: dict[str, str] = {}  # words (as written) that do, upper-cased
_DECLARABLE = {f"{name}:": iri for name, iri in PREDEFINED.items()}  # as PREFIX lines name them
_UNBOUNDED = Bounds(1 << 62, 1 << 62, 1 << 62)


class Token(NamedTuple):
    kind: str  # iri str var bnode pname word num lang op
    text: str
    start: int


@dataclass(frozen=True)
class Service:
    """One SERVICE the engine would call: its endpoint as written and its IRI if known."""

    endpoint: str
    iri: str | None


@dataclass
class Analysis:
    """What a query contains, as far as guarding the engine is concerned."""

    error: tuple[int, str] | None = None  # offset and text of the first unlexable character
    form: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE
    services: list[Service] = field(default_factory=list)
    updates: set[str] = field(default_factory=set)  # update keywords as words
    glued_load: bool = False  # a name beginning with LOAD (read as LOAD in an update)
    depth: int = 0  # deepest nesting of ( { [ <<
    chain: int = 0  # operators plus UNION/OPTIONAL/MINUS/FILTER/BIND/GRAPH
    joins: int = 0  # operands for the planner: triple patterns, path steps, OPTIONAL, ...
    optionals: int = 0
    has_dataset: bool = False  # FROM / FROM NAMED
    limit: int | None = None  # the outermost LIMIT
    limit_span: tuple[int, int] | None = None
    append_at: int = 0  # where a LIMIT may go: before a trailing VALUES, else the end
    regexes: list[RegexCall] = field(default_factory=list)
    stopped: bool = False  # a count passed its bound and reading stopped there
    # Predefined prefixes (prefixes.PREDEFINED) the query uses without declaring them: the
    # engine is given only these (converting all of them costs ~10 µs per query).
    predefined: set[str] = field(default_factory=set)

    def merge(self, other: Analysis) -> None:
        """Add another reading's findings (larger counts win), not its lexical error:
        `"\\u0022"` is a quote in a string to the engine, malformed only in SPARQL 1.1."""
        self.services += other.services
        self.updates |= other.updates
        self.glued_load = self.glued_load or other.glued_load
        self.depth = max(self.depth, other.depth)
        self.chain = max(self.chain, other.chain)
        self.joins = max(self.joins, other.joins)
        self.optionals = max(self.optionals, other.optionals)
        self.regexes += other.regexes
        self.predefined |= other.predefined


def analyse(text: str, *, codepoint_escapes: bool = True, bounds: Bounds | None = None) -> Analysis:
    """The engine's reading of `text`, joined with the SPARQL 1.1 one if they can differ.

    `codepoint_escapes=False` gives the engine's reading alone (pyoxigraph 0.5 decodes
    `\\u` only inside IRIs and strings).
    """
    found = _analyse(text, bounds)
    if found.stopped:
        return found
    if codepoint_escapes and ("\\u" in text or "\\U" in text):
        spec = unescape_codepoints(text)
        if spec != text:
            found.merge(_analyse(spec, bounds))
    return found


def tokens(text: str) -> list[Token]:
    """The significant tokens of `text` as the engine reads them (no whitespace or comments)."""
    return _scan(text, Analysis(), _UNBOUNDED)[0]


def _analyse(text: str, bounds: Bounds | None) -> Analysis:
    result = Analysis(append_at=len(text))
    toks, marks, has_regex = _scan(text, result, bounds or _UNBOUNDED)
    _shape(toks, marks, result)
    if has_regex:
        result.regexes = regex_calls(toks)
    return result


def _scan(
    text: str, out: Analysis, bounds: Bounds
) -> tuple[list[Token], list[tuple[int, int]], bool]:
    """Tokenize with the engine's context rules, counts into `out`; the tokens, (index,
    bracket depth) of the words `_shape` reads, and whether a REGEX or REPLACE occurs."""
    toks: list[Token] = []
    marks: list[tuple[int, int]] = []
    frames = ["top"]  # top group bnode expr list values
    clause = [False]  # inside SELECT ... { or GROUP/ORDER/HAVING at this frame
    depth = depth_max = chain = joins = optionals = 0
    prev = prev2 = ""  # kinds (words as their upper-case text, ops as themselves)
    values_next = prefix_next = has_regex = False
    pos, end, match = 0, len(text), _TOKEN.match
    new_token = tuple.__new__  # Token(...) without NamedTuple's Python-level __new__
    append = toks.append
    while pos < end:
        m = match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind = m.lastgroup or "end"
        value = m.group(kind)
        pos = m.end()
        if kind in _PLAIN or (
            # IRIs outside expressions, names that cannot hide a keyword: just as common
            (kind == "iri" and frames[-1] != "expr")
            or (kind == "pname" and not prefix_next and value[0] not in _KEYWORD_HEADS)
        ):
            append(new_token(Token, (kind, value, pos - len(value))))
            if prev in _STARTS and frames[-1] == "group":
                joins += 1  # a triple pattern starts
            prev2, prev = prev, kind
            continue
        if kind == "word" and value in _QUIET:  # AS, COUNT, DISTINCT, a, STR...: nothing to do
            append(new_token(Token, (kind, value, pos - len(value))))
            prefix_next = False
            prev2, prev = prev, _QUIET[value]
            continue
        if kind == "end":
            break
        start = pos - len(value)
        frame = frames[-1]
        if frame == "expr" and (kind == "iri" or value == "<<") and prev in _OPERAND_END:
            # The engine reads a comparison here: '<' (or '<='), then lexes on.
            kind, value = "op", "<=" if text.startswith("<=", start) else "<"
        elif kind == "other":
            out.error = (start, value)
            break
        elif (
            kind in ("word", "pname") and not prefix_next and value[:4].upper() in ("TRUE", "FALS")
        ):
            # trueSERVICE<x>{} is `true SERVICE <x> {}` to the engine (an object, then a
            # pattern): lex the boolean alone and the rest as the next token.
            cut = 4 if value[:4].upper() == "TRUE" else 5
            if value[cut : cut + 1].isalpha() or value[cut : cut + 1] == ":":
                kind, value = "word", value[:cut]
        pos = start + len(value)
        append(new_token(Token, (kind, value, start)))
        if kind == "word":
            word = _LOUD.get(value)
            if word is None:
                word = value.upper()
                if len(_QUIET) + len(_LOUD) < 4096:  # bounded: words come from clients
                    (_QUIET if _is_quiet(word) else _LOUD)[value] = word
            if word in _SHAPE_WORDS or word.startswith(("SERVICE", "LIMIT")):
                marks.append((len(toks) - 1, depth))
            elif word in UPDATE_KEYWORDS:
                out.updates.add(word)
            elif word.startswith("LOAD"):
                out.glued_load = True
            elif word in ("REGEX", "REPLACE"):
                has_regex = True
            if word in CHAIN_WORDS:
                chain += 1
            if word in JOIN_WORDS and (depth or word != "SELECT"):  # subqueries only
                joins += 1
                optionals += word == "OPTIONAL"
            if word.startswith(_CLAUSE_WORDS) and frame in ("top", "group"):
                clause[-1] = True  # SELECTDISTINCT( is SELECT DISTINCT ( to the engine
            if chain > bounds.chain or joins > bounds.joins:
                out.stopped = True
                break
            values_next = values_next or word == "VALUES"
            prefix_next = word == "PREFIX"
            prev2, prev = prev, word
            continue
        if kind == "pname" and not prefix_next:
            upper = value.upper()
            if upper.startswith("SERVICE"):
                marks.append((len(toks) - 1, depth))
                joins += 1
            elif upper.startswith("LOAD"):
                out.glued_load = True
            elif upper.startswith("HAVING") and frame in ("top", "group"):
                clause[-1] = True
            elif upper.startswith("FILTER"):
                # FILTERex:f( is FILTER ex:f( to the engine: an expression follows.
                prev2, prev = prev, "FILTER"
                continue
        prefix_next = False
        if kind == "op":
            step = _OPEN.get(value)
            if step == 1:
                depth += 1
                if depth > depth_max:
                    depth_max = depth
                    if depth > bounds.depth:
                        out.stopped = True
                        break
                if value == "(":
                    frames.append(_paren_kind(frame, prev, prev2, clause[-1], values_next))
                elif value == "{":
                    clause[-1] = False
                    frames.append("values" if values_next else "group")
                    values_next = False
                elif value == "[":
                    frames.append("bnode")
                if value != "<<":
                    clause.append(False)
            elif step == -1:
                depth -= 1
                if value != ">>" and len(frames) > 1:
                    frames.pop()
                    clause.pop()
            elif value in CHAIN_OPS:
                chain += 1
                if value in ("/", "|") and frame in ("group", "bnode", "list"):
                    joins += 1  # a property path step
            if value in (";", ",") and frame in ("group", "bnode"):
                joins += 1  # one more triple pattern with the same subject
            if chain > bounds.chain or joins > bounds.joins:
                out.stopped = True
                break
        elif kind in _TERMS and frame == "group" and prev in _STARTS:
            joins += 1  # a triple pattern starts
        prev2, prev = prev, (value if kind == "op" else kind)
    out.depth, out.chain, out.joins, out.optionals = depth_max, chain, joins, optionals
    return toks, marks, has_regex


def _is_quiet(word: str) -> bool:
    """A word that changes no count, mark or context (only `prev`)."""
    loud = (_SHAPE_WORDS, UPDATE_KEYWORDS, CHAIN_WORDS, JOIN_WORDS, ("REGEX", "REPLACE"))
    heads = ("SERVICE", "LIMIT", "LOAD", "TRUE", "FALSE", *_CLAUSE_WORDS)
    return not any(word in group for group in loud) and (
        word in ("TRUE", "FALSE") or not word.startswith(heads)
    )


def _paren_kind(frame: str, prev: str, prev2: str, clause: bool, values_next: bool) -> str:
    """Whether a '(' opens an expression (where '<' compares) or a list of terms."""
    if frame == "expr":
        return "list" if prev == "<<" else "expr"
    if frame in ("values", "list") or values_next or prev == "<<":
        return "list"  # VALUES variables and rows, collections, path groups, triple terms
    if frame == "top" or clause or prev == "BIND" or prev.startswith("FILTER"):
        return "expr"  # SELECT/GROUP BY/ORDER BY/HAVING, FILTER(...), FILTERfn(...), BIND
    if prev2 == "FILTER":
        return "expr"  # FILTER fn(...)
    return "list"


def _shape(toks: list[Token], marks: list[tuple[int, int]], out: Analysis) -> None:
    """Form, dataset, outermost LIMIT, SERVICE endpoints: the few things read in order."""
    prefixes = dict(_DECLARABLE)  # a query's PREFIX wins
    declared: set[str] = set()
    for i, depth in marks:
        tok = toks[i]
        word = tok.text.upper()
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text] = toks[i + 2].text[1:-1]
            declared.add(toks[i + 1].text[:-1])
        elif word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            out.form = out.form or word
        elif word == "FROM":
            out.has_dataset = True
        elif word.startswith("SERVICE"):
            out.services.append(_endpoint(toks, i))
        elif depth == 0 and word.startswith("LIMIT"):
            _limit(toks, i, out)
        elif depth == 0 and word == "VALUES":
            out.append_at = tok.start
    out.services = [_resolve(s, prefixes) for s in out.services]
    out.predefined = predefined_used(
        {t.text.partition(":")[0] for t in toks if t.kind == "pname"}, declared
    )


def _endpoint(toks: list[Token], at: int) -> Service:
    """The endpoint after SERVICE [SILENT]; glued ones too (`SERVICEex:x`, `SERVICESILENT`)."""
    rest = toks[at].text[len("SERVICE") :]
    if rest.upper().startswith("SILENT"):
        rest = rest[len("SILENT") :]
    if rest:
        return Service(rest, None)
    at += 2 if at + 1 < len(toks) and toks[at + 1].text.upper() == "SILENT" else 1
    if at >= len(toks):
        return Service("", None)
    target = toks[at]
    if target.kind == "iri":
        return Service(target.text, target.text[1:-1])
    return Service(target.text, None)


def _resolve(service: Service, prefixes: dict[str, str]) -> Service:
    """The endpoint IRI of a prefixed name (PN_LOCAL_ESC undone), if its prefix is declared."""
    if service.iri is not None or ":" not in service.endpoint or service.endpoint[0] in "?$<":
        return service
    prefix, _, local = service.endpoint.partition(":")
    base = prefixes.get(prefix + ":")
    if base is None:
        return service
    return Service(service.endpoint, base + re.sub(r"\\(.)", r"\1", local))


def _limit(toks: list[Token], i: int, out: Analysis) -> None:
    tok = toks[i]
    glued = tok.text[5:]
    if glued.isdigit() and glued.isascii():  # LIMIT10: the engine needs no space
        out.limit, out.limit_span = int(glued), (tok.start + 5, tok.start + len(tok.text))
    elif not glued and i + 1 < len(toks) and toks[i + 1].kind == "num":
        nxt = toks[i + 1]
        if nxt.text.isdigit():
            out.limit, out.limit_span = int(nxt.text), (nxt.start, nxt.start + len(nxt.text))
