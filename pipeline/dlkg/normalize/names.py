"""Person names: parsing the sources' written forms and deciding whether two may agree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from nameparser import HumanName
from nameparser.config import CONSTANTS
from rapidfuzz import fuzz

from .titles import NON_WORD, fold

PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos"})
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_INITIAL = re.compile(r"^(?:[A-Z]\.?(?:-[A-Z]\.?)*|[A-Z]{2,3})$")
_CAPITAL = re.compile(r"[A-Z]")
_RUN_OF_INITIALS = re.compile(r"[A-Z]{2,3}")  # "GE" = G. E.
_GIVEN_SPLIT = re.compile(r"[\s.\-]+")
_FAMILY_SPLIT = re.compile(r"[\s\-]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_LEADING_AND = re.compile(r"^(and|&|和|与)\s+", re.I)
_INITIAL_THEN_LETTER = re.compile(r"(?<=\b[A-Z]\.)(?=[A-Za-z])")  # "E.Denton"
_ET_AL = re.compile(r"(,?\s*\bet\.?\s*al\.?|,?\s*etal\.?|\s*等人|\s*等)\s*$", re.I)
# "Given Family", "G. Family", "Given M. Family": two or three words of letters (inner hyphens
# and apostrophes) or initials before the family name, none of them one of nameparser's
# titles, particles, suffixes or conjunctions. nameparser reads such a name as first (middle)
# last and nothing else, so it is split here without it (nameparser was a fifth of resolution
# at x100, issue 13); tests/normalize/test_plain_names.py compares the two.
_PLAIN_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
_NAMEPARSER_WORDS = frozenset(
    word.lower()
    for group in (
        CONSTANTS.titles,
        CONSTANTS.prefixes,
        CONSTANTS.suffix_acronyms,
        CONSTANTS.suffix_not_acronyms,
        CONSTANTS.conjunctions,
    )
    for word in group
)


def plain_name(tokens: list[str]) -> bool:
    """Whether nameparser would split `tokens` into the last word and the words before it."""
    if not 2 <= len(tokens) <= 3:
        return False
    last = len(tokens) - 1
    return all(
        (_PLAIN_WORD.match(t) or (n < last and _INITIAL.match(t)))
        and t.lower().replace(".", "") not in _NAMEPARSER_WORDS
        for n, t in enumerate(tokens)
    )


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name split into parts. `family` is without particles ("Oord"), `particles` holds
    them ("van den"); `initials` are the upper-case initials of the given names.

    The keys below are computed on first use and kept in slots of the instance (not fields
    that equality, hashing or repr see): `parse_person_name` shares one instance per written
    form, and the people rules read them millions of times (2.6 M `family_last_key`
    computations at x100). Slots, not `cached_property`: a `__dict__` per instance was 17 MB
    of resolve's memory at x100."""

    given: str
    family: str
    initials: tuple[str, ...]
    particles: str = ""
    written: str = ""
    _family_key: str | None = field(default=None, init=False, repr=False, compare=False)
    _family_last_key: str | None = field(default=None, init=False, repr=False, compare=False)
    _tokens: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def full_family(self) -> str:
        return f"{self.particles} {self.family}".strip()

    @property
    def display(self) -> str:
        """'Geoffrey E. Hinton', 'Aäron van den Oord'; bare initials get a period."""
        if _CJK_NAME.match(self.family + self.given):
            return self.family + self.given
        return f"{self.given_display} {self.full_family}".strip()

    @property
    def given_display(self) -> str:
        """The given names with a period after each bare initial: 'Geoffrey E' -> 'Geoffrey E.'."""
        return " ".join(t + "." if _CAPITAL.fullmatch(t) else t for t in self.given.split())

    @property
    def family_key(self) -> str:
        """The family name folded, particles and punctuation dropped: 'Fei-Fei' -> 'feifei'."""
        key = self._family_key
        if key is None:
            key = NON_WORD.sub("", fold(self.family))
            object.__setattr__(self, "_family_key", key)  # a cache, not a field (frozen)
        return key

    @property
    def family_last_key(self) -> str:
        """The last word of a compound family name: 'Sharif Razavian' -> 'razavian'."""
        key = self._family_last_key
        if key is None:
            words = self.family.split()
            key = NON_WORD.sub("", fold(words[-1])) if words else ""
            object.__setattr__(self, "_family_last_key", key)
        return key

    @property
    def given_tokens(self) -> tuple[str, ...]:
        """Given names as folded tokens, split at spaces, hyphens and periods; "GE" = g, e."""
        tokens = self._tokens
        if tokens is None:
            tokens = _given_tokens(self.given)
            object.__setattr__(self, "_tokens", tokens)
        return tokens

    @property
    def has_full_given(self) -> bool:
        return any(len(t) > 1 for t in self.given_tokens)

    def swapped(self) -> PersonName:
        """The reading with given and family exchanged ('Glorat Xavier' as family-first)."""
        return make_name(self.family, self.given, "", self.written)


