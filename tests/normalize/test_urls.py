"""normalize.urls: defects of a written URL and the canonical form an entity carries."""

from __future__ import annotations

import pytest

from dlkg.normalize.urls import canonical_url, looks_like_page, mirror_of, scheme_key, url_defects


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (
            "https://arxiv.org/pdf/1607.06450.pdf?utm_source=a&utm_medium=b",
            "https://arxiv.org/pdf/1607.06450.pdf",
        ),
        ("http://arxiv.org/pdf/1112.6209.pdf&embed", "https://arxiv.org/pdf/1112.6209.pdf"),
        (
            "http://www.cv-foundation.org//openaccess/x.pdf",
            "https://www.cv-foundation.org/openaccess/x.pdf",
        ),
        ("https://128.84.21.199/pdf/1703.06870", "https://arxiv.org/pdf/1703.06870"),
        (
            "http://www.cs.toronto.edu/~hinton/science.pdf",
            "http://www.cs.toronto.edu/~hinton/science.pdf",
        ),
        ("https://a.org/x.php?id=1&media=b.pdf", "https://a.org/x.php?id=1&media=b.pdf"),
        (
            "http://arxiv.org/pdf/1506.05869.pdf%20(http://arxiv.org/pdf/1506.05869.pdf)",
            "https://arxiv.org/pdf/1506.05869.pdf",
        ),
    ],
)
def test_canonical_url(written: str, canonical: str) -> None:
    assert canonical_url(written) == canonical


def test_https_is_forced_where_a_record_of_the_paper_uses_it() -> None:
    url = "http://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf"
    assert canonical_url(url, https=True).startswith("https://www.cs.toronto.edu/")
    assert scheme_key(url) == scheme_key(url.replace("http:", "https:"))


def test_each_defect_has_its_own_suffix() -> None:
    def suffixes(url: str, label: str = "pdf") -> list[str]:
        return [d.suffix for d in url_defects(url, label)]

    assert suffixes("http://www.davidqiu.com:8888/research/nature14236.pdf") == [
        "odd-port",
        "unofficial-mirror",
    ]
    assert suffixes("https://128.84.21.199/pdf/1703.06870") == ["ip-host"]
    assert suffixes("https://arxiv.org/abs/1702.03275") == ["pdf-link-to-page"]
    assert suffixes("https://arxiv.org/abs/1702.03275", "web") == []
    assert suffixes("http://www.aclweb.org/anthology/N13-1#page=784") == ["volume-link"]
    assert suffixes("http://www.aclweb.org/anthology/N13-1090.pdf") == []
    assert suffixes("https://arxiv.org/pdf/1503.04069.pdf?utm_content=x") == ["tracking-parameters"]


def test_mirrors_and_pages() -> None:
    assert mirror_of("https://www.dropbox.com/s/0a40xi702grx3dq/2016-graves.pdf") == "a file share"
    assert mirror_of("https://www.cs.toronto.edu/~hinton/absps/JMLRdropout.pdf") is None
    assert looks_like_page("https://www.dropbox.com/s/abc/x.pdf")
    assert not looks_like_page("https://www.dropbox.com/s/abc/x.pdf?dl=1")
    assert looks_like_page("http://www.nature.com/nature/journal/v529/n7587/full/nature16961.html")
