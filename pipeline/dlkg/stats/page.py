"""The `/stats` page as one HTML document: tables, chart placeholders and the network, in English
or Chinese (`lang`), with every figure's data embedded as JSON for `static/vendor/stats.js`.

The page is plain HTML that reads without JavaScript (the tables); the bundle draws the charts
from the same Vega-Lite specs as `dlkg stats --plots` (vega-embed) and the co-authorship network
(cytoscape.js) from the positions computed here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from html import escape
from urllib.parse import quote

from . import charts, network
from .queries import Table, load_query
from .tables import cell_text, ranked, top_with_ties

LANGS = ("en", "zh")
TOP = 15
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Statistics", "统计"),
    "lead": (
        "Who wrote the listed papers, when they appeared, how the lists overlap and how much "
        "the Chinese documents cover. Every figure is a SPARQL query in queries/stats/: "
        "“rerun” opens it in the query editor.",
        "谁写了这些论文、论文发表于哪一年、两个列表如何重叠、中文文档覆盖了多少。每个数字都来自 "
        "queries/stats/ 中的一个 SPARQL 查询：点击“重新运行”即可在查询编辑器中打开。",
    ),
    "authors": ("Authors", "作者"),
    "network": ("Co-authorship network", "合著网络"),
    "network_note": (
        "Node size: papers; edge width: shared papers. Click a person to open their page.",
        "节点大小：论文数；连线粗细：合著论文数。点击某人打开其页面。",
    ),
    "scope_top100": ("top-100 authors", "Top-100 论文作者"),
    "scope_all": ("everyone", "所有人"),
    "min_papers": ("at least papers", "论文数至少"),
    "find": ("find a person", "查找某人"),
    "papers": ("Papers", "论文"),
    "lists": ("The two lists", "两个列表"),
    "coverage": ("Chinese coverage", "中文覆盖"),
    "rerun": ("rerun", "重新运行"),
    "rank_top100": (
        "rank {rank} by top-100 papers ({papers})",
        "按 Top-100 论文数排名第 {rank}（{papers} 篇）",
    ),
    "rank_roadmap": (
        "rank {rank} by roadmap papers ({papers})",
        "按路线图论文数排名第 {rank}（{papers} 篇）",
    ),
    "rank_all": (
        "rank {rank} by papers in any list ({papers})",
        "按所有列表论文数排名第 {rank}（{papers} 篇）",
    ),
    "ties": ("top {n}, ties at the cut-off kept", "前 {n} 名，并列者全部保留"),
    "other_lang": ("中文", "English"),
    "no_script": (
        "The charts and the network need JavaScript; the tables above say the same.",
        "图表和网络需要 JavaScript；上面的表格给出相同的数字。",
    ),
}
COLUMN_TEXT: dict[str, tuple[str, str]] = {
    "rank": ("rank", "排名"),
    "name": ("name", "姓名"),
    "coauthor_name": ("co-author", "合著者"),
    "papers": ("papers", "论文"),
    "first_author": ("first author", "第一作者"),
    "last_author": ("last author", "最后作者"),
    "shared": ("shared papers", "合著论文"),
    "shared_top100": ("of them top-100", "其中 Top-100"),
    "label": ("section", "章节"),
    "label_zh": ("Chinese label", "中文名"),
    "entries": ("entries", "条目"),
    "in_other_list": ("also in the other list", "也在另一列表中"),
}
# Captions above the charts (the specs' own titles stay English: files and page share them).
CHART_TEXT: dict[str, tuple[str, str]] = {
    "top-authors": ("Most prolific top-100 authors", "Top-100 论文最多的作者"),
    "papers-per-year": ("Papers per year by list", "各列表每年的论文数"),
    "section-sizes": ("Entries per section", "各章节的条目数"),
    "roadmap-stars": ("Roadmap entries per section by stars", "路线图各章节按星级的条目数"),
    "translation-coverage": (
        "How much of each English list the Chinese documents cover",
        "中文文档覆盖了各英文列表的多少",
    ),
}
LINKED = {"name": "person", "coauthor_name": "coauthor"}
HIDDEN = frozenset({"person", "coauthor", "section", "top100", "notation"})


def pick_lang(param: str | None, accept_language: str | None) -> str:
    """`?lang=` first, then the first of en/zh named by Accept-Language, else English."""
    if param in LANGS:
        return param
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "en"


class _Page:
    def __init__(
        self, lang: str, prefix: str, href: Callable[[str], str | None], tables: dict[str, Table]
    ) -> None:
        self.lang, self.prefix, self.href, self.tables = lang, prefix, href, tables
        self.i = LANGS.index(lang)

    def t(self, key: str, **values: object) -> str:
        return escape(TEXT[key][self.i].format(**values))

    def table(self, table: Table, limit: int = 0, columns: list[str] | None = None) -> str:
        shown = top_with_ties(ranked(table), limit)
        names = columns or [c for c in shown.columns if c not in HIDDEN]
        rerun = self.prefix + "/query?query=" + quote(load_query(table.name).text, safe="")
        out = [
            f'<figure class="stats-table" id="table-{table.name}">',
            f"<figcaption>{escape(table.title_zh if self.lang == 'zh' else table.title)}"
            + (f" ({self.t('ties', n=limit)})" if limit and "rank" in shown.columns else "")
            + f' · <a href="{escape(rerun)}">{self.t("rerun")}</a></figcaption>',
            '<div class="table-wrap"><table><thead><tr>',
        ]
        for name in names:
            label = COLUMN_TEXT.get(name, (name, name))[self.i]
            numeric = all(isinstance(r.get(name), int) for r in shown.rows)
            out.append(f"<th{' class=num' if numeric else ''}>{escape(label)}</th>")
        out.append("</tr></thead><tbody>")
        for row in shown.rows:
            out.append("<tr>")
            for name in names:
                value = row.get(name)
                text = escape(cell_text(value))
                iri = row.get(LINKED.get(name, ""))
                link = self.href(str(iri)) if iri else None
                if link:
                    text = f'<a href="{escape(link)}">{text}</a>'
                cls = ' class="num"' if isinstance(value, int) else ""
                out.append(f"<td{cls}>{text}</td>")
            out.append("</tr>")
        out.append("</tbody></table></div></figure>")
        return "\n".join(out)

    def chart(self, name: str) -> str:
        caption = escape(CHART_TEXT[name][self.i])
        return (
            f'<figure class="stats-chart"><figcaption>{caption}</figcaption>'
            f'<div class="chart" data-chart="{name}" id="chart-{name}"></div></figure>'
        )


def stats_page(
    tables: dict[str, Table],
    *,
    lang: str = "en",
    prefix: str = "",
    href: Callable[[str], str | None] = lambda iri: None,
    networks: dict[str, network.Network] | None = None,
    person: str | None = None,
) -> str:
    """The whole `/stats` document; `href` maps a person's IRI to their page's path, `networks`
    are the laid-out networks when the caller keeps them, `person` an IRI to focus on."""
    p = _Page(lang, prefix, href, tables)
    laid_out = networks or {s: network.build_network(tables, s) for s in network.SCOPES}

    def person_href(iri: str) -> str:
        return href(iri) or ""

    known = {str(r["person"]) for r in tables["authors-all"].rows}
    focus = person if person in known else None
    data = {
        "charts": charts.chart_specs(tables),
        "networks": {s: network.to_elements(n, person_href) for s, n in laid_out.items()},
        "focus": focus,
    }
    # "</" must not end the script element early; JSON allows the escaped slash.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    other = LANGS[1 - p.i]
    switch = f"?lang={other}" + (f"&person={quote(focus, safe='')}" if focus else "")
    body = [
        f"<h1>{p.t('title')}</h1>",
        f'<p class="lead">{p.t("lead")} <a href="{escape(switch)}" hreflang="{other}" '
        f'class="lang-switch">{p.t("other_lang")}</a></p>',
        *(_person_section(p, focus) if focus else []),
        f'<h2 id="authors">{p.t("authors")}</h2>',
        p.chart("top-authors"),
        p.table(tables["authors-top100"], TOP),
        p.table(tables["authors-roadmap"], TOP),
        p.table(tables["authors-all"], TOP),
        p.table(tables["coauthor-pairs"], TOP),
        f'<h2 id="network">{p.t("network")}</h2>',
        f'<p class="hint">{p.t("network_note")}</p>',
        '<div class="network-controls">',
        f'<label><input type="radio" name="scope" value="top100" checked> {p.t("scope_top100")}'
        "</label>",
        f'<label><input type="radio" name="scope" value="all"> {p.t("scope_all")}</label>',
        f'<label>{p.t("min_papers")} <input type="number" id="min-papers" min="1" value="1" '
        'size="3"></label>',
        f'<label>{p.t("find")} <input type="search" id="find-person"></label>',
        "</div>",
        '<div id="network-view" class="network"></div>',
        f'<h2 id="papers">{p.t("papers")}</h2>',
        p.chart("papers-per-year"),
        p.chart("section-sizes"),
        p.table(tables["section-sizes"]),
        f'<h2 id="lists">{p.t("lists")}</h2>',
        p.table(tables["list-overlap"]),
        p.table(tables["section-overlap"]),
        p.chart("roadmap-stars"),
        f'<h2 id="coverage">{p.t("coverage")}</h2>',
        p.chart("translation-coverage"),
        p.table(tables["translation-coverage"]),
        f'<noscript><p class="hint">{p.t("no_script")}</p></noscript>',
    ]
    return _document(p, "\n".join(body), payload)


def _person_section(p: _Page, iri: str) -> list[str]:
    """A person's ranks in the three rankings and their co-authors (from the same queries)."""
    ranks: list[str] = []
    name = ""
    for table_name, key in (
        ("authors-top100", "rank_top100"),
        ("authors-roadmap", "rank_roadmap"),
        ("authors-all", "rank_all"),
    ):
        row = next((r for r in ranked(p.tables[table_name]).rows if r["person"] == iri), None)
        if row is not None:
            name = str(row["name"])
            ranks.append(p.t(key, rank=row["rank"], papers=row["papers"]))
    coauthors = p.tables["coauthors"]
    mine = replace(coauthors, rows=[r for r in coauthors.rows if r["person"] == iri])
    link = p.href(iri)
    title = f'<a href="{escape(link)}">{escape(name)}</a>' if link else escape(name)
    return [
        f'<section id="person" class="person-focus"><h2>{title}</h2>',
        f"<p>{'; '.join(ranks)}</p>",
        p.table(mine, columns=["coauthor_name", "shared", "shared_top100"]),
        "</section>",
    ]


