"""Pure normalisation helpers for resolution: identifiers in URLs and text, title keys, names.

Nothing here knows about records or clusters; `resolve*.py` combines these into decisions.
Every function is total (never raises on odd input) and deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from nameparser import HumanName
from rapidfuzz import fuzz

# -- URLs and identifiers ------------------------------------------------------------------

# 128.84.21.199 is arxiv.org's own address; the awesome list links a paper through it.
ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org", "128.84.21.199"})
_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]+(?:\.[A-Za-z]{2})?/\d{7}"
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|ps|format)/({_NEW_ID}|{_OLD_ID})(?:v\d+)?", re.I)
_ARXIV_TEXT = re.compile(
    rf"(?:\barxiv\s*:\s*|\babs/|arxiv\.org/(?:abs|pdf)/)({_NEW_ID}|{_OLD_ID})", re.I
)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>#?&]+)")
# Junk that follows a real URL in the sources: a literal "\n" and a second URL, " (http...",
# an unbalanced ")", or markdown leftovers.
_URL_JUNK = re.compile(r"(%5[cC]n|\\n|%20\(|\s).*$", re.S)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|ref)$", re.I)


def clean_url(url: str) -> str:
    """The URL without trailing junk (whitespace, `%5Cnhttp...`, ` (http...)`, unbalanced ')')."""
    text = _URL_JUNK.sub("", url.strip())
    while text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1]
    return text.rstrip(".,;")


def _split(url: str) -> tuple[str, str, str]:
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, unquote(parts.path), parts.query


def url_key(url: str) -> str:
    """A comparison key for a URL: no scheme, no `www.`, no tracking parameters or fragment.

    >>> url_key("https://www.Example.org/a.pdf?utm_source=x#p=3")
    'example.org/a.pdf'
    """
    host, path, query = _split(url)
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _TRACKING.match(k)]
    suffix = "?" + urlencode(kept) if kept else ""
    return f"{host}{path}{suffix}".lower()


def arxiv_id_from_url(url: str) -> str | None:
    """The arXiv identifier (without version) a link points at, whatever its form.

    >>> arxiv_id_from_url("https://arxiv.org/pdf/1511.07289.pdf%5Cnhttp://arxiv.org/abs/1511.07289")
    '1511.07289'
    >>> arxiv_id_from_url("https://128.84.21.199/pdf/1703.06870v2.pdf")
    '1703.06870'
    """
    host, path, _ = _split(url)
    if host not in ARXIV_HOSTS and not host.endswith(".arxiv.org"):
        return None
    found = _ARXIV_PATH.match(re.sub(r"/{2,}", "/", path))
    return found.group(1) if found else None


def arxiv_id_from_text(text: str) -> str | None:
    """An arXiv identifier cited in text: `arXiv:1409.1556`, `CoRR abs/1510.00149`, an arXiv URL."""
    found = _ARXIV_TEXT.search(text)
    return found.group(1) if found else None


def doi_from_url(url: str) -> str | None:
    """The DOI in a doi.org link or a publisher path such as `/doi/pdfplus/10.1162/...`.

    CiteSeerX `?doi=10.1.1.x` parameters are not DOIs (no '/'), so they never match.
    """
    host, path, _ = _split(url)
    if host in {"doi.org", "dx.doi.org"}:
        found = _DOI.search(path)
    elif host == "nature.com":
        return _nature_doi(path)
    elif host == "link.springer.com":
        found = re.match(r"^/(?:article|chapter)/(10\.\d{4,9}/[^\s?#]+)", path)
    else:
        found = re.search(r"/doi/(?:abs/|full/|pdf/|pdfplus/|epdf/)?(10\.\d{4,9}/[^\s?#]+)", path)
    return _trim_doi(found.group(1)) if found else None


# Nature's article ids are the suffix of its DOIs (prefix 10.1038): "nature16961" in old
# journal paths, "s41586-019-1724-z" in /articles/ paths.
_NATURE_ID = re.compile(r"\b(nature\d{5})\b")


def _nature_doi(path: str) -> str | None:
    found = _NATURE_ID.search(path) or re.match(r"^/articles/([a-z0-9][a-z0-9.\-]+)$", path)
    return f"10.1038/{found.group(1).lower()}" if found else None


def doi_from_file_name(url: str) -> str | None:
    """The DOI of a Nature article kept on another host under the publisher's file name
    (`.../nature14236.pdf`). Only the name is evidence, so callers must also check that the
    paper is a Nature article (a record names the journal) before using it."""
    host, path, _ = _split(url)
    found = re.search(r"/(nature\d{5})\.pdf$", path)
    return f"10.1038/{found.group(1)}" if found and host != "nature.com" else None


def doi_from_text(text: str) -> str | None:
    """A DOI written as `doi:10...` or as a doi.org URL inside text."""
    found = re.search(r"(?:\bdoi\s*:\s*|doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", text, re.I)
    return _trim_doi(found.group(1)) if found else None


def _trim_doi(doi: str) -> str:
    return doi.rstrip(".,;)").removesuffix(".pdf").lower()


@dataclass(frozen=True)
class VenueKey:
    """A paper identifier read from a venue's URL, e.g. `nips:5423`, `cvf:he_delving_deep...`.

    `slug` holds the words of the URL that name the paper's title, when it has any, so a link
    that names another paper can be detected (see `slug_matches_title`).
    """

    kind: str
    ident: str
    slug: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.ident}"


_CVF_NOISE = re.compile(r"^(\d{4}|cvpr|iccv|eccv|wacv|paper|workshops?)$", re.I)


def venue_url_key(url: str) -> VenueKey | None:
    """The venue identifier of a proceedings link (NIPS, CVF open access, JMLR/PMLR, ACL
    Anthology, Nature, the mlpapers mirror), or None for any other link."""
    host, path, _ = _split(url)
    path = re.sub(r"/{2,}", "/", path)
    if host in {"papers.nips.cc", "proceedings.neurips.cc"}:
        m = re.match(r"^/paper/(\d+)-([^/]+?)(?:\.pdf)?$", path)
        return VenueKey("nips", m.group(1), m.group(2).replace("-", " ")) if m else None
    if host in {"cv-foundation.org", "openaccess.thecvf.com"}:
        m = re.search(r"/papers/([^/]+?)(?:\.pdf)?$", path)
        if not m:
            return None
        words = m.group(1).replace("_", " ").split()[1:]  # the first word is the author
        slug = " ".join(w for w in words if not _CVF_NOISE.match(w))
        return VenueKey("cvf", m.group(1).lower(), slug)
    if host == "jmlr.org":
        m = re.match(r"^/papers/volume(\d+)/([^/]+?)(?:\.old)?(?:/|$)", path)
        if m:
            return VenueKey("jmlr", f"{m.group(1)}/{m.group(2).lower()}")
        m = re.match(r"^/proceedings/papers/v(\d+)/([^/.]+)", path)
        return VenueKey("pmlr", f"v{m.group(1)}/{m.group(2).lower()}") if m else None
    if host == "proceedings.mlr.press":
        m = re.match(r"^/v(\d+)/([^/.]+)", path)
        return VenueKey("pmlr", f"v{m.group(1)}/{m.group(2).lower()}") if m else None
    if host.endswith(("aclweb.org", "aclanthology.org")):
        m = re.search(r"\b([A-Z]\d{2}-\d{4})\b", path)  # a paper, never a whole volume (N13-1)
        return VenueKey("acl", m.group(1)) if m else None
    if host == "nature.com":
        m = re.search(r"\b(nature\d{5})\b", path)
        return VenueKey("nature", m.group(1)) if m else None
    if host == "machinelearning.wustl.edu":
        m = re.search(r"/paper_files/([^/]+?)\.pdf$", path)
        return VenueKey("mlpapers", m.group(1).lower()) if m else None
    return None


def slug_matches_title(slug: str, title: str) -> float:
    """How well the title words of a URL (`VenueKey.slug`) fit a title, 0-100."""
    return float(fuzz.token_set_ratio(title_key(slug), title_key(title)))


# -- titles ---------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’‘`´{}]")  # dropped, not spaced: "Mind's" = "Minds", "{B}" = "B"
_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC, accents removed, case folded: 'Aäron' -> 'aaron'. CJK characters are kept."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def word_key(text: str) -> str:
    """Folded letters and digits only: "Ming-Hsuan" -> "minghsuan"."""
    return _NON_WORD.sub("", fold(text))


def title_key(title: str) -> str:
    """The comparison form of a title: folded, LaTeX braces and punctuation gone, hyphens as
    spaces, apostrophes dropped ("Mind's" = "Minds"), single spaces.

    >>> title_key("Fast R-CNN.")
    'fast r cnn'
    >>> title_key("{B}inarized ... to+ 1 or−1")
    'binarized to 1 or 1'
    """
    text = fold(title.replace("&", " and ").replace("\\", " "))
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def clean_title(title: str) -> str:
    """A title for display: one line, no markdown emphasis, no wrapping quotes or final period."""
    # Invisible and replacement characters (U+FFFC in one awesome-list title) are not text.
    visible = "".join(
        c for c in title if unicodedata.category(c) != "Cf" and c not in "\ufffc\ufffd"
    )
    text = " ".join(visible.replace("**", "").split())
    text = text.strip("\"“”'‘’ ")
    if text.endswith(".") and not text.endswith("..."):
        text = text[:-1].rstrip()
    return text


def title_similarity(a: str, b: str) -> float:
    """rapidfuzz ratio of two title keys, 0-100."""
    return float(fuzz.ratio(title_key(a), title_key(b)))


# -- person names -----------------------------------------------------------------------------

PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos"})
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_INITIAL = re.compile(r"^(?:[A-Z]\.?(?:-[A-Z]\.?)*|[A-Z]{2,3})$")
_ET_AL = re.compile(r"(,?\s*\bet\.?\s*al\.?|,?\s*etal\.?|\s*等人|\s*等)\s*$", re.I)


@dataclass(frozen=True)
class PersonName:
    """A name split into parts. `family` is without particles ("Oord"), `particles` holds
    them ("van den"); `initials` are the upper-case initials of the given names."""

    given: str
    family: str
    initials: tuple[str, ...]
    particles: str = ""
    written: str = ""

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
        return " ".join(t + "." if re.fullmatch(r"[A-Z]", t) else t for t in self.given.split())

    @property
    def family_key(self) -> str:
        """The family name folded, particles and punctuation dropped: 'Fei-Fei' -> 'feifei'."""
        return _NON_WORD.sub("", fold(self.family))

    @property
    def family_last_key(self) -> str:
        """The last word of a compound family name: 'Sharif Razavian' -> 'razavian'."""
        words = self.family.split()
        return _NON_WORD.sub("", fold(words[-1])) if words else ""

    @property
    def given_tokens(self) -> tuple[str, ...]:
        """Given names as folded tokens, split at spaces, hyphens and periods; "GE" = g, e."""
        out: list[str] = []
        for token in re.split(r"[\s.\-]+", self.given):
            if re.fullmatch(r"[A-Z]{2,3}", token):
                out.extend(token.lower())
            elif token:
                out.append(fold(token))
        return tuple(out)

    @property
    def has_full_given(self) -> bool:
        return any(len(t) > 1 for t in self.given_tokens)

    def swapped(self) -> PersonName:
        """The reading with given and family exchanged ('Glorat Xavier' as family-first)."""
        return make_name(self.family, self.given, "", self.written)


def _initials(given: str) -> tuple[str, ...]:
    tokens = [t for t in re.split(r"[\s.\-]+", given) if t]
    out: list[str] = []
    for token in tokens:
        if re.fullmatch(r"[A-Z]{2,3}", token):  # "GE" = G. E.
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
    text = re.sub(r"\([^)]*\)", " ", text)
    text = _ET_AL.sub("", text)
    text = re.sub(r"^(and|&|和|与)\s+", "", text.strip(), flags=re.I)
    text = re.sub(r"(?<=\b[A-Z]\.)(?=[A-Za-z])", " ", text)
    return " ".join(text.split()).strip(" ,;")


@lru_cache(maxsize=4096)
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
    ta, tb = a.given_tokens, b.given_tokens
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


def same_tokens(a: PersonName, b: PersonName) -> bool:
    """The same full name words in another order, initials consistent ("Li Fei-Fei" ~
    "Fei Fei F. Li" ~ "Fei-Fei, Li"): evidence of a swapped name, never alone."""

    def split(name: PersonName) -> tuple[list[str], list[str]]:
        words = [*name.given_tokens, *re.split(r"[\s\-]+", fold(name.family))]
        words = [_NON_WORD.sub("", w) for w in words if _NON_WORD.sub("", w)]
        return sorted(w for w in words if len(w) > 1), [w for w in words if len(w) == 1]

    full_a, init_a = split(a)
    full_b, init_b = split(b)
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
    "ARXIV_HOSTS",
    "PersonName",
    "VenueKey",
    "arxiv_id_from_text",
    "arxiv_id_from_url",
    "clean_name_text",
    "clean_title",
    "clean_url",
    "doi_from_file_name",
    "doi_from_text",
    "doi_from_url",
    "family_compatible",
    "fold",
    "given_compatible",
    "make_name",
    "name_richness",
    "names_compatible",
    "parse_person_name",
    "same_tokens",
    "slug_matches_title",
    "title_key",
    "title_similarity",
    "url_key",
    "venue_url_key",
    "word_key",
]
