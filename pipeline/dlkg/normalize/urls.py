"""What is wrong with a link as written, and the clean canonical form an entity carries.

The records (list items, link nodes of a source graph) keep every URL exactly as written; a
resolved paper's `schema:url` is `canonical_url` of it: trailing junk and tracking parameters
removed, `&embed`-style junk after the path removed, doubled slashes collapsed, arXiv's IP
address replaced by its name, https for hosts that serve it. `url_defects` names each defect
with a stable suffix (the caller prefixes the code) so builds and `dlkg lint` report the same.
Pure and total, like the rest of `normalize`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .identifiers import REPEATED_SLASHES, clean_url

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$", re.I)
# "&embed", "&dl=0" glued to a path that has no query: a query fragment pasted without "?".
_PATH_JUNK = re.compile(r"&[A-Za-z_]+(=[^/]*)?$")
# arXiv answers on its IP address too; the name is the canonical host.
_ARXIV_IP = "128.84.21.199"
# Hosts known to serve https: their http links are upgraded on the entity.
HTTPS_HOSTS = frozenset(
    {
        "arxiv.org",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "jmlr.org",
        "www.jmlr.org",
        "www.nature.com",
        "aclweb.org",
        "www.aclweb.org",
        "anthology.aclweb.org",
        "www.cv-foundation.org",
        "openaccess.thecvf.com",
    }
)
# Third-party copies of published papers (personal sites, file shares, course pages, caches
# and an unofficial archive): (host, path prefix, what it is). A paper's entity keeps them as
# URLs only when nothing better is known; each one is reported so the list can link the
# publisher, arXiv or an author's page instead.
MIRRORS: tuple[tuple[str, str, str], ...] = (
    ("davidqiu.com", "", "a personal site's copy"),
    ("gwern.net", "/docs/", "a personal site's copy"),
    ("sanghv.com", "", "an ebook download site"),
    ("dropbox.com", "", "a file share"),
    ("willamette.edu", "/~levenick/", "a course page's copy"),
    ("clm.utexas.edu", "/compjclub/", "a journal club's copy"),
    ("nuyoo.utm.mx", "", "a personal copy"),
    ("homes.mpimf-heidelberg.mpg.de", "", "a personal copy"),
    ("researchgate.net", "", "a social network's copy"),
    ("machinelearning.wustl.edu", "/mlpapers/", "an unofficial archive of proceedings"),
    ("cs224d.stanford.edu", "/papers/", "a course page's copy"),
    ("ece.duke.edu", "/~lcarin/", "a copy on a non-author's page"),
    ("pdfs.semanticscholar.org", "", "a search engine's cached copy"),
)


@dataclass(frozen=True)
class UrlDefect:
    """One defect of one written URL: `suffix` of the issue code, a message, the canonical URL."""

    suffix: str
    message: str
    canonical: str


def _host(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port


def canonical_url(url: str, *, https: bool | None = None) -> str:
    """The clean form of `url` for an entity; `https` forces (True) or keeps (False) the scheme,
    None upgrades the hosts of HTTPS_HOSTS.

    >>> canonical_url("https://arxiv.org/pdf/1607.06450.pdf?utm_source=x&utm_medium=y")
    'https://arxiv.org/pdf/1607.06450.pdf'
    >>> canonical_url("http://arxiv.org/pdf/1112.6209.pdf&embed")
    'https://arxiv.org/pdf/1112.6209.pdf'
    >>> canonical_url("http://www.cv-foundation.org//openaccess/a.pdf")
    'https://www.cv-foundation.org/openaccess/a.pdf'
    """
    parts = urlsplit(clean_url(url))
    if not parts.scheme or not parts.netloc:
        return url.strip()
    path = REPEATED_SLASHES.sub("/", parts.path)
    if not parts.query:
        path = _PATH_JUNK.sub("", path)
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ]
    )
    netloc = parts.netloc.lower()
    if parts.hostname == _ARXIV_IP:
        netloc = "arxiv.org"
    host = netloc.split(":")[0]
    scheme = parts.scheme.lower()
    if https or (https is None and host in HTTPS_HOSTS):
        scheme = "https"
    return urlunsplit((scheme, netloc, path, query, parts.fragment))


def mirror_of(url: str) -> str | None:
    """What kind of third-party copy `url` is, or None."""
    host, _ = _host(url)
    path = urlsplit(url).path
    for mirror_host, prefix, what in MIRRORS:
        if (host == mirror_host or host.endswith("." + mirror_host)) and path.startswith(prefix):
            return what
    return None


def looks_like_page(url: str) -> bool:
    """True when the URL surely answers with an HTML page rather than a PDF.

    >>> looks_like_page("https://arxiv.org/abs/1702.03275"), looks_like_page("https://a.org/x.pdf")
    (True, False)
    """
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path.lower()
    if path.endswith((".html", ".htm")):
        return True
    if host.endswith("arxiv.org") and path.startswith("/abs/"):
        return True
    if host.endswith("dropbox.com") and "/s/" in path and "dl=1" not in parts.query:
        return True
    return path in ("", "/")


def url_defects(url: str, label: str = "") -> list[UrlDefect]:
    """Every defect of a URL as written; `label` is the link's bracket label ("pdf", "web")."""
    canonical = canonical_url(url)
    found: list[UrlDefect] = []
    parts = urlsplit(clean_url(url))
    params = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if _TRACKING.match(k)]
    if params:
        found.append(UrlDefect("tracking-parameters", f"tracking parameters {params}", canonical))
    if not parts.query and _PATH_JUNK.search(parts.path):
        junk = _PATH_JUNK.search(parts.path).group(0)  # type: ignore[union-attr]
        found.append(UrlDefect("url-junk", f"{junk!r} glued to the path", canonical))
    if "//" in parts.path:
        found.append(UrlDefect("doubled-slash", "the path holds '//'", canonical))
    host, port = _host(clean_url(url))
    if port is not None and port not in (80, 443):
        found.append(UrlDefect("odd-port", f"the host answers on port {port}", canonical))
    try:
        ipaddress.ip_address(host)
        found.append(
            UrlDefect("ip-host", f"an IP address ({host}) instead of a host name", canonical)
        )
    except ValueError:
        pass
    mirror = mirror_of(url)
    if mirror:
        found.append(UrlDefect("unofficial-mirror", f"{host} is {mirror}", canonical))
    if host.endswith("aclweb.org") and re.search(r"/[A-Z]\d{2}-\d(?:\.pdf)?$", parts.path):
        found.append(UrlDefect("volume-link", "links a whole proceedings volume", canonical))
    if label == "pdf" and looks_like_page(clean_url(url)):
        found.append(UrlDefect("pdf-link-to-page", "a [pdf] link to an HTML page", canonical))
    return found


_VENUE_YEAR = re.compile(
    r"(?:cvpr|iccv|eccv|icml|nips|aistats|ijrr|iclr|acl|emnlp)[_-]?((?:19|20)\d\d)(?!\d)", re.I
)


def venue_year(url: str) -> int | None:
    """The year a proceedings link names in its path (`content_cvpr_2014`, `icml2010_...`).

    >>> venue_year("http://machinelearning.wustl.edu/mlpapers/paper_files/icml2010_JiXYY10.pdf")
    2010
    """
    found = _VENUE_YEAR.search(urlsplit(url).path)
    return int(found.group(1)) if found else None


def scheme_key(url: str) -> str:
    """The canonical URL without its scheme: http and https spellings of a link share it."""
    return canonical_url(url, https=False).split("://", 1)[-1]
