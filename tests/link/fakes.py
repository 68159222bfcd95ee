"""Local stand-ins for the six services, on 127.0.0.1, answering in each one's documented format.

Formats follow the services' documentation: the arXiv API user manual (Atom 1.0 with the
opensearch and arxiv extension elements), Crossref's REST API (`{"status": "ok",
"message-type": "work", "message": {...}}`, 404 "Resource not found." as text), OpenAlex's
work object and error format, Semantic Scholar's Graph API paper object and
`{"error": ...}` 404s, and SPARQL 1.1 Query Results JSON for Wikidata and dblp. The SPARQL
fakes read the VALUES block of the query the client sends, and answer for those identifiers.

Faults are queued per server: each `Fault` applies to the next request whose path+query
contains `match`, once: 429 with Retry-After, 500, a delay longer than the client timeout,
a truncated JSON body, HTML instead of JSON.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).parent / "fixtures"
Reply = tuple[int, str, bytes]
Responder = Callable[[str, dict[str, str]], Reply]


def works() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "works.json").read_text(encoding="utf-8"))["works"]


@dataclass
class Fault:
    kind: str  # "429", "500", "slow", "truncated", "html"
    match: str = ""
    seconds: float = 1.0


@dataclass
class Logged:
    at: float
    target: str
    headers: dict[str, str]


@dataclass
class FakeService:
    responder: Responder
    faults: list[Fault] = field(default_factory=list)
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                with service.lock:
                    service.log.append(Logged(time.monotonic(), self.path, dict(self.headers)))
                    fault = next((f for f in service.faults if f.match in unquote(self.path)), None)
                    if fault is not None:
                        service.faults.remove(fault)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                status, media, body = service.responder(unquote(parts.path), query)
                if fault is not None:
                    if fault.kind == "429":
                        return self._send(
                            429,
                            "application/json",
                            b'{"error":"Too Many Requests"}',
                            {"Retry-After": str(int(fault.seconds))},
                        )
                    if fault.kind == "500":
                        return self._send(500, "text/plain", b"Internal Server Error")
                    if fault.kind == "slow":
                        time.sleep(fault.seconds)
                    if fault.kind == "truncated":
                        body = body[: len(body) // 2]
                    if fault.kind == "html":
                        media, body = "text/html", b"<!DOCTYPE html><html><body>Sorry</body></html>"
                self._send(status, media, body)

            def _send(
                self, status: int, media: str, body: bytes, extra: dict[str, str] | None = None
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", media)
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): nothing to answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def targets(self) -> list[str]:
        with self.lock:
            return [entry.target for entry in self.log]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- arXiv -----------------------------------------------------------------------------------


def _name(author: dict[str, str]) -> str:
    return f"{author['given']} {author['family']}"


def arxiv_responder(path: str, query: dict[str, str]) -> Reply:
    wanted = [i for i in query.get("id_list", "").split(",") if i]
    by_id = {w["arxiv"]: w for w in works() if w.get("arxiv")}
    entries = []
    for arxiv_id in wanted:
        w = by_id.get(arxiv_id)
        if w is None:
            continue  # the API leaves out ids it does not know
        doi = f"<arxiv:doi>{w['doi']}</arxiv:doi>" if w.get("doi") else ""
        ref = (
            f"<arxiv:journal_ref>{w['journal_ref']}</arxiv:journal_ref>"
            if w.get("journal_ref")
            else ""
        )
        cats = "".join(
            f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>'
            for c in w.get("categories", [])
        )
        authors = "".join(f"<author><name>{escape(_name(a))}</name></author>" for a in w["authors"])
        entries.append(
            f"""<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id>
