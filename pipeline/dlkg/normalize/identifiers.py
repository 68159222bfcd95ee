"""Identifiers in URLs and text (arXiv ids, DOIs, venue keys), URL comparison keys, slugs.

Pure, total (never raises on odd input) and deterministic, like the rest of `normalize`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from rapidfuzz import fuzz

from .titles import title_key

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
REPEATED_SLASHES = re.compile(r"/{2,}")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|ref)$", re.I)


def clean_url(url: str) -> str:
    """The URL without trailing junk (whitespace, `%5Cnhttp...`, ` (http...)`, unbalanced ')')."""
    text = _URL_JUNK.sub("", url.strip())
    while text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1]
    return text.rstrip(".,;")


# A link's keys are read one after another (url_key, arxiv_id_from_url, venue_url_key, ...),
# each splitting it again: a small cache catches those repeats without growing with the data
@lru_cache(maxsize=4096)
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
    path = REPEATED_SLASHES.sub("/", path).rstrip("/")
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
    found = _ARXIV_PATH.match(REPEATED_SLASHES.sub("/", path))
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
    path = REPEATED_SLASHES.sub("/", path)
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


_SLUG_DROP = re.compile(r"[^a-z0-9.]+")


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug: accents folded, lower case, runs of other characters become one '-'.

    >>> slugify("Schmidhuber, Jürgen")
    'schmidhuber-jurgen'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", folded.lower()).strip("-.")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def section_slug(heading: str) -> str:
    """Key of an awesome-list heading: 'Image / Video / Etc' -> 'image-video-etc'."""
    return slugify(heading.replace(".", " "))


__all__ = [
    "ARXIV_HOSTS",
    "VenueKey",
    "arxiv_id_from_text",
    "arxiv_id_from_url",
    "clean_url",
    "doi_from_file_name",
    "doi_from_text",
    "doi_from_url",
    "section_slug",
    "slug_matches_title",
    "slugify",
    "url_key",
    "venue_url_key",
]