def _initials(given: str) -> tuple[str, ...]:
    tokens = [t for t in _GIVEN_SPLIT.split(given) if t]
    out: list[str] = []
    for token in tokens:
        if _RUN_OF_INITIALS.fullmatch(token):  # "GE" = G. E.
            out.extend(token)
        else:
            out.append(fold(token)[:1].upper())
    return tuple(out)


def make_name(given: str, family: str, particles: str = "", written: str = "") -> PersonName:
    """Build a PersonName, moving leading particles of `family` into `particles`."""
    words = family.split()
    lead: list[str] = []
    while len(words) > 1 and words[0].lower() in PARTICLES:
        lead.append(words.pop(0))
    particles = " ".join([*particles.split(), *lead])
    given = " ".join(given.split())
    return PersonName(given, " ".join(words), _initials(given), particles, written)


def clean_name_text(text: str) -> str:
    """Strip what is not part of a name: 'et al.'/'等人', parentheses, leading 'and', and add
    the space missing after an initial ('E.Denton' -> 'E. Denton')."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    text = _PARENTHESES.sub(" ", text)
    text = _ET_AL.sub("", text)
    text = _LEADING_AND.sub("", text.strip())
    text = _INITIAL_THEN_LETTER.sub(" ", text)
    return " ".join(text.split()).strip(" ,;")


@cache  # unbounded: a bounded cache thrashes once a list has more names than its size
def parse_person_name(text: str) -> PersonName:
    """Parse a name in any of the sources' forms into given/family parts.

    Handles "G. Hinton", "Geoffrey E. Hinton", "Hinton, Geoffrey E.", "Hinton G." (initials
    after the family name), particles ("Oord, Aaron van den", "A. van den Oord"), one-word
    names (family only) and Chinese names in Han characters (family = first character).
    nameparser does the splitting of "Given Family" forms; this wrapper fixes what it gets
    wrong for bibliographies: single-letter "suffixes" ("Le, Quoc V"), titles taken from
    names ("Judge"), one-word names read as given names and "Hinton G.".

    >>> parse_person_name("Oord, Aaron van den").full_family
    'van den Oord'
    >>> parse_person_name("Hinton G.").family
    'Hinton'
    """
    written = text
    text = clean_name_text(text)
    if not text:
        return PersonName("", "", (), "", written)
    if _CJK_NAME.match(text):
        return make_name(text[1:], text[0], "", written)
    tokens = text.replace(",", " , ").split()
    if "," not in tokens:
        if len(tokens) == 1:
            return make_name("", tokens[0], "", written)
        if not _INITIAL.match(tokens[0]) and all(_INITIAL.match(t) for t in tokens[1:]):
            return make_name(" ".join(tokens[1:]), tokens[0], "", written)
    else:
        family, _, rest = text.partition(",")
        given = rest.split(",")[0].strip()  # anything after a second comma is a suffix (Jr.)
        if not given:
            return make_name("", family.strip(), "", written)
        given_words = given.split()
        trailing: list[str] = []
        while len(given_words) > 1 and given_words[-1].lower() in PARTICLES:
            trailing.insert(0, given_words.pop())
        return make_name(" ".join(given_words), family.strip(), " ".join(trailing), written)
    if plain_name(tokens):
        return make_name(" ".join(tokens[:-1]), tokens[-1], "", written)
    parsed = HumanName(text)
    given_parts = [parsed.title, parsed.first, parsed.middle]
    family = parsed.last
    suffix = parsed.suffix
    if suffix and all(_INITIAL.match(s) for s in suffix.replace(",", " ").split()):
        given_parts.append(suffix)  # "V" is a middle initial, not a suffix
    if not family:  # nameparser puts a lone word into `first`
        family = given_parts.pop(1)
    return make_name(" ".join(p for p in given_parts if p), family, "", written)


def is_initial(token: str) -> bool:
    return len(token) == 1


def _token_compatible(a: str, b: str, *, typo: bool) -> bool:
    if is_initial(a) or is_initial(b):
        return a[0] == b[0]
    if a == b:
        return True
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True  # "Jeff"/"Jeffrey", "Greg"/"Gregory"
    return typo and fuzz.ratio(a, b) >= 80


def given_compatible(a: PersonName, b: PersonName, *, typo: bool = False) -> bool:
    """Given names agree as far as both are known: initials match full names, a shorter list
    is a prefix of a longer one ("Geoffrey" ~ "Geoffrey E."), nicknames by prefix ("Jeff")."""
    return given_tokens_compatible(a.given_tokens, b.given_tokens, typo=typo)


def given_tokens_compatible(
    ta: tuple[str, ...], tb: tuple[str, ...], *, typo: bool = False
) -> bool:
    """`given_compatible` of two names' `given_tokens`: all it depends on, so callers comparing
    many written forms compare each distinct token tuple once."""
    if not ta or not tb:
        return True
    return all(_token_compatible(x, y, typo=typo) for x, y in zip(ta, tb, strict=False))


def family_compatible(a: PersonName, b: PersonName, *, typo: bool = False) -> bool:
    """Family names agree: equal once folded, or one is the last word of a compound
    ("Razavian" ~ "Sharif Razavian"); with `typo`, a ratio of at least 80 ("Loffe"/"Ioffe")."""
    ka, kb = a.family_key, b.family_key
    if not ka or not kb:
        return False
    if ka == kb or a.family_last_key == kb or b.family_last_key == ka:
        return True
    return typo and min(len(ka), len(kb)) >= 4 and fuzz.ratio(ka, kb) >= 80


# Cached: the people rules compare the same few thousand names millions of times.
@cache
def _given_tokens(given: str) -> tuple[str, ...]:
    out: list[str] = []
    for token in _GIVEN_SPLIT.split(given):
        if _RUN_OF_INITIALS.fullmatch(token):
            out.extend(token.lower())
        elif token:
            out.append(fold(token))
    return tuple(out)


@cache
def _name_words(given: str, family: str) -> tuple[list[str], list[str]]:
    """The full words (sorted) and the initials of a name, for `same_tokens` (read only)."""
    words = [*_given_tokens(given), *_FAMILY_SPLIT.split(fold(family))]
    words = [NON_WORD.sub("", w) for w in words if NON_WORD.sub("", w)]
    return sorted(w for w in words if len(w) > 1), [w for w in words if len(w) == 1]


def forget_name_words() -> None:
    """Empty the cache of `same_tokens`' name words (one entry per distinct name: 90 MB at
    x1000) once the rules that compare them are done; it refills if asked again."""
    _name_words.cache_clear()


def sorted_full_words(name: PersonName) -> tuple[str, ...]:
    """The sorted full words `same_tokens` compares; two names can only be `same_tokens` when
    these are equal and not empty (a blocking key for the pairs worth comparing)."""
    return tuple(_name_words(name.given, name.family)[0])


def same_tokens(a: PersonName, b: PersonName) -> bool:
    """The same full name words in another order, initials consistent ("Li Fei-Fei" ~
    "Fei Fei F. Li" ~ "Fei-Fei, Li"): evidence of a swapped name, never alone."""

    full_a, init_a = _name_words(a.given, a.family)
    full_b, init_b = _name_words(b.given, b.family)
    if not full_a or full_a != full_b:
        return False
    return all(any(w[0] == i for w in full_b) for i in init_a) and all(
        any(w[0] == i for w in full_a) for i in init_b
    )


def names_compatible(a: PersonName, b: PersonName, *, typo: bool = False) -> bool:
    """Could two written names denote the same person? Never enough to merge on its own."""
    return family_compatible(a, b, typo=typo) and given_compatible(a, b, typo=typo)


def name_richness(name: PersonName) -> tuple[int, int, int]:
    """How full a form is: full given names, given tokens, particles (for the preferred name)."""
    tokens = name.given_tokens
    return (sum(len(t) > 1 for t in tokens), len(tokens), int(bool(name.particles)))


__all__ = [
    "PARTICLES",
    "PersonName",
    "clean_name_text",
    "family_compatible",
    "given_compatible",
    "given_tokens_compatible",
    "is_initial",
    "make_name",
    "name_richness",
    "names_compatible",
    "parse_person_name",
    "same_tokens",
    "sorted_full_words",
]
