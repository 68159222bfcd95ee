"""The one-line error messages in Chinese, for HTML error pages and the query UI.

Errors are raised deep in the stack (the guard, the runner, the parser's explanation, the
server's front and pool) with one English line, which machine clients get as it is. Rather than
thread a language through every layer, each kind of line is an entry here: its English
template, exactly as the code writes it, and the same sentence in zh-Hans. `localize` matches a
line against the templates and rewrites it; technical detail (positions, tokens, IRIs, numbers)
is carried over as the fields matched it. A field whose name starts with `msg` is itself a
message (or a phrase such as a syntax error's position) and is localized in turn. A line no
template matches stays English. `tests/web/site/test_i18n_errors.py` reads the package source
and fails on an error message no template matches.

The query UI gets the same templates as regular expressions (`client_patterns`), so that an
error `/sparql` answered in English is shown in the page's language.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

ZH = "zh-Hans"

# id: (English template, Chinese template); the {fields} of both are the same.
ERRORS: dict[str, tuple[str, str]] = {
    # pages
    "err.nothing_here": ("nothing here: {path}", "此处没有内容：{path}"),
    "err.nothing_known": ("nothing is known about {iri}", "数据集中没有关于 {iri} 的信息"),
    "err.not_an_iri": ("this path is not an IRI of the dataset", "此路径不是本数据集的 IRI"),
    "err.store": ("the store could not answer: {msg}", "存储无法作答：{msg}"),
    "err.no_query": ("no such query", "没有这个查询"),
    "err.no_file": ("no such file", "没有这个文件"),
    "err.bad_file_name": ("bad file name", "文件名无效"),
    "err.no_download": ("no such download", "没有这个下载文件"),
    "err.no_format": ("no such format: {path}", "没有这种格式：{path}"),
    "err.ontology_missing": (
        "The dlkg ontology is not available: {detail}",
        "dlkg 本体不可用：{detail}",
    ),
    "err.ontology_gone": ("The dlkg ontology is not available", "dlkg 本体不可用"),
    "err.shapes_missing": (
        "The dlkg SHACL shapes is not available: {detail}",
        "dlkg SHACL 约束形状不可用：{detail}",
    ),
    "err.shapes_gone": ("The dlkg SHACL shapes is not available", "dlkg SHACL 约束形状不可用"),
    "err.document_missing": ("{title} is not available: {detail}", "{title} 不可用：{detail}"),
    "err.document_gone": ("{title} is not available", "{title} 不可用"),
    "err.resource_formats": (
        "not acceptable; this resource has: {types}",
        "没有可接受的格式；此资源提供：{types}",
    ),
    "err.method_here": (
        "method {method} is not allowed on {path}; use {allow}",
        "{path} 不允许使用 {method} 方法；请使用 {allow}",
    ),
    # the SPARQL protocol
    "err.format_misfit": (
        "format {format} does not fit this query; use one of: {names}",
        "格式 {format} 不适用于此查询；请使用以下之一：{names}",
    ),
    "err.result_formats": (
        "not acceptable; this query's result can be: {types}",
        "没有可接受的格式；此查询的结果可以是：{types}",
    ),
    "err.post_type": (
        "POST needs a Content-Type: {query} or {form} (for updates: not accepted)",
        "POST 请求需要 Content-Type：{query} 或 {form}（不接受更新请求）",
    ),
    "err.charset": (
        "charset {charset} is not supported; send UTF-8",
        "不支持字符集 {charset}；请发送 UTF-8",
    ),
    "err.content_type": (
        "Content-Type {media} is not a SPARQL request; use {query} or {form}",
        "Content-Type {media} 不是 SPARQL 请求；请使用 {query} 或 {form}",
    ),
    "err.not_utf8": (
        "request body is not UTF-8 (byte {byte})",
        "请求体不是 UTF-8（第 {byte} 字节）",
    ),
    "err.protocol_method": (
        "{method} is not a SPARQL protocol method; use GET or POST",
        "{method} 不是 SPARQL 协议的方法；请使用 GET 或 POST",
    ),
    "err.update": (
        "SPARQL updates are not accepted: this endpoint is read-only",
        "不接受 SPARQL 更新：本端点是只读的",
    ),
    "err.query_count": (
        "{count} query parameters given; send exactly one",
        "给出了 {count} 个 query 参数；请只发送一个",
    ),
    "err.post_no_query": ("POST without a query parameter", "POST 请求缺少 query 参数"),
    "err.empty_query": ("the query parameter is empty", "query 参数为空"),
    "err.evaluation": ("query evaluation failed", "查询求值失败"),
    "err.malformed": ("malformed query: {msg}", "查询有误：{msg}"),
    "err.unbounded": (
        "cannot bound this query's rows; add LIMIT {limit}",
        "无法限制此查询的行数；请添加 LIMIT {limit}",
    ),
    "err.dataset_iris": (
        "default-graph-uri and named-graph-uri must be IRIs",
        "default-graph-uri 和 named-graph-uri 必须是 IRI",
    ),
    "err.not_select": ("not a SELECT or ASK query: {msg}", "不是 SELECT 或 ASK 查询：{msg}"),
    "err.not_construct": (
        "not a CONSTRUCT or DESCRIBE query: {msg}",
        "不是 CONSTRUCT 或 DESCRIBE 查询：{msg}",
    ),
    "err.not_kind": ("not a {kind} query: {msg}", "不是 {kind} 查询：{msg}"),
    "err.query_failed": ("query failed: {detail}", "查询失败：{detail}"),
    # syntax errors (sparql_syntax.explain): positions and tokens are kept as they are
    "err.unknown_prefix": (
        "unknown prefix `{prefix}:` at line {line}, column {column}",
        "未知前缀 `{prefix}:`，位于第 {line} 行第 {column} 列",
    ),
    "err.unknown_prefix_at": ("unknown prefix at {msg_where}", "{msg_where}有未知前缀"),
    "err.invalid_iri": ("invalid IRI at {msg_where}", "{msg_where}的 IRI 无效"),
    # the parser's own sentence: translated where known, else as the parser wrote it
    "err.parser_sentence": ("{msg_sentence} (at {msg_where})", "{msg_sentence}（位于{msg_where}）"),
    "err.duplicate_variable": ("Duplicated variable name in SELECT", "SELECT 中的变量名重复"),
    "err.where": ("line {line}, column {column}", "第 {line} 行第 {column} 列"),
    "err.syntax_expected": (
        "syntax error at {msg_where}: {msg_expected}",
        "语法错误，位于{msg_where}：{msg_expected}",
    ),
    "err.syntax_at": ("syntax error at {msg_where}", "语法错误，位于{msg_where}"),
    "err.syntax": ("syntax error: {detail}", "语法错误：{detail}"),
    "err.where_near": (
        "line {line}, column {column} near `{near}`",
        "第 {line} 行第 {column} 列 `{near}` 附近",
    ),
    "err.where_end": (
        "the end of the query (line {line}, column {column})",
        "查询末尾（第 {line} 行第 {column} 列）",
    ),
    "err.expected_one_of": ("expected one of {tokens}", "应为以下之一：{tokens}"),
    "err.expected": ("expected {token}", "应为 {token}"),
    "err.unexpected_char": (
        "error at {line}:{column}: unexpected {char}",
        "第 {line} 行第 {column} 列出错：意外的字符 {char}",
    ),
    # the guard (web/guard.py) and regular expressions it checks (sparql_regex.py)
    "err.depth_least": (
        "query nests brackets at least {depth} deep; the limit is {limit}",
        "查询的括号至少嵌套 {depth} 层；上限为 {limit} 层",
    ),
    "err.depth": (
        "query nests brackets {depth} deep; the limit is {limit}",
        "查询的括号嵌套 {depth} 层；上限为 {limit} 层",
    ),
    "err.update_word": (
        "{word} is a SPARQL update; this endpoint is read-only",
        "{word} 是 SPARQL 更新操作；本端点是只读的",
    ),
    "err.chain_least": (
        "query chains at least {chain} operators and UNION/OPTIONAL/FILTER blocks; "
        "the limit is {limit}",
        "查询至少串联了 {chain} 个运算符和 UNION/OPTIONAL/FILTER 块；上限为 {limit}",
    ),
    "err.chain": (
        "query chains {chain} operators and UNION/OPTIONAL/FILTER blocks; the limit is {limit}",
        "查询串联了 {chain} 个运算符和 UNION/OPTIONAL/FILTER 块；上限为 {limit}",
    ),
    "err.joins_least": (
        "query joins at least {joins} triple patterns, path steps and OPTIONAL/UNION/MINUS/"
        "GRAPH/subquery blocks (at least {optionals} OPTIONAL); planning that many takes "
        "seconds, the limit is {limit}",
        "查询至少连接了 {joins} 个三元组模式、路径步骤和 OPTIONAL/UNION/MINUS/GRAPH/子查询块"
        "（至少 {optionals} 个 OPTIONAL）；规划这么多连接需要数秒，上限为 {limit}",
    ),
    "err.joins": (
        "query joins {joins} triple patterns, path steps and OPTIONAL/UNION/MINUS/GRAPH/subquery "
        "blocks ({optionals} OPTIONAL); planning that many takes seconds, the limit is {limit}",
        "查询连接了 {joins} 个三元组模式、路径步骤和 OPTIONAL/UNION/MINUS/GRAPH/子查询块"
        "（其中 {optionals} 个 OPTIONAL）；规划这么多连接需要数秒，上限为 {limit}",
    ),
    "err.service_none": (
        "SERVICE {endpoint} is not allowed: this endpoint does not send queries to other "
        "endpoints (allowed: none)",
        "不允许 SERVICE {endpoint}：本端点不向其他端点发送查询（没有允许的端点）",
    ),
    "err.service": (
        "SERVICE {endpoint} is not allowed: this endpoint does not send queries to other "
        "endpoints (allowed: {allowed})",
        "不允许 SERVICE {endpoint}：本端点不向其他端点发送查询（允许的端点：{allowed}）",
    ),
    "err.regex": (
        "{function}: {msg} (checked before any row)",
        "{function}：{msg}（在读取任何行之前检查）",
    ),
    "err.regex_flags": (
        "flags {flags}: only s, m, i, x and q exist",
        "标志 {flags}：只有 s、m、i、x 和 q 这几种",
    ),
    "err.regex_size": (
        "pattern compiles to about {size} KB; the engine's limit is {limit} KB "
        "(a counted repetition like {{1000}} multiplies)",
        "模式编译后约 {size} KB；引擎的上限是 {limit} KB（像 {{1000}} 这样的计数重复会成倍放大）",
    ),
    "err.regex_unopened": (
        "regular expression {pattern}: unopened ')'",
        "正则表达式 {pattern}：')' 没有对应的 '('",
    ),
    "err.regex_deep": (
        "regular expression nests deeper than {limit}",
        "正则表达式嵌套超过 {limit} 层",
    ),
    "err.regex_repetition": (
        "regular expression {pattern}: bad repetition",
        "正则表达式 {pattern}：重复写法有误",
    ),
    "err.regex_nothing": (
        "regular expression {pattern}: nothing to repeat",
        "正则表达式 {pattern}：没有可重复的内容",
    ),
    "err.regex_range": (
        "repetition {range}: the maximum is below the minimum",
        "重复 {range}：最大值小于最小值",
    ),
    "err.regex_unclosed_paren": (
        "regular expression {pattern}: unclosed '('",
        "正则表达式 {pattern}：'(' 没有闭合",
    ),
    "err.regex_unclosed_class": (
        "regular expression {pattern}: unclosed '['",
        "正则表达式 {pattern}：'[' 没有闭合",
    ),
    "err.regex_backslash": ("regular expression ends with '\\'", "正则表达式以 '\\' 结尾"),
    # a SPARQL store behind --sparql-url (remote.py)
    "err.remote_unreadable": (
        "unreadable answer from the SPARQL store ({detail})",
        "SPARQL 存储的答复无法读取（{detail}）",
    ),
    "err.remote_status": ("the SPARQL store answered {status}", "SPARQL 存储答复了状态 {status}"),
    "err.remote_large": ("the SPARQL store's answer is too large", "SPARQL 存储的答复过大"),
    "err.remote_timeout": (
        "the SPARQL store did not answer within {seconds} s",
        "SPARQL 存储未在 {seconds} 秒内答复",
    ),
    "err.remote_unreachable": (
        "the SPARQL store is unreachable ({detail})",
        "无法连接 SPARQL 存储（{detail}）",
    ),
    "err.remote_malformed": (
        "the SPARQL store refused the query as malformed",
        "SPARQL 存储认为查询有误，拒绝执行",
    ),
    # the server (web/server/): what the query UI shows for 429, 503, 504, 507 and the like
    "err.per_client": (
        "too many queries from your address at once (at most {limit}); "
        "retry when one has been answered",
        "来自您地址的同时查询过多（最多 {limit} 个）；请在其中一个得到答复后重试",
    ),
    "err.busy": ("the server is busy; retry later", "服务器繁忙；请稍后重试"),
    "err.preempted": (
        "the server is busy with other long queries: this one was stopped after {seconds} s "
        "(up to {timeout} s when it is not); retry later",
        "服务器正忙于其他耗时查询：此查询运行 {seconds} 秒后被停止（服务器不忙时最长可运行 "
        "{timeout} 秒）；请稍后重试",
    ),
    "err.timeout": (
        "query exceeded the time limit of {seconds} s",
        "查询超出了 {seconds} 秒的时间限制",
    ),
    "err.shutting_down": ("the server is shutting down", "服务器正在关闭"),
    "err.memory_limit": (
        "the query needed more memory than one query may use ({limit} MiB); narrow it "
        "(fewer joined patterns, no ORDER BY over large results) and retry",
        "此查询所需内存超出单个查询的上限（{limit} MiB）；请缩小查询范围（减少连接的模式，"
        "不要对大量结果使用 ORDER BY）后重试",
    ),
    "err.memory": (
        "the query needed more memory than one query may use{limit}; narrow it "
        "(fewer joined patterns, no ORDER BY over large results) and retry",
        "此查询所需内存超出单个查询的上限{limit}；请缩小查询范围（减少连接的模式，"
        "不要对大量结果使用 ORDER BY）后重试",
    ),
    "err.crashed": (
        "the query crashed its worker process; the server replaced it",
        "此查询导致其工作进程崩溃；服务器已换上新的进程",
    ),
    "err.connections": ("too many connections; retry later", "连接过多；请稍后重试"),
    "err.headers_large": ("request headers too large", "请求头过大"),
    "err.request_line": ("malformed HTTP request line", "HTTP 请求行格式有误"),
    "err.url_long": (
        "URL longer than {limit} bytes; POST the query",
        "URL 超过 {limit} 字节；请用 POST 发送查询",
    ),
    "err.content_length": ("bad Content-Length", "Content-Length 无效"),
    "err.chunked": (
        "chunked bodies are not supported; send Content-Length",
        "不支持分块传输的请求体；请发送 Content-Length",
    ),
    "err.body_large": ("request body larger than {limit} bytes", "请求体超过 {limit} 字节"),
    "err.method": (
        "method {method} is not allowed; use GET or POST",
        "不允许使用 {method} 方法；请使用 GET 或 POST",
    ),
    "err.malformed_request": ("malformed request", "请求格式有误"),
    "err.internal": ("internal error while handling the request", "处理请求时发生内部错误"),
}


@dataclass(frozen=True)
class Template:
    key: str
    regex: re.Pattern[str]
    source: str  # the regex in a syntax Python and JavaScript both read
    fields: tuple[str, ...]
    literal: int  # characters of fixed text: the most specific template wins


_SPECIAL = re.compile(r"[\\^$.|?*+()\[\]{}/]")


def _template(key: str, english: str) -> Template:
    parts, fields, literal = ["^"], [], 0
    for text, field, _, _ in string.Formatter().parse(english):
        parts.append(_SPECIAL.sub(lambda m: "\\" + m.group(), text))
        literal += len(text)
        if field is not None:
            parts.append(r"([\s\S]*?)")
            fields.append(field)
    source = "".join(parts) + "$"
    return Template(key, re.compile(source), source, tuple(fields), literal)


@functools.cache
def templates() -> tuple[Template, ...]:
    """Every template, the one with the most fixed text first."""
    found = [_template(key, en) for key, (en, _) in ERRORS.items()]
    return tuple(sorted(found, key=lambda t: -t.literal))


def localize(line: str, lang: str) -> str:
    """`line` in `lang`: the Chinese sentence of the template it matches, else `line` itself."""
    if lang != ZH:
        return line
    for template in templates():
        match = template.regex.match(line)
        if match is None:
            continue
        values = dict(zip(template.fields, match.groups(), strict=True))
        filled = {k: localize(v, lang) if k.startswith("msg") else v for k, v in values.items()}
        return ERRORS[template.key][1].format(**filled)
    return line


def client_patterns(lang: str) -> list[Mapping[str, object]]:
    """The templates for query.js: `pattern` (a RegExp source), `fields` and `text` in `lang`
    (none for English, which the server's lines already are)."""
    if lang != ZH:
        return []
    return [
        {"pattern": t.source, "fields": list(t.fields), "text": ERRORS[t.key][1]}
        for t in templates()
    ]
