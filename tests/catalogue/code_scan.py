"""Find every issue code the package can emit, by reading its source (ast, no imports).

Issue codes appear in three shapes:

1. whole literals: `"resolve.year-conflict"`, `"bib.no-year"` (any string constant whose prefix
   is a known code prefix);
2. a module prefix plus a suffix: the awesome and roadmap parsers call `st.warn("no-year", ...)`
   and build the code as `f"{LIST_ID}.{code}"`; the suffixes are the hyphenated string literals
   of that module and of the functions it imports from other dlkg modules (the shared markdown
   oddities), less the few that are not codes (`NOT_CODES` of the test);
2b. a parser module that names its kind (`KIND = sources.kind("awesome-list")`) and builds
   codes with `KIND.code("no-year")`: the prefix is that kind's in the registry (given by the
   caller in `kind_prefixes`), the suffixes its literals as in shape 2;
3. a function that takes the prefix as a parameter and has a fixed suffix
   (`f"{list_id}.{UNPARSABLE_ENTRY}"`): every prefix module that imports it uses prefix.suffix.

Anything else that looks like a code template (e.g. `f"resolve.{kind}-conflict"`) must be
declared by the caller in `templates` with the codes it can produce, or with "prefix.*" when
its module passes the suffixes as literals (shape 2 with a prefix that is not a module string
constant); an undeclared one is returned in `ScanResult.undeclared` so the test fails and
names it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

FULL = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)$")
SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")  # at least one hyphen: "no-year"
_HOLE = re.compile(r"\{[^{}]*\}")
_TEMPLATE = re.compile(r"^[a-zX][a-zX0-9-]*\.[a-zX0-9-]+$")
FILE_SUFFIXES = frozenset(
    {"md", "py", "toml", "tsv", "csv", "ttl", "nt", "nq", "trig", "json", "jsonld", "bib", "rq"}
    | {"txt", "svg", "png", "html", "js", "css"}
)


@dataclass
class ScanResult:
    codes: dict[str, set[str]] = field(default_factory=dict)  # code -> "file:line" places
    undeclared: list[str] = field(default_factory=list)  # code templates nobody declared

    def add(self, code: str, where: str) -> None:
        self.codes.setdefault(code, set()).add(where)


@dataclass
class _Module:
    path: Path
    tree: ast.Module
    constants: dict[str, str]  # module-level NAME = "text"
    imports: dict[str, tuple[Path, str]]  # local name -> (module file, name there)
    prefix: str | None = None  # set when the module builds f"{CONSTANT}.{suffix}"
    kind: str | None = None  # `KIND = sources.kind("name")`: codes built by `KIND.code(suffix)`


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _strings(node: ast.AST, skip: set[int]) -> list[ast.Constant]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]


def _load(path: Path) -> _Module:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    constants: dict[str, str] = {}
    imports: dict[str, tuple[Path, str]] = {}
    kind = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and _is_kind_lookup(node.value):
            kind = node.value.args[0].value  # type: ignore[attr-defined]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            text = node.value.value
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            constants.update(dict.fromkeys(names, text) if isinstance(text, str) else {})
        elif isinstance(node, ast.ImportFrom) and node.level and node.module:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            target_file = base.joinpath(*node.module.split(".")).with_suffix(".py")
            for alias in node.names:
                imports[alias.asname or alias.name] = (target_file, alias.name)
    return _Module(path, tree, constants, imports, kind=kind)


def _is_kind_lookup(node: ast.expr) -> bool:
    """`sources.kind("awesome-list")`: the module's source kind in the registry."""
    return (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) == "sources.kind"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
    )


def _template(node: ast.JoinedStr, constants: Mapping[str, str]) -> tuple[str, list[str]]:
    """The f-string as text with module constants filled in; the names left as holes."""
    text, holes = "", []
    for value in node.values:
        if isinstance(value, ast.Constant):
            text += str(value.value)
        elif isinstance(value, ast.FormattedValue):
            expr = ast.unparse(value.value)
            if expr in constants:
                text += constants[expr]
            else:
                text += "{" + expr + "}"
                holes.append(expr)
    return text, holes


def scan(
    package: Path,
    prefixes: Collection[str],
    templates: Mapping[str, Collection[str]],
    not_codes: Collection[str],
    kind_prefixes: Mapping[str, str] | None = None,
) -> ScanResult:
    modules = {p: _load(p) for p in sorted(package.rglob("*.py"))}
    result = ScanResult()
    for module in modules.values():
        if module.kind is not None and kind_prefixes and module.kind in kind_prefixes:
            module.prefix = kind_prefixes[module.kind]  # its parser's `KIND.code(suffix)`
    prefix_functions: dict[tuple[Path, str], str] = {}  # (file, function) -> fixed suffix
    for module in modules.values():
        skip = _docstrings(module.tree)
        rel = module.path.relative_to(package)
        for const in _strings(module.tree, skip):
            m = FULL.match(const.value)
            if m and m.group(1) in prefixes and m.group(2) not in FILE_SUFFIXES:
                result.add(const.value, f"{rel}:{const.lineno}")
        for func in ast.walk(module.tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.JoinedStr):
                    continue
                text, holes = _template(node, module.constants)
                if not holes or not _TEMPLATE.match(_HOLE.sub("X", text)):
                    continue
                where = f"{rel}:{node.lineno}"
                prefix, _, suffix = text.partition(".")
                if suffix in FILE_SUFFIXES:
                    continue  # a file name such as f"network-{scope}.svg", not a code
                if text in templates:
                    for code in templates[text]:
                        if code.endswith(".*"):  # declared as "prefix + literal suffixes"
                            module.prefix = code[:-2]
                        else:
                            result.add(code, where)
                elif holes == [suffix[1:-1]] and "{" not in prefix:
                    module.prefix = prefix  # f"{LIST_ID}.{code}": suffixes come as literals
                elif holes == [prefix[1:-1]] and "{" not in suffix:
                    prefix_functions[(module.path, func.name)] = suffix
                else:
                    result.undeclared.append(f"{where}: {text}")
    for module in modules.values():
        if module.prefix is None:
            continue
        rel = module.path.relative_to(package)
        places: list[tuple[ast.AST, set[int], str]] = [
            (module.tree, _docstrings(module.tree), str(rel))
        ]
        for file, name in module.imports.values():
            if (file, name) in prefix_functions:
                result.add(f"{module.prefix}.{prefix_functions[file, name]}", str(rel))
            source = modules.get(file)
            for node in source.tree.body if source else ():
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    places.append((node, _docstrings(node), str(file.relative_to(package))))
        for tree, skip, where in places:
            for const in _strings(tree, skip):
                if SLUG.match(const.value) and const.value not in not_codes:
                    result.add(f"{module.prefix}.{const.value}", f"{where}:{const.lineno}")
    return result
