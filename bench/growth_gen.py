"""Write one scale of synthetic sources, in the sources' own formats, with a synthetic manifest.

Layout of the output folder (the same manifest/mirror path as the real sources):

    sources.toml                       a copy of data/sources.toml with the files' sha256
    mirror/awesome-deep-learning-papers/README.md         awesome-style markdown
    mirror/awesome-deep-learning-papers/top100papers.bib  BibTeX of the top-100 part
    mirror/deep-learning-papers-reading-roadmap/README.md roadmap-style markdown
    sources/zh-awesome-most-cited.md   abridged Chinese translation of the awesome list
    sources/zh-roadmap-blog-part2.md   Chinese blog on roadmap sections 2.1-2.3

At x1 the entry counts match the real files (238 awesome, 101 BibTeX, 133 roadmap, 88 zh, 18
blog entries); at xN they are N times that. The mess is the real files' kind: papers in several
lists, a few repeated inside one list, missing years, authors as initials in one list, inverted
full names in another and LaTeX in the BibTeX.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from pathlib import Path

from dlkg.parse.markdown import github_anchor
from dlkg.parse.zh_sections import AWESOME_HEADINGS
from dlkg.resources import data_dir
from growth_people import Paper, Person, Universe

_ZH_HEADINGS = (
    "理解 / 泛化 / 迁移", "优化 / 训练技术", "无监督 / 生成模型", "卷积神经网络模型",
    "图像分割 / 物体检测", "图像 / 视频 / 其他", "自然语言处理 / RNN", "语音 / 其他领域",
    "强化学习 / 机器人技术", "2016年更多论文", "新论文", "经典论文", "计算机硬件 / 软件 / 数据集",
    "书籍 / 综述 / 评论", "视频讲座 / 教程 / 博客", "附录：超越前100篇",
)  # fmt: skip
_BLOG_HEADINGS = ("**1.深度学习模型**", "**2. 深度学习优化**", "**3. 无监督学习/深层生成模型**")
FILES = {
    "awesome-readme": "mirror/awesome-deep-learning-papers/README.md",
    "awesome-bib": "mirror/awesome-deep-learning-papers/top100papers.bib",
    "roadmap-readme": "mirror/deep-learning-papers-reading-roadmap/README.md",
    "zh-awesome": "sources/zh-awesome-most-cited.md",
    "zh-roadmap-blog": "sources/zh-roadmap-blog-part2.md",
}


def _awesome_authors(p: Paper) -> str:
    if len(p.authors) == 1:
        return p.authors[0].initials()
    if len(p.authors) == 2:
        return f"{p.authors[0].initials()} and {p.authors[1].initials()}"
    return f"{p.authors[0].initials()} et al."


def _awesome(u: Universe, rng: random.Random) -> tuple[str, list[tuple[int, Paper]]]:
    """The awesome README and the (section index, paper) of every entry, in order."""
    n = 238 * u.scale
    placed: list[tuple[int, Paper]] = []
    for i in range(n):
        # about 44% in the ten top-100 sections, as in the real list
        section = rng.randrange(10) if i < n * 0.44 else 10 + rng.randrange(6)
        repeat = placed and rng.random() < 0.01  # the same paper listed twice
        paper = rng.choice(placed)[1] if repeat else u.papers[i]
        if (section == 10 and paper.year < 2016) or (section == 11 and paper.year >= 2012):
            section = 15  # the shapes hold "New papers" to 2016+ and "Old Papers" to before 2012
        placed.append((section, paper))
    placed.sort(key=lambda sp: sp[0])
    out = ["# Awesome - Synthetic Most Cited Deep Learning Papers", "", "## Contents", ""]
    for k, heading in enumerate(AWESOME_HEADINGS):
        if k == 10:
            out += ["", "*(More than Top 100)*", ""]
        out.append(f"* [{heading}](#{github_anchor(heading)})")
    out += ["", "* * *", ""]
    for k, heading in enumerate(AWESOME_HEADINGS):
        out += [f"### {heading}"]
        papers = [p for s, p in placed if s == k]
        for j, p in enumerate(papers):
            if k == 15 and j in {0, len(papers) // 3, 2 * len(papers) // 3}:
                out.append(f"*({('2016', '2015', '~2014')[j * 3 // len(papers)]})*")
            title = f"**{p.title}**" if k < 10 else p.title
            year = "" if rng.random() < 0.03 else f" ({p.year})"  # missing years
            out.append(f"- {title}{year}, {_awesome_authors(p)} [[pdf]]({p.url})")
        if k == 14:  # lectures: no authors, commas in the title
            for j in range(3 * u.scale):
                out.append(
                    f"- CS{100 + j}n, Deep Learning Lecture {j}, University {j % 7} "
                    f"[[web]](http://cs{100 + j}.example.edu/)"
                )
        if k < 10 and papers:
            key = papers[0].authors[0]
            out.append(
                f"<!---[Key researchers] [{key.full(middle=False)}]"
                f"(https://scholar.example.org/citations?user={key.family}) -->"
            )
        out.append("")
    return "\n".join(out) + "\n", placed


def _bib_key(p: Paper, used: set[str]) -> str:
    first = re.sub(r"[^a-z]", "", p.title.split()[0].lower()) or "paper"
    base = re.sub(r"[^a-z]", "", p.authors[0].family.lower()) + str(p.year) + first
    key, n = base, 0
    while key in used:
        n += 1
        key = f"{base}{chr(ord('a') + n % 26)}{n // 26 or ''}"
    used.add(key)
    return key


def _bibtex(papers: list[Paper], rng: random.Random) -> str:
    out: list[str] = []
    used: set[str] = set()
    for p in papers:
        names = " and ".join(a.bibtex(middle=rng.random() < 0.8) for a in p.authors)
        if len(p.authors) > 4 and rng.random() < 0.2:
            names = " and ".join(a.bibtex() for a in p.authors[:3]) + " and others"
        kind = "article" if p.arxiv else "inproceedings"
        where = (
            f"  journal={{arXiv preprint arXiv:{p.arxiv}}},"
            if p.arxiv
            else f"  booktitle={{{p.venue}}},\n  pages={{{p.n % 900 + 1}--{p.n % 900 + 9}}},"
        )
        year = "" if rng.random() < 0.02 else f",\n  year={{{p.year}}}"
        out.append(
            f"@{kind}{{{_bib_key(p, used)},\n  title={{{p.title}}},\n"
            f"  author={{{names}}},\n{where.rstrip(',')}{year}\n}}\n"
        )
    return "\n".join(out)


def _mla(authors: list[Person], rng: random.Random) -> str:
    mid = rng.random() < 0.7
    if rng.random() < 0.05:  # "W. Xiong, J. Droppo, X. Huang" as the roadmap sometimes has
        return ", ".join(a.initials() for a in authors)
    if len(authors) > 3:
        return f"{authors[0].inverted(middle=mid)}, et al"
    first = authors[0].inverted(middle=mid)
    rest = [a.full(middle=mid) for a in authors[1:]]
    if not rest:
        return first
    # MLA: "Hinton, Geoffrey E., Simon Osindero, and Yee-Whye Teh"
    return ", ".join([first, *rest[:-1]]) + f", and {rest[-1]}"


def _roadmap(u: Universe, rng: random.Random) -> tuple[str, list[Paper]]:
    """The roadmap README and the entries of its sections 2.1-2.3 (the blog's papers)."""
    n = 133 * u.scale
    # Half the roadmap's papers are also on the awesome list, half only here.
    pool = [u.papers[i] for i in rng.sample(range(238 * u.scale), n // 2)]
    pool += u.papers[238 * u.scale : 238 * u.scale + n - n // 2]
    rng.shuffle(pool)
    per_part = max(5, round(7 * u.scale**0.5))
    sections = [(part, s) for part in (1, 2, 3) for s in range(per_part)]
    out = ["# Deep Learning Papers Reading Roadmap (synthetic)", "", "---", ""]
    blog: list[Paper] = []
    number = 0
    # Sections 2.1-2.3 (the blog's) keep their real share, 18 of 133 entries, at every size;
    # the other sections share the rest.
    blog_each = n * 6 // 133
    rest = -(-(n - 3 * blog_each) // (len(sections) - 3))
    sizes = [blog_each if part == 2 and 1 <= s <= 3 else rest for part, s in sections]
    starts = [0, *itertools.accumulate(sizes)]
    for idx, (part, s) in enumerate(sections):
        if s == 0:
            out += [f"# {part} Part {part}" if part != 2 else "#2 Deep Learning Method", ""]
        name = {(2, 1): "Model", (2, 2): "Optimization"}.get((part, s), f"Topic {part}.{s}")
        if (part, s) == (2, 3):
            name = "Unsupervised Learning / Deep Generative Model"
        out += [f"## {part}.{s} {name}", ""]
        if part == 3:
            number = 0  # part 3 restarts its numbers in every section
        for p in pool[starts[idx] : starts[idx + 1]]:
            if rng.random() >= 0.01:
                number += 1  # else the number repeats, as "[34]" does in 2.3
            venue = p.venue if rng.random() < 0.97 else "Unpublished draft"
            year = f" ({p.year})" if venue != "Unpublished draft" else ""
            stars = ":star:" * rng.randint(3, 5)
            who = _mla(p.authors, rng).removesuffix(".")
            out += [
                f'**[{number}]** {who}. "**{p.title}**." {venue}{year}. '
                f"[[pdf]]({p.url}) **(Note {p.n})** {stars}",
                "",
            ]
            if part == 2 and 1 <= s <= 3:
                blog.append(p)
    return "\n".join(out) + "\n", blog


def _zh_awesome(placed: list[tuple[int, Paper]], rng: random.Random) -> str:
    out = ["# 超赞 - 合成的被引用最多的深度学习论文", "", "## 目录", ""]
    keep = set(rng.sample(range(len(placed)), len(placed) * 88 // 238))  # the abridgement
    chosen = [sp for i, sp in enumerate(placed) if i in keep]
    for k, heading in enumerate(_ZH_HEADINGS):
        out += ["", f"### {heading}"]
        for s, p in chosen:
            if s != k:
                continue
            who = f"{p.authors[0].initials()}{'等人' if len(p.authors) > 1 else ''}"
            if k < 10:
                out.append(f"- **{p.title_zh}**（{p.year}），{who} [[pdf]]({p.url})")
            else:
                out.append(f"- 《{p.title_zh}》 ({p.year}), {who} [[pdf]]({p.url})")
    return "\n".join(out) + "\n"


def _zh_blog(papers: list[Paper], scale: int) -> str:
    out = [
        "# 深度学习零基础进阶第二弹（合成）",
        "",
        "今天这一部分，我们将通过新一批论文进行介绍。",
        "",
    ]
    per = -(-len(papers) // 3)
    n = 0
    for k, heading in enumerate(_BLOG_HEADINGS):
        out += [heading, ""]
        for p in papers[k * per : (k + 1) * per]:
            n += 1
            a = p.authors[0]
            out += [f"{a.family} 与 {a.given} 等技术专家合著的《{p.title}》也很有指导意义。", ""]
            out += [f"[{n}] [{p.url}]({p.url})", ""]
    return "\n".join(out) + "\n"


def _manifest(shas: dict[str, str]) -> str:
    """data/sources.toml with every source's sha256 replaced by the generated file's."""
    text = (data_dir() / "sources.toml").read_text(encoding="utf-8")
    blocks = text.split("[[source]]")
    for i, block in enumerate(blocks[1:], start=1):
        source_id = re.search(r'^id = "([^"]+)"', block, re.M)
        assert source_id, "every [[source]] of data/sources.toml has an id"
        sha = shas[source_id.group(1)]
        blocks[i] = re.sub(r'^sha256 = "[0-9a-f]+"', f'sha256 = "{sha}"', block, flags=re.M)
    return "# Synthetic growth-benchmark sources (bench/growth.py).\n" + "[[source]]".join(blocks)


def generate(out_dir: Path, scale: int, seed: int = 13) -> Path:
    """Write the five sources of one scale and their manifest; return the manifest's path."""
    u = Universe(scale, seed)
    rng = random.Random(f"dlkg-growth-files-{seed}-{scale}")
    awesome, placed = _awesome(u, rng)
    top100 = [p for s, p in placed if s < 10]
    bib_papers = list(dict.fromkeys(p for p in top100 if rng.random() < 0.95))
    bib_papers += u.papers[-(3 * scale) :]  # BibTeX entries no list cites
    roadmap, blog = _roadmap(u, rng)
    texts = {
        "awesome-readme": awesome,
        "awesome-bib": _bibtex(bib_papers, rng),
        "roadmap-readme": roadmap,
        "zh-awesome": _zh_awesome(placed, rng),
        "zh-roadmap-blog": _zh_blog(blog, scale),
    }
    shas = {}
    for source_id, text in texts.items():
        path = out_dir / FILES[source_id]
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        shas[source_id] = hashlib.sha256(data).hexdigest()
    # Own (empty) curation: the project's decisions name real papers, which would be errors
    # here; an empty key registry makes every key new, as for any list built the first time.
    (out_dir / "curation").mkdir(exist_ok=True)
    (out_dir / "curation" / "decisions.tsv").write_text("kind\tsubject\tobject\treason\n")
    (out_dir / "curation" / "keys.tsv").write_text("kind\tkey\tanchors\n")
    manifest = out_dir / "sources.toml"
    manifest.write_text(_manifest(shas), encoding="utf-8")
    return manifest
