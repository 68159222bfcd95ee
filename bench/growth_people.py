"""Synthetic papers and people for the growth benchmark (see growth.py).

A `Universe` holds `320 * scale` papers and `450 * scale` people, drawn with a fixed seed so
that the same scale always gives the same bytes. Authors follow a Zipf-like popularity, so the
same people write many papers and are written differently by each source (initials, inverted
names, missing middle initials, LaTeX accents): the resolver must merge them across papers.
Every title carries a pronounceable model name made from the paper's number, so titles are
unique without a list of used titles (a set of 300k strings would be fine too, but the name also
keeps unrelated titles far apart for the fuzzy title matcher, as real titles are).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

# English word -> Chinese translation, so zh titles are word-by-word translations of the English.
ADJ = {
    "Deep": "深度", "Convolutional": "卷积", "Recurrent": "递归", "Sparse": "稀疏",
    "Adversarial": "对抗", "Generative": "生成", "Residual": "残差", "Hierarchical": "层次",
    "Stochastic": "随机", "Scalable": "可扩展", "Efficient": "高效", "Robust": "鲁棒",
    "Unsupervised": "无监督", "Semi-supervised": "半监督", "Variational": "变分",
    "Attentive": "注意力", "Probabilistic": "概率", "Neural": "神经", "Dynamic": "动态",
    "Conditional": "条件", "Contrastive": "对比", "Bayesian": "贝叶斯", "Distributed": "分布式",
}  # fmt: skip
NOUN = {
    "networks": "网络", "representations": "表示", "embeddings": "嵌入", "autoencoders": "自编码器",
    "policies": "策略", "features": "特征", "memories": "记忆", "transformers": "变换器",
    "models": "模型", "kernels": "核", "gradients": "梯度", "priors": "先验",
    "encoders": "编码器", "decoders": "解码器", "agents": "智能体", "graphs": "图",
    "filters": "滤波器", "estimators": "估计器", "classifiers": "分类器", "programs": "程序",
}  # fmt: skip
TASK = {
    "image recognition": "图像识别", "speech recognition": "语音识别",
    "machine translation": "机器翻译", "object detection": "物体检测",
    "semantic segmentation": "语义分割", "language modeling": "语言建模",
    "visual question answering": "视觉问答", "robotic grasping": "机器人抓取",
    "video classification": "视频分类", "image captioning": "图像描述",
    "reinforcement learning": "强化学习", "dependency parsing": "依存句法分析",
    "super-resolution": "超分辨率", "style transfer": "风格迁移", "visual tracking": "视觉跟踪",
    "sentiment analysis": "情感分析", "one-shot learning": "单样本学习",
    "domain adaptation": "领域自适应", "texture synthesis": "纹理合成",
    "named entity recognition": "命名实体识别",
}  # fmt: skip
_TEMPLATES = (
    ("{name}: {adj} {noun} for {task}", "{name}：用于{task_zh}的{adj_zh}{noun_zh}"),
    ("{adj} {noun} for {task} with {name}", "基于{name}的{task_zh}{adj_zh}{noun_zh}"),
    ("Learning {adj2} {noun} for {task} ({name})", "为{task_zh}学习{adj2_zh}{noun_zh}（{name}）"),
    ("{name}: towards {adj} {task}", "{name}：迈向{adj_zh}{task_zh}"),
    ("On the {adj2} {noun} of {name} for {task}", "论{name}在{task_zh}中的{adj2_zh}{noun_zh}"),
)
_SYLLABLES = tuple(a + b for a in "bdfgklmnprstvz" for b in "aeiou")  # 70 syllables
# A word list reads better as text than as 80 one-word lines.
_GIVEN_TEXT = (
    "Alex Geoffrey Yoshua Ian Ilya Oriol Andrej Kaiming Ross Sergey Christian Diederik Jimmy "
    "Volodymyr David Tomas Richard Christopher Quoc Jeff Rob Matthew Karen Andrew Yann Samy "
    "Hugo Pascal Aaron Razvan Kyunghyun Dzmitry Jason Anh Maxime Josef Ivan Leon Trevor "
    "Jonathan Vincent Nal Koray Tim Max Marc Hado Rupesh Klaus Hossein Ali Justin Li Fei Wei "
    "Jian Xiang Yangqing Ming Jun Hao Yu Lei Ning Tao Zhi Yi Xin Kai Chen Min Jie Hui Ying "
    "Tianqi Shaoqing"
)
_GIVEN = tuple(_GIVEN_TEXT.split())
_ACCENTED = {"Jurgen": ("Jürgen", 'J{\\"u}rgen'), "Herve": ("Hervé", "Herv{\\'e}")}


@dataclass(frozen=True)
class Person:
    given: str  # as written in plain text ("Jürgen", "Yee-Whye")
    middle: str  # an initial without period, or ""
    family: str
    latex_given: str  # the BibTeX spelling of the given name

    def initials(self) -> str:
        """ "G. Hinton" as the awesome list writes first authors."""
        return f"{self.given[0]}. {self.family}"

    def full(self, *, middle: bool = True) -> str:
        mid = f" {self.middle}." if middle and self.middle else ""
        return f"{self.given}{mid} {self.family}"

    def inverted(self, *, middle: bool = True) -> str:
        mid = f" {self.middle}." if middle and self.middle else ""
        return f"{self.family}, {self.given}{mid}"

    def bibtex(self, *, middle: bool = True) -> str:
        mid = f" {self.middle}" if middle and self.middle else ""
        return f"{self.family}, {self.latex_given}{mid}"


@dataclass(eq=False)  # identity: a paper listed twice is the same object
class Paper:
    n: int
    title: str
    title_zh: str
    year: int
    authors: list[Person]
    arxiv: str | None  # arXiv id, or None for a venue-only paper
    venue: str
    url: str
    extra: dict[str, str] = field(default_factory=dict)


_VENUES = (
    "Advances in neural information processing systems",
    "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
    "International Conference on Machine Learning",
    "International Conference on Learning Representations",
    "Journal of Machine Learning Research",
    "Nature",
    "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "Proceedings of the Annual Meeting of the Association for Computational Linguistics",
)


def pronounceable(n: int, rng_offset: int = 0) -> str:
    """A distinct capitalised word for every n (base-70 syllables, at least three)."""
    n = n * 7919 + rng_offset  # a prime stride scatters consecutive numbers
    parts = []
    while True:
        n, r = divmod(n, len(_SYLLABLES))
        parts.append(_SYLLABLES[r])
        if n == 0 and len(parts) >= 3:
            break
    return "".join(parts).capitalize()


def _people(rng: random.Random, count: int) -> list[Person]:
    people = []
    for i in range(count):
        # Family names are unique: two people both written "K. Hu" with nothing else to tell
        # them apart are two Person nodes with one preferred name, which the shapes reject
        # (the real lists need curation decisions for their few such cases).
        family = pronounceable(i, 13)
        given = rng.choice(_GIVEN)
        latex = given
        if rng.random() < 0.02:
            given, latex = _ACCENTED[rng.choice(sorted(_ACCENTED))]
        elif rng.random() < 0.05:
            given = f"{given}-{rng.choice(_GIVEN)}"  # hyphenated given names ("Yee-Whye")
            latex = given
        middle = rng.choice("ABCDEFGHJKLMPRS") if rng.random() < 0.3 else ""
        people.append(Person(given, middle, family, latex))
    return people


def _title(n: int, rng: random.Random) -> tuple[str, str]:
    name = pronounceable(n)
    adj, adj2 = rng.sample(sorted(ADJ), 2)
    noun, task = rng.choice(sorted(NOUN)), rng.choice(sorted(TASK))
    en, zh = _TEMPLATES[n % len(_TEMPLATES)]
    words = {"name": name, "adj": adj, "adj2": adj2.lower(), "noun": noun, "task": task}
    zh_words = {"adj_zh": ADJ[adj], "adj2_zh": ADJ[adj2], "noun_zh": NOUN[noun]}
    zh_words["task_zh"] = TASK[task]
    title = en.format(**words)
    return title[0].upper() + title[1:], zh.format(name=name, **zh_words)


class Universe:
    """Every synthetic paper and person of one scale, reproducible from (scale, seed)."""

    def __init__(self, scale: int, seed: int = 13) -> None:
        self.scale = scale
        self.rng = random.Random(f"dlkg-growth-{seed}-{scale}")
        self.people = _people(self.rng, 450 * scale)
        weights = [1.0 / (rank + 30) ** 0.8 for rank in range(len(self.people))]
        self._cum = list(itertools.accumulate(weights))
        self.papers = [self._paper(n) for n in range(320 * scale)]

    def _paper(self, n: int) -> Paper:
        rng = self.rng
        title, title_zh = _title(n, rng)
        year = rng.choice((1997, 2006, 2009, 2011, 2012, 2013, 2014, 2015, 2015, 2016, 2016, 2017))
        k = rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(8, 20, 25, 20, 12, 8, 7))[0]
        authors: list[Person] = []
        while len(authors) < k:
            person = rng.choices(self.people, cum_weights=self._cum)[0]
            if person not in authors:
                authors.append(person)
        venue = rng.choice(_VENUES)
        if rng.random() < 0.75:
            yy = max(year, 2007) % 100
            # the month encodes n // 100000, so (month, number) never repeats up to x1250
            month = 1 + (n // 100000) * 3 + rng.randint(0, 2)
            arxiv = f"{yy:02d}{month:02d}.{n % 100000:05d}"
            url = rng.choice((f"http://arxiv.org/pdf/{arxiv}", f"https://arxiv.org/pdf/{arxiv}v1"))
        else:
            arxiv = None
            slug = "-".join(title.lower().replace(":", "").split()[:6])
            url = f"http://papers.nips.cc/paper/{4000 + n}-{slug}.pdf"
        return Paper(n, title, title_zh, year, authors, arxiv, venue, url)