<updated>{w["published"]}</updated><published>{w["published"]}</published>
<title>{escape(w["title"])}</title><summary>  {escape(w.get("abstract", ""))}
</summary>{authors}{doi}{ref}
<link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>
<arxiv:primary_category term="{(w.get("categories") or ["cs.LG"])[0]}" scheme="http://arxiv.org/schemas/atom"/>{cats}
</entry>"""
        )
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
 xmlns:arxiv="http://arxiv.org/schemas/atom">
<title type="html">ArXiv Query: id_list={escape(query.get("id_list", ""))}</title>
<id>http://arxiv.org/api/fake</id><updated>2026-12-01T00:00:00-05:00</updated>
<opensearch:totalResults>{len(entries)}</opensearch:totalResults>
<opensearch:startIndex>0</opensearch:startIndex><opensearch:itemsPerPage>{len(wanted)}</opensearch:itemsPerPage>
{"".join(entries)}</feed>"""
    return 200, "application/atom+xml; charset=utf-8", feed.encode("utf-8")


# -- Crossref, OpenAlex, Semantic Scholar ----------------------------------------------------


def _by_doi(doi: str) -> dict[str, Any] | None:
    return next((w for w in works() if w.get("doi", "").lower() == doi.lower()), None)


def crossref_responder(path: str, query: dict[str, str]) -> Reply:
    w = _by_doi(path.removeprefix("/works/"))
    if w is None:
        return 404, "text/plain", b"Resource not found."
    message = {
        "DOI": w["doi"].lower(),
        "type": "proceedings-article" if "CVPR" in w["doi"] else "journal-article",
        "title": [w["title"]],
        "author": [
            {
                "given": a["given"],
                "family": a["family"],
                "sequence": "first" if i == 0 else "additional",
                "affiliation": [],
            }
            for i, a in enumerate(w["authors"])
        ],
        "issued": {"date-parts": [[w["crossref_year"]]]},
        "is-referenced-by-count": w.get("citations", 0),
    }
    body = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
    return 200, "application/json", json.dumps(body).encode()


def openalex_responder(path: str, query: dict[str, str]) -> Reply:
    doi = path.removeprefix("/works/doi:")
    arxiv = doi.removeprefix("10.48550/arXiv.") if doi.startswith("10.48550/arXiv.") else None
    w = next((x for x in works() if arxiv and x.get("arxiv") == arxiv), None) or _by_doi(doi)
    if w is None or not w.get("openalex"):
        return (
            404,
            "application/json",
            json.dumps({"error": "NotFoundError", "message": f"Work doi:{doi} not found"}).encode(),
        )
    work = {
        "id": f"https://openalex.org/{w['openalex']}",
        "doi": f"https://doi.org/{doi.lower()}",
        "title": w["title"],
        "display_name": w["title"],
        "publication_year": int(w["published"][:4]),
        "ids": {
            "openalex": f"https://openalex.org/{w['openalex']}",
            "doi": f"https://doi.org/{doi.lower()}",
        },
        "authorships": [
            {
                "author_position": "first" if i == 0 else "middle",
                "author": {
                    "id": f"https://openalex.org/{a['openalex']}" if a.get("openalex") else None,
                    "display_name": _name(a),
                    "orcid": f"https://orcid.org/{a['orcid']}" if a.get("orcid") else None,
                },
                "raw_author_name": _name(a),
            }
            for i, a in enumerate(w["authors"])
        ],
        "cited_by_count": w.get("citations", 0),
    }
    return 200, "application/json", json.dumps(work).encode()


def s2_responder(path: str, query: dict[str, str]) -> Reply:
    ref = path.removeprefix("/paper/")
    kind, _, ident = ref.partition(":")
    w = next((x for x in works() if kind == "ARXIV" and x.get("arxiv") == ident), None)
    w = w or (_by_doi(ident) if kind == "DOI" else None)
    if w is None or not w.get("s2"):
        return (
            404,
            "application/json",
            json.dumps({"error": f"Paper with id {ref} not found"}).encode(),
        )
    shown = w.get("wrong", w) if w.get("wrong_title_for") == "semanticscholar" else w
    record = {
        "paperId": w["s2"],
        "externalIds": {"ArXiv": w.get("arxiv"), "DBLP": w.get("dblp"), "CorpusId": 7200347},
        "url": f"https://www.semanticscholar.org/paper/{w['s2']}",
        "title": shown["title"],
        "year": shown.get("year") or int(w["published"][:4]),
        "citationCount": w.get("citations", 0),
        "authors": [{"authorId": a.get("s2"), "name": _name(a)} for a in shown["authors"]],
    }
    return 200, "application/json", json.dumps(record).encode()


