"""REGEX/REPLACE calls with literal patterns, checked once as the engine would compile them.

pyoxigraph hands the pattern to the Rust `regex` crate with a compiled-size limit of 1 MB
(`size_limit(1_000_000)`) and, when the compile fails, tries again on every row: a worker is
held for the whole timeout by `REGEX(?t, "a{1000}{1000}")`. The crate's size is that of its
Thompson NFA after counted repetitions are expanded; `pattern_size` estimates it from the
per-item costs measured against pyoxigraph 0.5 (tests/test_sparql_lexer.py): a literal
character is one 32-byte state (`a{31243}` compiles, `a{31244}` does not), `.` and negated
classes ~1 KB (UTF-8 automata), `\\d` ~5 KB, `\\w` and `\\p{..}` ~50 KB.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

SIZE_LIMIT = 1_000_000  # bytes, as pyoxigraph sets it
NEST_LIMIT = 250  # regex-syntax's default nesting limit
_STATE = 32
_OVERHEAD = 200  # a{31243} compiles and a{31244} does not: 32 bytes a state plus ~200
# Measured bytes per item (largest seen for \\p{..}: \\p{L}; smaller scripts are overestimated).
_CLASS_COST = {"d": 5_200, "D": 12_900, "w": 50_000, "W": 50_000, "s": 700, "S": 2_000}
_PROPERTY = 50_000
_ALTERNATION = 88  # (?:a|bc) is 184 bytes
_STAR = 40  # a* and a+ are 72 bytes, a? 104
_ZERO_WIDTH = frozenset("bBAzZ")
_ECHAR = re.compile(r"\\([tbnrf\\\"'])|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}
_LETTERS = re.compile(r"[^|.^$\\\\()\[\]{}*+?](?:\|[^|.^$\\\\()\[\]{}*+?])*")
_COUNTED = re.compile(r"\{(\d+)(,(\d*))?\}")


class _Tok(Protocol):
    # read-only, as the lexer's Token (a NamedTuple) has them
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...


@dataclass(frozen=True)
class RegexCall:
    """A REGEX or REPLACE whose pattern is a string literal; flags None when not literal."""

    function: str
    pattern: str
    flags: str | None
    start: int  # offset of the function name


class PatternError(ValueError):
    """The engine would fail to compile this pattern (and retry on every row)."""


def string_value(literal: str) -> str:
    """The value of a SPARQL string token (quotes off, ECHAR and UCHAR decoded)."""
    quote = 3 if literal[:3] in ("'''", '"""') else 1

    def decode(m: re.Match[str]) -> str:
        if m.group(1):
            return _ECHARS.get(m.group(1), m.group(1))
        return chr(int(m.group(2) or m.group(3), 16))

    return _ECHAR.sub(decode, literal[quote:-quote])


def regex_calls(toks: Sequence[_Tok]) -> list[RegexCall]:
    """Every REGEX(text, "pattern" [, "flags"]) and REPLACE(text, "pattern", r [, "flags"])."""
    calls: list[RegexCall] = []
    for i, tok in enumerate(toks):
        if tok.kind != "word" or i + 1 >= len(toks) or toks[i + 1].text != "(":
            continue
        name = tok.text.upper()
        if name not in ("REGEX", "REPLACE"):
            continue
        args = _arguments(toks, i + 2)
        flags_at = 2 if name == "REGEX" else 3
        if len(args) < 2 or len(args[1]) != 1 or args[1][0].kind != "str":
            continue
        flags: str | None = ""
        if len(args) > flags_at:
            arg = args[flags_at]
            literal = len(arg) == 1 and arg[0].kind == "str"
            flags = string_value(arg[0].text) if literal else None
        calls.append(RegexCall(name, string_value(args[1][0].text), flags, tok.start))
    return calls


def _arguments(toks: Sequence[_Tok], at: int) -> list[list[_Tok]]:
    args: list[list[_Tok]] = [[]]
    depth = 0
    for tok in toks[at:]:
        if tok.kind == "op" and tok.text in "({[" and tok.text:
            depth += 1
        elif tok.kind == "op" and tok.text in ")}]" and tok.text:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and tok.kind == "op" and tok.text == ",":
            args.append([])
            continue
        args[-1].append(tok)
    return args


def check_call(call: RegexCall) -> None:
    """Raise PatternError when the engine could not compile this call's pattern."""
    flags = call.flags
    if flags is not None and set(flags) - set("smixq"):
        raise PatternError(f"flags {flags!r}: only s, m, i, x and q exist")
    if flags is not None and "q" in flags:
        size = _OVERHEAD + sum(_STATE * len(ch.encode()) for ch in call.pattern)
    else:
        size = pattern_size(call.pattern, verbose=flags is not None and "x" in flags)
    if size > SIZE_LIMIT:
        raise PatternError(
            f"pattern compiles to about {size // 1000} KB; the engine's limit "
            f"is {SIZE_LIMIT // 1000} KB (a counted repetition like {{1000}} multiplies)"
        )


def pattern_size(pattern: str, *, verbose: bool = False) -> int:
    """Estimated compiled size in bytes; PatternError for a syntax the crate rejects."""
    parser = _Parser(pattern, verbose)
    size = _OVERHEAD + parser.alternation(0)
    if parser.pos < len(pattern):
        raise PatternError(f"regular expression {pattern[:40]!r}: unopened ')'")
    return size