STYLE = """
header.site { flex-wrap: wrap; gap: 0.5rem 2rem; }
header.site nav { display: flex; flex-wrap: wrap; gap: 0.2rem 0; }
main.stats figure { margin: 1rem 0; }
.stats-table figcaption, .stats-chart figcaption { font-weight: 600; margin-top: 1rem; }
.table-wrap, .chart { max-width: 100%; overflow-x: auto; }
.chart { margin: 1rem 0; min-height: 2rem; }
.network { height: 36rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.network-controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1.2rem; margin: 0.5rem 0; }
.lang-switch { margin-left: 0.5rem; white-space: nowrap; }
@media (max-width: 40rem) { main { padding: 0.5rem 0.8rem 2rem; } .network { height: 24rem; } }
"""


def _document(p: _Page, main: str, payload: str) -> str:
    nav = [("/", "Home"), ("/query", "Query"), ("/stats", "Stats"), ("/downloads", "Downloads")]
    links = "\n".join(f'<a href="{p.prefix}{path}">{label}</a>' for path, label in nav)
    lang_tag = "zh-Hans" if p.lang == "zh" else "en"
    return f"""<!doctype html>
<html lang="{lang_tag}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{p.t("title")} · dlkg</title>
<link rel="stylesheet" href="{p.prefix}/static/style.css">
<link rel="icon" href="data:,">
<style>{STYLE}</style>
</head>
<body>
<header class="site"><a class="brand" href="{p.prefix}/">dlkg</a><nav>{links}</nav></header>
<main class="stats">
{main}
</main>
<script type="application/json" id="stats-data">{payload}</script>
<script src="{p.prefix}/static/vendor/stats.js" defer></script>
</body>
</html>
"""
