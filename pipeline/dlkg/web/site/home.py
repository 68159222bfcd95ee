"""The home page (dataset summary + query UI), the query page and the query gallery.

The query UI runs in the browser: `static/query.js` posts to `/sparql` (sparql.py)
and renders the results; `static/vendor/editor.js` (CodeMirror, bundled from npm by
`frontend/`) adds highlighting and completion. Without either the page still works as a form.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ...common import PREFIX_BLOCK, prefix_block
from ...errors import QueryError
from ...link.web import federated_endpoints
from ...namespaces import BIBO, DCAT, DCTERMS, DLKG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, VOID
from ..http import Context, Request, Response
from . import i18n, i18n_errors
from .render import curie, error_page, linker_for, render_html, rows, sparql_iri, value

_QUERY_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
# Terms offered by the editor's completion (the ones docs/data-model.md uses).
COMPLETION_TERMS = [
    RDF.type, RDFS.label,
    SCHEMA.ScholarlyArticle, SCHEMA.Person, SCHEMA.ItemList, SCHEMA.ListItem, SCHEMA.name,
    SCHEMA.alternateName, SCHEMA.datePublished, SCHEMA.author, SCHEMA.sameAs, SCHEMA.url,
    SCHEMA.givenName, SCHEMA.familyName, SCHEMA.itemListElement, SCHEMA.item, SCHEMA.position,
    SCHEMA.numberOfItems, SCHEMA.inLanguage, SCHEMA.translationOfWork,
    SKOS.Concept, SKOS.ConceptScheme, SKOS.prefLabel, SKOS.inScheme, SKOS.broader,
    SKOS.notation, SKOS.topConceptOf, DCTERMS.title, DCTERMS.source, DCTERMS.license,
    PROV.wasDerivedFrom, BIBO.doi, VOID.triples, VOID.subset, DCAT.distribution,
    *(DLKG[name] for name in DLKG.__annotations__),
]  # fmt: skip

# Offered by the editor's completion as whole expressions: language tags are stored lower-case
# (`zh-hans`), so `lang(?t) = "zh-Hans"` finds nothing and langMatches is the way to match.
COMPLETION_SNIPPETS = [
    'FILTER(langMatches(lang(?title), "zh"))',
    'FILTER(langMatches(lang(?title), "en"))',
]

Q_COUNTS = """SELECT ?papers ?persons ?lists ?items WHERE {
  { SELECT (COUNT(DISTINCT ?p) AS ?papers) WHERE { ?p a schema:ScholarlyArticle } }
  { SELECT (COUNT(DISTINCT ?a) AS ?persons) WHERE { ?a a schema:Person } }
  { SELECT (COUNT(DISTINCT ?l) AS ?lists) WHERE { ?l a schema:ItemList } }
  { SELECT (COUNT(DISTINCT ?i) AS ?items) WHERE { ?i a schema:ListItem } }
}"""
Q_LISTS = """SELECT ?list (SAMPLE(?n) AS ?name) (SAMPLE(?nz) AS ?nameZh)
  (COUNT(DISTINCT ?item) AS ?items) WHERE {
  ?list a schema:ItemList .
  OPTIONAL { ?list schema:itemListElement ?item }
  OPTIONAL { ?list schema:name ?n FILTER(LANGMATCHES(LANG(?n), 'en')) }
  OPTIONAL { ?list schema:name ?nz FILTER(LANGMATCHES(LANG(?nz), 'zh')) }
} GROUP BY ?list ORDER BY ?list"""
Q_DATASET = """SELECT ?title ?titleZh ?description WHERE {
  OPTIONAL { $DATASET dcterms:title ?title FILTER(LANGMATCHES(LANG(?title), 'en')) }
  OPTIONAL { $DATASET dcterms:title ?titleZh FILTER(LANGMATCHES(LANG(?titleZh), 'zh')) }
  OPTIONAL { $DATASET dcterms:description ?description
             FILTER(LANGMATCHES(LANG(?description), 'en')) }
} LIMIT 1"""
DEFAULT_QUERY = """SELECT ?paper ?title ?year WHERE {
  ?paper a schema:ScholarlyArticle ;
         schema:name ?title .
  OPTIONAL { ?paper schema:datePublished ?year }
  FILTER(langMatches(lang(?title), "en"))
}
ORDER BY ?year
LIMIT 20"""


@dataclass(frozen=True)
class GalleryQuery:
    """One competency query of `queries_dir`: `NN-slug.rq` with `#+ key: value` headers."""

    name: str
    summary: str
    description: str
    text: str
    federated: tuple[str, ...] = ()  # SERVICE endpoints it needs allow-listed (`#+ federated:`)
    summary_zh: str = ""  # `#+ summary_zh:`, as queries/stats/*.rq name their Chinese titles
    description_zh: str = ""

    def summary_in(self, lang: str) -> str:
        """The summary a reader of `lang` sees (the English one where no Chinese is written)."""
        return (self.summary_zh if lang == i18n.ZH else "") or self.summary

    def description_in(self, lang: str) -> str:
        return (self.description_zh if lang == i18n.ZH else "") or self.description


def parse_query_file(name: str, text: str) -> GalleryQuery:
    """Read the `#+ summary:` / `#+ description:` header lines (continued by `#+ ` lines) and
    their Chinese `#+ summary_zh:` / `#+ description_zh:`."""
    headers: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.strip():
                break
            continue
        body = line[2:].strip()
        match = re.match(r"^([A-Za-z_-]+):\s*(.*)$", body)
        if match:
            key = match.group(1).lower()
            headers[key] = match.group(2).strip()
        elif key and body:
            headers[key] = (headers[key] + " " + body).strip()
    return GalleryQuery(
        name=name,
        summary=headers.get("summary", name),
        description=headers.get("description", ""),
        summary_zh=headers.get("summary_zh", ""),
        description_zh=headers.get("description_zh", ""),
        text=text,
        federated=tuple(federated_endpoints(text)),
    )


def load_gallery(queries_dir: Path) -> list[GalleryQuery]:
    """Every `*.rq` file of the folder, sorted by name; an absent folder gives none."""
    try:
        paths = sorted(queries_dir.glob("*.rq"))
    except OSError:
        return []
    return [
        parse_query_file(p.stem, p.read_text(encoding="utf-8"))
        for p in paths
        if _QUERY_NAME.match(p.name)
    ]


def find_example(gallery: list[GalleryQuery], wanted: str | None) -> GalleryQuery | None:
    """The gallery query `wanted` names: `01-slug`, its number (`01`, `1`) or its slug."""
    if not wanted:
        return None
    for q in gallery:
        number, _, slug = q.name.partition("-")
        if wanted in (q.name, slug) or (wanted.isdigit() and number.isdigit() and
                                        int(wanted) == int(number)):  # fmt: skip
            return q
    return None


def editor_config(
    request: Request, ctx: Context, gallery: list[GalleryQuery], *, autorun: bool = False
) -> dict[str, object]:
    """What `static/query.js` needs, embedded in the page as JSON."""
    prefix = linker_for(request, ctx).prefix
    lang, _ = i18n.choose_language(request)
    return {
        "baseIri": ctx.base_iri,
        "linkPrefix": prefix,
        "endpoint": prefix + "/sparql",
        "prefixes": PREFIXES,
        "terms": sorted({curie(str(t)) for t in COMPLETION_TERMS}),
        "snippets": COMPLETION_SNIPPETS,
        "gallery": [asdict(q) for q in gallery],
        "allowedServices": list(ctx.federated),  # what SERVICE may call here
        "lang": lang,
        "messages": i18n.client_messages(lang),
        "errorPatterns": i18n_errors.client_patterns(lang),  # the server's errors, translated
        # a link with ?query= or ?example= shows its results, as the big query services do
        "autorun": autorun,
    }


def _query_page(request: Request, ctx: Context, template: str, **values: object) -> Response:
    gallery = load_gallery(ctx.queries_dir)
    from_sparql = "query_text" in values  # /sparql already shows this query's results
    given = values.pop("query_text", None)
    text = given if isinstance(given, str) and given else request.param("query")
    chosen = find_example(gallery, request.param("example"))
    autorun = not from_sparql and (bool(text and text.strip()) or chosen is not None)
    if text is None:
        text = chosen.text if chosen else PREFIX_BLOCK_SHORT + DEFAULT_QUERY
    return render_html(
        template,
        request,
        ctx,
        {
            **values,
            "gallery": gallery,
            "query_text": text,
            "chosen": chosen.name if chosen else "",
            "config": editor_config(request, ctx, gallery, autorun=autorun),
        },
    )


PREFIX_BLOCK_SHORT = prefix_block(("schema", "dlkg", "skos", "xsd")) + "\n"


def home_handler(request: Request, ctx: Context) -> Response:
    """`/`: the dataset summary (counts via SPARQL), the lists, the query UI and gallery."""
    try:
        counts = rows(ctx.runner.select(PREFIX_BLOCK + Q_COUNTS))
        lists = rows(ctx.runner.select(PREFIX_BLOCK + Q_LISTS))
        about = rows(
            ctx.runner.select(
                PREFIX_BLOCK
                + Q_DATASET.replace("$DATASET", sparql_iri(ctx.iri_for_path("dataset")))
            )
        )
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
    linker = linker_for(request, ctx)
    summary = {
        k: int(value(counts[0], k) or 0) if counts else 0
        for k in ("papers", "persons", "lists", "items")
    }
    list_rows = [
        {
            "list": linker.term(r.get("list")),
            "name": value(r, "name") or value(r, "nameZh"),
            "name_zh": value(r, "nameZh") if value(r, "name") else "",
            "items": value(r, "items"),
        }
        for r in lists
    ]
    return _query_page(
        request,
        ctx,
        "home.html",
        title=(value(about[0], "title") if about else "") or "dlkg",
        title_zh=value(about[0], "titleZh") if about else "",
        description=value(about[0], "description") if about else "",
        summary=summary,
        lists=list_rows,
    )


def query_page_handler(request: Request, ctx: Context) -> Response:
    """`/query`: the editor alone, prefilled from `?query=` or `?example=<gallery name>`."""
    return _query_page(request, ctx, "query.html", title_key="query.title")


def query_file_handler(request: Request, ctx: Context) -> Response:
    """`/queries/<name>.rq`: one gallery query as `application/sparql-query` text."""
    file_name = request.params["name"]
    stem = file_name[:-3] if file_name.endswith(".rq") else file_name
    found = find_example(load_gallery(ctx.queries_dir), stem)
    if found is None:
        return error_page(request, ctx, 404, "no such query")
    return Response(200, "application/sparql-query; charset=utf-8", found.text.encode("utf-8"))