class _Parser:
    def __init__(self, pattern: str, verbose: bool) -> None:
        self.p = pattern
        self.pos = 0
        self.verbose = verbose
        self.solid = 0  # items read so far that match a character
        self.fold = "(?i" in pattern  # case-insensitive: letters become classes

    def alternation(self, nest: int) -> int:
        if nest > NEST_LIMIT:
            raise PatternError(f"regular expression nests deeper than {NEST_LIMIT}")
        start = self.pos
        total = self.sequence(nest)
        branches = 1
        while self.pos < len(self.p) and self.p[self.pos] == "|":
            self.pos += 1
            branches += 1
            total += _ALTERNATION + self.sequence(nest)
        if branches > 1 and _LETTERS.fullmatch(self.p, start, self.pos):
            return 64 + 8 * branches  # a|b|c compiles as the class [abc]
        return total

    def sequence(self, nest: int) -> int:
        total = 0
        last: int | None = None  # size of the last repeatable item
        last_solid = True  # it matches characters (repeated assertions collapse)
        while self.pos < len(self.p) and self.p[self.pos] not in "|)":
            ch = self.p[self.pos]
            if ch in "*+?{":
                count = _COUNTED.match(self.p, self.pos) if ch == "{" else None
                if ch == "{" and count is None:
                    raise PatternError(f"regular expression {self.p[:40]!r}: bad repetition")
                if last is None:
                    raise PatternError(f"regular expression {self.p[:40]!r}: nothing to repeat")
                optional = ch == "?"
                self.pos = count.end() if count else self.pos + 1
                if self.pos < len(self.p) and self.p[self.pos] == "?":
                    self.pos += 1  # lazy
                if not last_solid:
                    continue
                grown = self._repeat(last, count, optional)
                total += grown - last
                last = grown
                continue
            solid = self.solid
            last = self.item(nest)
            last_solid = self.solid > solid
            total += last
        return total

    @staticmethod
    def _repeat(size: int, count: re.Match[str] | None, optional: bool) -> int:
        if count is None:
            return size + (2 * _STAR - 8 if optional else _STAR)
        low = int(count.group(1))
        if count.group(2) is None:
            return low * size
        if not count.group(3):
            return low * size + size + _STATE
        high = int(count.group(3))
        if high < low:
            raise PatternError(f"repetition {{{low},{high}}}: the maximum is below the minimum")
        return low * size + (high - low) * (size + _STAR)

    def item(self, nest: int) -> int:
        p = self.p
        ch = p[self.pos]
        self.pos += 1
        if ch == "(":
            capture = not p.startswith("?", self.pos)
            if not capture:
                close = p.find(")", self.pos)
                colon = p.find(":", self.pos)
                if 0 <= close < colon or colon < 0:  # (?i) flags alone
                    self.pos = close + 1 if close >= 0 else len(p)
                    return 0
                self.pos = colon + 1 if not p.startswith("?P<", self.pos) else p.find(">") + 1
                capture = p.startswith("?P<", self.pos)
            size = self.alternation(nest + 1)
            if self.pos >= len(p) or p[self.pos] != ")":
                raise PatternError(f"regular expression {p[:40]!r}: unclosed '('")
            self.pos += 1
            return size + (2 * _STATE if capture else 0)
        if ch in "^$" or (self.verbose and ch.isspace()):
            return 0 if ch.isspace() else _STATE
        self.solid += 1
        if ch == "[":
            return self._class()
        if ch == "\\":
            return self._escape()
        if ch == ".":
            return 1_000
        if self.fold and ch.isalpha():
            return 80
        return _STATE * len(ch.encode())

    def _escape(self) -> int:
        if self.pos >= len(self.p):
            raise PatternError("regular expression ends with '\\'")
        ch = self.p[self.pos]
        self.pos += 1
        if ch in "pP":  # \pL or \p{Letter}
            if self.p.startswith("{", self.pos):
                self.pos = self.p.find("}", self.pos) + 1 or len(self.p)
            else:
                self.pos += 1
            return _PROPERTY
        if ch in _ZERO_WIDTH:
            self.solid -= 1
            return _STATE
        return _CLASS_COST.get(ch, _STATE)

    def _class(self) -> int:
        """A bracketed class: small for a few ASCII ranges, like '.' when negated or wide."""
        start = self.pos
        depth = 1
        if self.p.startswith("^", self.pos):
            self.pos += 1
        if self.p.startswith("]", self.pos):
            self.pos += 1
        while self.pos < len(self.p):
            ch = self.p[self.pos]
            if ch == "\\":
                self.pos += 2
                continue
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    break
            self.pos += 1
        if self.pos >= len(self.p):
            raise PatternError(f"regular expression {self.p[:40]!r}: unclosed '['")
        body = self.p[start : self.pos]
        self.pos += 1
        wide = body.startswith("^") or not body.isascii() or "\\" in body or "[" in body
        if wide:
            escapes = re.findall(r"\\(.)", body)
            return max(
                1_000, sum(_CLASS_COST.get(c, _PROPERTY if c in "pP" else 0) for c in escapes)
            )
        items = len(body) - 2 * body.count("-")  # a-z is one item
        return (64 + 8 * max(1, items)) * (4 if self.fold else 1)
