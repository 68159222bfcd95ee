"""Error lines in the reader's language: Chinese on Chinese HTML pages, English for machines.

The completeness test reads the package source: every literal message an error is raised or
answered with (and every `message = ...` line the server builds) must match a template of
`i18n_errors.ERRORS`, so a new error cannot reach a Chinese page in English unnoticed.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.web.site import i18n_errors
from dlkg.web.site.i18n_errors import ZH, localize

from ..helpers import Call

PACKAGE = Path(i18n_errors.__file__).resolve().parents[2]
# Where the lines a page or the query UI can show are written.
SOURCES = [
    *sorted((PACKAGE / "web").rglob("*.py")),
    PACKAGE / "sparql_syntax.py",
    PACKAGE / "sparql_regex.py",
    PACKAGE / "memory_budget.py",
    PACKAGE / "store.py",
]
# call name: index of its message argument
_CALLS = {
    "error_page": 3, "error_response": 1, "ProtocolError": 1, "GuardError": 1, "RunnerError": 1,
    "_refuse": 1, "_fail": 2, "SyntaxProblem": 0, "PatternError": 0, "QueryError": 0,
}  # fmt: skip
_NOT_SHOWN = ("--",)  # command-line option errors (`--memory-budget: ...`) never reach a page


def _sample(node: ast.expr) -> Iterator[str]:
    """The texts a message expression can produce, each field filled in with `7`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
    elif isinstance(node, ast.IfExp):
        yield from _sample(node.body)
        yield from _sample(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for left in _sample(node.left):
            for right in _sample(node.right):
                yield left + right


def written_messages() -> list[tuple[str, str]]:
    """(where, text) of every message literal the error paths of the package write."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            expr: ast.expr | None = None
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in _CALLS and len(node.args) > _CALLS[name]:
                    expr = node.args[_CALLS[name]]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "message" for t in node.targets
            ):
                expr = node.value
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                # `return status, message` (memory_budget.crash_reply)
                status, *rest = node.value.elts
                numeric = isinstance(status, ast.Constant) and isinstance(status.value, int)
                expr = (
                    rest[0]
                    if len(rest) == 1 and (numeric or isinstance(status, ast.Name))
                    else None
                )
            for text in _sample(expr) if expr is not None else ():
                line = " ".join(text.split())
                if line and not line.startswith(_NOT_SHOWN) and " " in line:
                    found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", line))
    return found


def test_every_error_message_the_code_writes_has_a_chinese_template() -> None:
    messages = written_messages()
    assert len(messages) > 60, "the scan found too little: its patterns are stale"
    missing = [f"{where}: {line}" for where, line in messages if localize(line, ZH) == line]
    assert missing == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "malformed query: unknown prefix `schema2:` at line 1, column 33",
            "查询有误：未知前缀 `schema2:`，位于第 1 行第 33 列",
        ),
        (
            "malformed query: syntax error at line 2, column 5 near `ORDER`: expected one of "
            "`.`, `}`",
            "查询有误：语法错误，位于第 2 行第 5 列 `ORDER` 附近：应为以下之一：`.`, `}`",
        ),
        (
            "the store could not answer: malformed query: error at 1:5: unexpected '§'",
            "存储无法作答：查询有误：第 1 行第 5 列出错：意外的字符 '§'",
        ),
        (
            "REGEX: repetition {3,1}: the maximum is below the minimum (checked before any row)",
            "REGEX：重复 {3,1}：最大值小于最小值（在读取任何行之前检查）",
        ),
        (
            "malformed query: Duplicated variable name in SELECT (at line 1, column 32)",
            "查询有误：SELECT 中的变量名重复（位于第 1 行第 32 列）",
        ),
        (
            "Another parser sentence (at line 1, column 2)",
            "Another parser sentence（位于第 1 行第 2 列）",
        ),
        ("a line no template knows", "a line no template knows"),
    ],
)
def test_localize_keeps_the_technical_detail(english: str, chinese: str) -> None:
    assert localize(english, ZH) == chinese
    assert localize(english, "en") == english


def test_client_patterns_read_the_same_in_javascript_syntax() -> None:
    patterns = i18n_errors.client_patterns(ZH)
    assert i18n_errors.client_patterns("en") == []
    assert len(patterns) == len(i18n_errors.ERRORS)
    for pattern in patterns:
        source = str(pattern["pattern"])
        assert "(?P" not in source and source.startswith("^") and source.endswith("$")
        assert re.compile(source).groups == len(pattern["fields"])  # type: ignore[arg-type]


# --- what readers and clients get -------------------------------------------------------------


def _page_message(body: bytes) -> str:
    found = re.search(r'<p class="error">(.*?)</p>', body.decode("utf-8"), re.S)
    assert found, body[:300]
    return found.group(1)


def test_a_chinese_error_page_explains_in_chinese(call: Call) -> None:
    missing = call("/person/nobody", accept_language="zh")
    assert missing.status == 404
    assert (
        _page_message(missing.body) == "数据集中没有关于 https://w3id.org/dlkg/person/nobody 的信息"
    )
    english = call("/person/nobody", accept_language="en")
    assert (
        _page_message(english.body) == "nothing is known about https://w3id.org/dlkg/person/nobody"
    )
    # a machine client asking for text gets the English line, whatever its languages
    plain = call("/person/nobody", accept="text/plain", accept_language="zh")
    assert plain.body == b"nothing is known about https://w3id.org/dlkg/person/nobody\n"
    assert (
        _page_message(call("/queries/nope.rq", cookie="dlkg-lang=zh-Hans").body) == "没有这个查询"
    )


def test_a_syntax_error_on_the_html_result_page_is_chinese_with_its_position(call: Call) -> None:
    query = "SELECT ?t WHERE { ?p nope:title ?t }"
    form = {"query": [query], "lang": ["zh"]}
    page = call("/sparql", query=form)
    assert page.status == 400 and page.content_type.startswith("text/html")
    assert _page_message(page.body) == "查询有误：未知前缀 `nope:`，位于第 1 行第 22 列"
    assert "<h1>400 · 请求有误</h1>" in page.body.decode()
    # the protocol's answers stay English, in text and in JSON
    text = call("/sparql", accept="application/sparql-results+json", query=form)
    assert text.body == b"malformed query: unknown prefix `nope:` at line 1, column 22\n"
    as_json = json.loads(call("/sparql", accept="application/json", query=form).body)
    assert as_json["error"] == "malformed query: unknown prefix `nope:` at line 1, column 22"


def test_a_refused_query_on_a_chinese_page(call: Call) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    page = call("/sparql", query={"query": [query]}, accept_language="zh-CN")
    assert page.status == 403
    assert _page_message(page.body) == (
        "不允许 SERVICE &lt;http://example.org/sparql&gt;：本端点不向其他端点发送查询"
        "（没有允许的端点）"
    )


def test_the_query_ui_gets_the_templates_only_in_chinese(call: Call) -> None:
    def config(lang: str) -> dict[str, object]:
        page = call("/query", query={"lang": [lang]}).body.decode()
        found = re.search(r'<script type="application/json" id="dlkg-config">(.*?)</script>', page)
        assert found
        loaded: dict[str, object] = json.loads(found.group(1))
        return loaded

    assert config("en")["errorPatterns"] == []
    chinese = config("zh")["errorPatterns"]
    assert isinstance(chinese, list) and {"pattern", "fields", "text"} <= set(chinese[0])
