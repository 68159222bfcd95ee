"""Explicit maps from the Chinese documents' headings to the English lists' section keys.

The translations name their sections differently from their own tables of contents
("强化学习 / 机器人技术" under a Contents entry "强化学习 / 机器人学"), so headings are looked
up in these tables and never guessed: a heading missing here becomes a warning. To support a
new heading, add a row.
"""

from __future__ import annotations

import re
import unicodedata

from ..normalize.identifiers import section_slug

# The English awesome list's `###` headings, in document order. The first ten form the
# top-100 part; the rest come after the "(More than Top 100)" divider of its Contents.
AWESOME_HEADINGS: tuple[str, ...] = (
    "Understanding / Generalization / Transfer",
    "Optimization / Training Techniques",
    "Unsupervised / Generative Models",
    "Convolutional Neural Network Models",
    "Image: Segmentation / Object Detection",
    "Image / Video / Etc",
    "Natural Language Processing / RNNs",
    "Speech / Other Domain",
    "Reinforcement Learning / Robotics",
    "More Papers from 2016",
    "New papers",
    "Old Papers",
    "HW / SW / Dataset",
    "Book / Survey / Review",
    "Video Lectures / Tutorials / Blogs",
    "Appendix: More than Top 100",
)
AWESOME_KEYS: tuple[str, ...] = tuple(section_slug(h) for h in AWESOME_HEADINGS)
AWESOME_TOP100_KEYS: frozenset[str] = frozenset(AWESOME_KEYS[:10])
_K = dict(zip(AWESOME_HEADINGS, AWESOME_KEYS, strict=True))

# Chinese heading (as normalised by `heading_lookup_key`) -> English section key. Both the
# `###` headings of zh-awesome-most-cited.md and the names its Contents uses are listed.
ZH_AWESOME_HEADINGS: dict[str, str] = {
    "理解/泛化/迁移": _K["Understanding / Generalization / Transfer"],
    "优化/训练技术": _K["Optimization / Training Techniques"],
    "无监督/生成模型": _K["Unsupervised / Generative Models"],
    "卷积神经网络模型": _K["Convolutional Neural Network Models"],
    "图像分割/物体检测": _K["Image: Segmentation / Object Detection"],
    "图像/视频/其他": _K["Image / Video / Etc"],
    "自然语言处理/RNN": _K["Natural Language Processing / RNNs"],
    "语音/其他领域": _K["Speech / Other Domain"],
    "强化学习/机器人技术": _K["Reinforcement Learning / Robotics"],
    "强化学习/机器人学": _K["Reinforcement Learning / Robotics"],  # Contents name
    "2016年更多论文": _K["More Papers from 2016"],
    "2016年其他论文": _K["More Papers from 2016"],  # Contents name
    "新论文": _K["New papers"],
    "经典论文": _K["Old Papers"],
    "旧论文": _K["Old Papers"],  # Contents name
    "计算机硬件/软件/数据集": _K["HW / SW / Dataset"],
    "硬件/软件/数据集": _K["HW / SW / Dataset"],  # Contents name
    "书籍/综述/评论": _K["Book / Survey / Review"],
    "书籍/调查/综述": _K["Book / Survey / Review"],  # Contents name
    "视频讲座/教程/博客": _K["Video Lectures / Tutorials / Blogs"],
    "附录:超越前100篇": _K["Appendix: More than Top 100"],
}

# Bold headings of zh-roadmap-blog-part2.md, without their printed number ("1." / "2. "),
# -> section number of the English roadmap. The blog numbers its parts 1-3; they translate
# the roadmap's 2.1-2.3.
ZH_BLOG_HEADINGS: dict[str, str] = {
    "深度学习模型": "2.1",
    "深度学习优化": "2.2",
    "无监督学习/深层生成模型": "2.3",
}
ZH_BLOG_PARENT_KEY = "2"  # the roadmap's "2 Deep Learning Method"

_SPACE = re.compile(r"\s+")


def heading_lookup_key(heading: str) -> str:
    """Normalise a heading for table lookup: full-width forms folded (NFKC), spaces removed.

    >>> heading_lookup_key("强化学习 / 机器人技术")
    '强化学习/机器人技术'
    >>> heading_lookup_key("附录：超越前100篇")
    '附录:超越前100篇'
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", heading))


def zh_awesome_section_key(heading: str) -> str | None:
    """English section key of a zh-awesome `###` heading, or None when the table lacks it."""
    return ZH_AWESOME_HEADINGS.get(heading_lookup_key(heading))


def zh_blog_section_key(heading: str) -> str | None:
    """Roadmap section number of a zh blog heading (printed number stripped), or None."""
    return ZH_BLOG_HEADINGS.get(heading_lookup_key(heading))
