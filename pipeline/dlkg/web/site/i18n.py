"""The interface in English and Chinese (zh-Hans): the message catalogue and the choice of language.

Every piece of text a page or the query UI shows (not the data, which has its own @en/@zh-Hans
literals) is a key of `MESSAGES` with both languages; `tests/web/site/test_i18n.py` checks that
each key has both and that every key the templates and `query.js` use is here. The language is
`?lang=` (which also sets a cookie, so the links of the next pages keep it), else the cookie,
else the client's `Accept-Language` (q-values; Chinese of any region reads zh-Hans), else English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ... import formats
from ...catalogue import CATEGORIES
from ..http import Request
from .i18n_errors import ERRORS

EN, ZH = "en", "zh-Hans"
LANGUAGES = (EN, ZH)
COOKIE = "dlkg-lang"
SWITCH_NAMES = {EN: "English", ZH: "中文"}

MESSAGES: dict[str, tuple[str, str]] = {
    # site frame
    "nav.home": ("Home", "首页"),
    "nav.query": ("Query", "查询"),
    "nav.stats": ("Stats", "统计"),
    "nav.downloads": ("Downloads", "下载"),
    "nav.void": ("VoID", "数据集描述"),
    "nav.ontology": ("Ontology", "本体"),
    "nav.shapes": ("Shapes", "约束形状"),
    "nav.language": ("Language", "语言"),
    "footer.about": ("deep-learning papers knowledge graph", "深度学习论文知识图谱"),
    "footer.base": ("base IRI", "基础 IRI"),
    "footer.endpoint": ("SPARQL endpoint", "SPARQL 端点"),
    "error.back": ("Back to the home page", "返回首页"),
    # error pages: the status in words above the one-line detail (i18n_errors.py)
    "status.400": ("Bad request", "请求有误"),
    "status.403": ("Forbidden", "禁止访问"),
    "status.404": ("Not found", "未找到"),
    "status.405": ("Method not allowed", "方法不允许"),
    "status.406": ("Not acceptable", "无可接受的格式"),
    "status.413": ("Request too large", "请求过大"),
    "status.415": ("Unsupported media type", "不支持的媒体类型"),
    "status.429": ("Too many requests", "请求过多"),
    "status.500": ("Server error", "服务器错误"),
    "status.502": ("Bad gateway", "网关错误"),
    "status.503": ("Unavailable", "暂时无法提供服务"),
    "status.504": ("Gateway timeout", "网关超时"),
    "status.507": ("Out of memory", "内存不足"),
    # home
    "home.papers": ("papers", "篇论文"),
    "home.persons": ("persons", "位作者"),
    "home.lists": ("lists", "份列表"),
    "home.items": ("list items", "个列表条目"),
    "home.dumps": ("Download the dumps", "下载数据转储"),
    "home.void": ("dataset description", "数据集描述"),
    "home.ontology": ("ontology", "本体"),
    "home.shapes": ("shapes", "约束形状"),
    "home.report": ("data-quality report", "数据质量报告"),
    "query.cut_at": ("The result was cut at {rows} rows.", "结果在 {rows} 行处截断。"),
    "downloads.changes": ("Changes since the previous build", "与上一次构建相比的变化"),
    "downloads.changes_counts": (
        "{kind}: {added} added, {removed} removed, {changed} changed",
        "{kind}：新增 {added}，删除 {removed}，变更 {changed}",
    ),
    "downloads.changes_more": ("… and more; every change:", "……还有更多；全部变化见："),
    "federated.needs": ("Federated: needs SERVICE", "联邦查询：需要 SERVICE"),
    "federated.not_allowed": (
        ", which this server does not allow; running it here answers an error. "
        "The operator can allow it with",
        "，本服务器未允许；在此运行会返回错误。运维者可以这样允许：",
    ),
    "federated.calls": ("Federated: calls", "联邦查询：调用"),
    "federated.allowed": ("(allowed on this server).", "（本服务器已允许）。"),
    "links.exact": ("Exact links", "确切链接"),
    "links.link": ("link", "链接"),
    "links.kind": ("kind", "类型"),
    "links.about": ("about", "说明"),
    "links.confidence": ("confidence", "置信度"),
    "links.statistics": ("Statistics", "统计"),
    "downloads.report": (
        "What the build found wrong in its sources, readable:",
        "构建在来源中发现的问题，可读版：",
    ),
    # query UI (the server's part; query.js has its own keys below)
    "query.title": ("SPARQL query", "SPARQL 查询"),
    "query.results": ("SPARQL results", "SPARQL 查询结果"),
    "query.examples": ("Example questions", "示例问题"),
    "query.no_examples": ("No example queries are installed.", "没有安装示例查询。"),
    "query.run": ("Run query", "运行查询"),
    "query.hint": (
        "Ctrl-Enter runs · Ctrl-Space completes prefixes and terms",
        "Ctrl-Enter 运行 · Ctrl-Space 补全前缀和术语",
    ),
    "query.download": ("Download results:", "下载结果："),
    "js.running": ("Running…", "运行中…"),
    "js.rows": ("{n} rows · {ms} ms", "{n} 行 · {ms} 毫秒"),
    "js.ms": ("{ms} ms", "{ms} 毫秒"),
    "js.error": ("Error {status}: {message}", "错误 {status}：{message}"),
    "js.not_sent": ("The query could not be sent: {message}", "查询无法发送：{message}"),
    "js.truncated": (
        "The result was cut at the row limit.",
        "结果已在行数上限处截断。",
    ),
    # entity pages
    "entity.named_graph": ("Named graph", "命名图"),
    "entity.graph_holds": ("This named graph holds {n} statements.", "此命名图包含 {n} 条陈述。"),
    "entity.query_them": ("Query them", "查询这些陈述"),
    "entity.all_statements": ("All statements", "全部陈述"),
    "entity.out_in": ("{out} out, {inbound} in", "{out} 条出，{inbound} 条入"),
    "entity.property": ("property", "属性"),
    "entity.value": ("value", "值"),
    "entity.graph": ("graph", "图"),
    "entity.referenced_by": ("Referenced by", "被引用于"),
    "entity.subject": ("subject", "主语"),
    "stars.title": ("{n} of 5 stars", "5 星中的 {n} 星"),
    "col.list": ("list", "列表"),
    "col.number": ("#", "#"),
    "col.paper": ("paper", "论文"),
    "col.year": ("year", "年份"),
    "col.stars": ("stars", "星级"),
    "col.notes": ("notes", "备注"),
    "col.section": ("section", "章节"),
    "col.author_position": ("author #", "作者序号"),
    "col.list_item": ("list item", "列表条目"),
    # paper
    "paper.also_known_as": ("Also known as:", "又名："),
    "paper.year": ("Year", "年份"),
    "paper.authors": ("Authors", "作者"),
    "paper.as_written": ("as written: {name}", "原文写作：{name}"),
    "paper.some_authors": (
        'The sources list only some authors ("et al.").',
        "来源只列出了部分作者（“等人”）。",
    ),
    "paper.unknown": ("unknown", "未知"),
    "paper.arxiv": ("arXiv", "arXiv"),
    "paper.doi": ("DOI", "DOI"),
    "paper.links": ("Links", "链接"),
    "paper.from": ("From", "来源"),
    "paper.elsewhere": ("Elsewhere", "其他网站"),
    "paper.in_lists": ("In the lists", "所在列表"),
    "paper.stated_title": ("stated title: {title}", "列表中的标题：{title}"),
    # person
    "person.also_written": ("Also written:", "又写作："),
    "person.profiles": ("Profiles:", "主页："),
    "person.papers": ("Papers", "论文"),
    "person.coauthors": ("Co-authors", "合著者"),
    "person.key_researcher": ("Key researcher of", "被列为关键研究人员的章节"),
    # list
    "list.items": ("Items", "条目数"),
    "list.language": ("Language", "语言"),
    "list.translation_of": ("Translation of", "译自"),
    "list.sections": ("Sections", "章节"),
    "list.source": ("Source", "来源"),
    "list.translations": ("Translations", "译本"),
    "list.entries": ("Entries", "条目"),
    # list item
    "item.paper": ("Paper", "论文"),
    "item.list": ("List", "列表"),
    "item.position": ("Position", "位置"),
    "item.section": ("Section", "章节"),
    "item.stars": ("Stars", "星级"),
    "item.note": ("Note", "备注"),
    "item.commentary": ("Commentary", "评注"),
    "item.recommendation": ("Recommendation", "推荐"),
    "item.entry_number": ("Entry number", "条目编号"),
    "item.stated_title": ("Stated title", "列表中的标题"),
    "item.stated_original_title": ("Stated original title", "列表中的原标题"),
    "item.stated_authors": ("Stated authors", "列表中的作者"),
    "item.stated_year": ("Stated year", "列表中的年份"),
    "item.stated_venue": ("Stated venue", "列表中的出处"),
    "item.source_line": ("Source line", "来源行号"),
    "item.upstream_line": ("Upstream line", "上游原文行"),
    "item.links": ("Links", "链接"),
    "item.from": ("From", "来源"),
    # section and section scheme
    "section.number": ("Number", "编号"),
    "section.scheme": ("Scheme", "章节体系"),
    "section.part_of": ("Part of", "上级章节"),
    "section.top100": ("Top 100", "前 100"),
    "section.yes": ("yes", "是"),
    "section.no": ("no", "否"),
    "section.key_researchers": ("Key researchers", "关键研究人员"),
    "section.used_by": ("Used by", "使用者"),
    "section.subsections": ("Subsections", "子章节"),
    "section.sections": ("Sections", "章节"),
    "section.entries": ("Entries", "条目"),
    # downloads, VoID, ontology, shapes
    "downloads.title": ("Downloads", "下载"),
    "downloads.lead": (
        "Every dump of this build, with its sha256 (also in SHA256SUMS). N-Triples and Turtle "
        "hold all graphs but the build graph; TriG and N-Quads keep every named graph.",
        "本次构建的全部数据转储及其 sha256（亦见 SHA256SUMS）。N-Triples 和 Turtle 包含除构建图外"
        "的所有图；TriG 和 N-Quads 保留每个命名图。",
    ),
    "downloads.file": ("file", "文件"),
    "downloads.media_type": ("media type", "媒体类型"),
    "downloads.bytes": ("bytes", "字节"),
    "downloads.none": ("This build has no dumps.", "本次构建没有数据转储。"),
    "void.title": ("Dataset description (VoID)", "数据集描述（VoID）"),
    "void.lead": (
        "The meta graph of the dataset: VoID and DCAT, per-graph counts, the source documents.",
        "数据集的元数据图：VoID 与 DCAT、各图的统计、来源文档。",
    ),
    "void.empty": ("The meta graph is empty.", "元数据图为空。"),
    "doc.statements": ("{n} statements.", "{n} 条陈述。"),
    "doc.also_as": ("Also as", "其他格式："),
    "ontology.title": ("The dlkg ontology", "dlkg 本体"),
    "ontology.term": ("term", "术语"),
    "ontology.label": ("label", "标签"),
    "ontology.comment": ("comment", "说明"),
    "ontology.domain_range": ("domain → range", "定义域 → 值域"),
    "shapes.title": ("The dlkg SHACL shapes", "dlkg SHACL 约束形状"),
    "shapes.targets": ("targets {target}", "目标 {target}"),
    "shapes.path": ("path", "路径"),
    "shapes.type": ("type", "类型"),
    "shapes.count": ("count", "数量"),
    "shapes.severity": ("severity", "严重程度"),
    "shapes.message": ("message", "消息"),
    "shapes.check": ("SPARQL check: {message}", "SPARQL 检查：{message}"),
    "shapes.none": ("No node shapes.", "没有节点形状。"),
    # /report (report.html)
    "report.title": ("Data-quality report", "数据质量报告"),
    "report.none": ("This build has no readable", "本次构建没有可读的"),
    "report.lead": (
        "What the build found wrong or odd in its sources:",
        "构建在来源中发现的错误或异常：",
    ),
    "report.lead_of": (
        "What the build found wrong or odd in its sources (build of {ended}):",
        "构建（{ended}）在来源中发现的错误或异常：",
    ),
    "report.warnings_and": ("warnings and", "条警告和"),
    "report.errors_in_category": ("errors in {n} category.", "个错误，分属 {n} 个类别。"),
    "report.errors_in_categories": ("errors in {n} categories.", "个错误，分属 {n} 个类别。"),
    "report.as_data": ("The same as data:", "同样的内容，作为数据："),
    "report.catalogue": (
        "Every code is explained in the issue catalogue:",
        "每个代码的含义见问题目录：",
    ),
    "report.by_source": ("By source", "按来源"),
    "report.source": ("source", "来源"),
    "report.file": ("file", "文件"),
    "report.warnings": ("warnings", "警告"),
    "report.errors": ("errors", "错误"),
    "report.no_source": ("(no source)", "（无来源）"),
    "report.shipped": ("(shipped with dlkg)", "（随 dlkg 附带）"),
    "report.by_category": ("By category", "按类别"),
    "report.where": ("where", "位置"),
    "report.level": ("level", "级别"),
    "report.level_warning": ("warning", "警告"),
    "report.level_error": ("error", "错误"),
    "report.code": ("code", "代码"),
    "report.message": ("message", "消息"),
    "report.action": ("what is done / to do", "已做的处理 / 待办"),
    "report.no_warnings": ("No warnings.", "没有警告。"),
    "report.validation": ("Validation warnings", "验证警告"),
    "report.links": ("Link report", "链接报告"),
    "report.no_links": ("No link report:", "没有链接报告："),
    "report.link_not_run": ("has not run for this build.", "尚未在本次构建上运行。"),
    "report.mappings": ("{n} accepted mappings.", "{n} 个已接受的映射。"),
    "report.mappings_offline": (
        "{n} accepted mappings (from the cache, offline).",
        "{n} 个已接受的映射（来自缓存，离线）。",
    ),
    "report.hits": ("Hits:", "匹配结果："),
    "report.not_accepted": ("Rejected and ambiguous hits", "被拒绝和有歧义的匹配"),
    "report.service": ("service", "服务"),
    "report.status": ("status", "状态"),
    "report.agreed": ("agreed", "一致的字段"),
    "report.hit": ("hit", "匹配项"),
    "report.note": ("note", "备注"),
    "report.findings": (
        "Findings: services disagree with the lists",
        "发现：外部服务与清单不一致",
    ),
    "report.field": ("field", "字段"),
    "report.lists_say": ("the lists say", "清单中的值"),
    "report.service_says": ("the service says", "服务给出的值"),
    "report.failures": ("Failed requests", "失败的请求"),
    # issue categories (catalogue.CATEGORIES): the name `dlkg issues` uses, in Chinese
    "category.url": ("url", "链接"),
    "category.structure": ("structure", "结构"),
    "category.year": ("year", "年份"),
    "category.authors": ("authors", "作者"),
    "category.title": ("title", "标题"),
    "category.translation": ("translation", "翻译"),
    "category.formatting": ("formatting", "格式"),
    "category.entry": ("entry", "条目"),
    "category.identity": ("identity", "同一性"),
    "category.curation": ("curation", "人工整理"),
    "category.contribution": ("contribution", "贡献规则"),
}

# What each category holds: the English is catalogue.CATEGORIES itself (one place to edit), the
# Chinese is here; a category without one fails at import, so the report never shows a gap.
_CATEGORY_ABOUT_ZH = {
    "url": "链接：无用链接、跟踪参数、镜像、错误或缺失的链接",
    "structure": "标题层级、章节、目录和编号",
    "year": "缺失或相互矛盾的年份",
    "authors": "作者列表：不完整、缩写、拼错或写法怪异",
    "title": "标题的错别字、截断和不同写法",
    "translation": "中文文档与英文列表的对照",
    "formatting": "Markdown 和 BibTeX 语法",
    "entry": "缺少字段或无法读取的条目",
    "identity": "哪些记录是同一篇论文：冲突与重复",
    "curation": "人工整理的决定和键注册表",
    "contribution": "超赞列表自身的贡献规则（Contributing.md，贡献指南）",
}
MESSAGES.update(
    {f"category.{k}.about": (about, _CATEGORY_ABOUT_ZH[k]) for k, about in CATEGORIES.items()}
)

# the one-line error messages (`err.*`), matched against the English lines errors carry
MESSAGES.update(ERRORS)

_ZH_TAG = re.compile(r"^zh(?:[-_].*)?$", re.IGNORECASE)
_EN_TAG = re.compile(r"^en(?:[-_].*)?$", re.IGNORECASE)


def normalize(tag: str | None) -> str | None:
    """EN or ZH for a language tag the interface speaks (`zh`, `zh-CN`, `zh-Hans`, `en-GB`...)."""
    tag = (tag or "").strip()
    if _ZH_TAG.match(tag):
        return ZH
    if _EN_TAG.match(tag):
        return EN
    return None


def from_accept_language(header: str | None) -> str | None:
    """The interface language the client prefers most among those it lists (RFC 9110 §12.5.4)."""
    best: tuple[float, int, str] | None = None
    for index, (tag, q) in enumerate(formats.weighted(header or "")):
        lang = normalize(tag)
        if lang and q > 0 and (best is None or (q, -index) > best[:2]):
            best = (q, -index, lang)
    return best[2] if best else None


def cookie_value(header: str | None, name: str = COOKIE) -> str | None:
    for part in (header or "").split(";"):
        key, _, val = part.strip().partition("=")
        if key == name:
            return val.strip()
    return None


def choose_language(request: Request) -> tuple[str, bool]:
    """(language, chosen by ?lang=): the parameter, the cookie, Accept-Language, English."""
    asked = normalize(request.param("lang"))
    if asked:
        return asked, True
    cookie = normalize(cookie_value(request.headers.get("cookie")))
    if cookie:
        return cookie, False
    return from_accept_language(request.headers.get("accept-language")) or EN, False


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)`: the message in `lang`, with `{name}` fields filled in."""
    index = 1 if lang == ZH else 0

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][index]
        return text.format(**values) if values else text

    return t


def client_messages(lang: str) -> Mapping[str, str]:
    """The `js.*` messages query.js shows, in `lang`."""
    index = 1 if lang == ZH else 0
    return {k[3:]: v[index] for k, v in MESSAGES.items() if k.startswith("js.")}