# -- SPARQL: Wikidata (scholarly and main) and dblp -------------------------------------------


def _bindings(rows: list[dict[str, str]], variables: list[str]) -> Reply:
    def cell(value: str) -> dict[str, str]:
        kind = "uri" if value.startswith("http") else "literal"
        return {"type": kind, "value": value}

    body = {
        "head": {"vars": variables},
        "results": {"bindings": [{k: cell(v) for k, v in row.items()} for row in rows]},
    }
    return 200, "application/sparql-results+json", json.dumps(body).encode()


def _values(query: str) -> list[str]:
    found = re.search(r"VALUES \?\w+ \{(.*?)\}", query, re.S)
    return re.findall(r'"([^"]+)"|<([^>]+)>|wd:(Q\d+)', found.group(1)) if found else []


def wikidata_responder(path: str, query: dict[str, str]) -> Reply:
    text = query.get("query", "")
    wanted = [a or b or c for a, b, c in _values(text)]
    rows: list[dict[str, str]] = []
    if "wdt:P818" in text or "wdt:P356" in text:
        for w in works():
            ident = w.get("arxiv") if "wdt:P818 ?id" in text else w.get("doi", "").upper()
            if not w.get("wikidata") or ident not in wanted:
                continue
            item = f"http://www.wikidata.org/entity/{w['wikidata']}"
            base = {"item": item, "id": ident, "title": w["title"], "date": w["published"]}
            for i, a in enumerate(w["authors"], start=1):
                row = dict(base, ordinal=str(i))
                if a.get("wikidata"):
                    row["author"] = f"http://www.wikidata.org/entity/{a['wikidata']}"
                else:
                    row["name"] = _name(a)
                rows.append(row)
        return _bindings(rows, ["item", "id", "title", "date", "author", "name", "ordinal"])
    people = {a["wikidata"]: a for w in works() for a in w["authors"] if a.get("wikidata")}
    for qid in wanted:
        a = people.get(qid)
        if a is None:
            continue
        row = {"author": f"http://www.wikidata.org/entity/{qid}", "label": _name(a)}
        if a.get("orcid"):
            row["orcid"] = a["orcid"]
        if a.get("dblp"):
            row["dblp"] = a["dblp"]
        rows.append(row)
    return _bindings(rows, ["author", "label", "orcid", "dblp"])


def dblp_responder(path: str, query: dict[str, str]) -> Reply:
    wanted = {b for _a, b, _c in _values(query.get("query", ""))}
    rows: list[dict[str, str]] = []
    for w in works():
        if not w.get("dblp"):
            continue
        # dblp stores an arXiv DOI the way DataCite registers it: upper-case ARXIV
        doi = (
            f"10.48550/ARXIV.{w['arxiv']}"
            if w["dblp"].startswith("journals/corr")
            else w.get("doi", "")
        )
        iri = f"https://doi.org/{doi}"
        if iri not in wanted:
            continue
        for i, a in enumerate(w["authors"], start=1):
            row = {
                "publ": f"https://dblp.org/rec/{w['dblp']}",
                "doi": iri,
                "title": w["title"] + ".",
                "year": w["published"][:4] if "corr" in w["dblp"] else "2016",
                "ordinal": str(i),
                "name": _name(a) + (" 0001" if a["family"] == "He" else ""),
            }
            if a.get("dblp"):
                row["person"] = f"https://dblp.org/pid/{a['dblp']}"
            rows.append(row)
    return _bindings(rows, ["publ", "doi", "title", "year", "ordinal", "name", "person", "orcid"])


RESPONDERS: dict[str, Responder] = {
    "arxiv": arxiv_responder,
    "crossref": crossref_responder,
    "openalex": openalex_responder,
    "semanticscholar": s2_responder,
    "wikidata": wikidata_responder,
    "wikidata-main": wikidata_responder,
    "dblp": dblp_responder,
}
