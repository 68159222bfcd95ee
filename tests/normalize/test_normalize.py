"""Pure helpers of the resolve step: identifiers in links, title keys, name parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlkg.normalize import (
    arxiv_id_from_text,
    arxiv_id_from_url,
    clean_title,
    clean_url,
    doi_from_file_name,
    doi_from_url,
    family_compatible,
    given_compatible,
    names_compatible,
    parse_person_name,
    same_tokens,
    slug_matches_title,
    title_key,
    url_key,
    venue_url_key,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://arxiv.org/pdf/1503.02531", "1503.02531"),
        ("https://arxiv.org/abs/1611.04076v2", "1611.04076"),
        ("https://arxiv.org/pdf/1603.05027v2.pdf", "1603.05027"),
        ("http://arxiv.org/pdf/1207.0580.pdf", "1207.0580"),
        ("https://128.84.21.199/pdf/1703.06870", "1703.06870"),
        ("https://arxiv.org/pdf/1511.07289.pdf%5Cnhttp://arxiv.org/abs/1511.07289", "1511.07289"),
        ("https://arxiv.org/pdf/1503.04069.pdf?utm_content=buffer&utm_medium=social", "1503.04069"),
        (
            "http://arxiv.org/pdf/1506.05869.pdf%20(http://arxiv.org/pdf/1506.05869.pdf)",
            "1506.05869",
        ),
        ("http://arxiv.org/pdf/1112.6209.pdf&embed", "1112.6209"),
        ("https://arxiv.org/pdf/1509.06461.pdf ", "1509.06461"),
        ("http://arxiv.org/pdf/1312.5602.pdf)", "1312.5602"),
        ("https://arxiv.org/abs/2004.10934", "2004.10934"),
        ("https://arxiv.org/abs/cs/0601001v1", "cs/0601001"),
        ("https://export.arxiv.org/abs/1409.1556", "1409.1556"),
        ("https://pdfs.semanticscholar.org/f832/b16cb3678.pdf", None),
        ("http://example.org/pdf/1503.02531", None),  # not an arXiv host
        ("https://arxiv.org/list/cs.LG/recent", None),
    ],
)
def test_arxiv_id_from_every_url_form(url: str, expected: str | None) -> None:
    assert arxiv_id_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arXiv preprint arXiv:1409.1556 (2014)", "1409.1556"),
        ("CoRR, abs/1510.00149 2 (2015)", "1510.00149"),
        ("CoRR abs/1609.03499", "1609.03499"),
        ("In arXiv preprint arXiv:1609.08144v2, 2016", "1609.08144"),
        ("arXiv preprint \tarXiv:1612.07837 (2016)", "1612.07837"),
        ("Nature 521.7553 (2015): 436-444", None),
    ],
)
def test_arxiv_id_from_cited_text(text: str, expected: str | None) -> None:
    assert arxiv_id_from_text(text) == expected


def test_doi_from_publisher_and_resolver_links_but_not_citeseerx() -> None:
    mit = "http://www.mitpressjournals.org/doi/pdfplus/10.1162/neco.1997.9.8.1735"
    assert doi_from_url(mit) == "10.1162/neco.1997.9.8.1735"
    assert doi_from_url("https://doi.org/10.1038/nature14539") == "10.1038/nature14539"
    citeseer = "http://citeseerx.ist.psu.edu/viewdoc/download?doi=10.1.1.383.1327&rep=rep1"
    assert doi_from_url(citeseer) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.nature.com/nature/journal/v529/n7587/full/nature16961.html", "nature16961"),
        ("http://www.nature.com/nature/journal/v542/n7639/full/nature21056.html", "nature21056"),
        ("https://www.nature.com/articles/s41586-019-1724-z", "s41586-019-1724-z"),
        ("https://www.nature.com/nature/", None),
        ("https://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf", None),
    ],
)
def test_doi_from_nature_links(url: str, expected: str | None) -> None:
    assert doi_from_url(url) == (f"10.1038/{expected}" if expected else None)


def test_doi_from_springer_links_and_nature_file_names_on_mirrors() -> None:
    springer = "https://link.springer.com/article/10.1007/s11263-015-0816-y"
    assert doi_from_url(springer) == "10.1007/s11263-015-0816-y"
    mirror = "http://www.davidqiu.com:8888/research/nature14236.pdf"
    assert doi_from_url(mirror) is None  # a mirror is not a publisher: only its file name says so
    assert doi_from_file_name(mirror) == "10.1038/nature14236"
    assert doi_from_file_name("https://storage.example/DeepMindNature14236Paper.pdf") is None
    assert doi_from_file_name("http://www.nature.com/x/nature14236.pdf") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://papers.nips.cc/paper/5423-generative-adversarial-nets.pdf", "nips:5423"),
        (
            "http://www.cv-foundation.org//openaccess/content_cvpr_workshops_2014/W15/papers/"
            "Razavian_CNN_Features_Off-the-Shelf_2014_CVPR_paper.pdf",
            "cvf:razavian_cnn_features_off-the-shelf_2014_cvpr_paper",
        ),
        (
            "http://jmlr.org/papers/volume15/srivastava14a/srivastava14a.pdf",
            "jmlr:15/srivastava14a",
        ),
        (
            "http://www.jmlr.org/papers/volume15/srivastava14a.old/source/srivastava14a.pdf",
            "jmlr:15/srivastava14a",
        ),
        ("http://www.jmlr.org/papers/volume13/bergstra12a/bergstra12a", "jmlr:13/bergstra12a"),
        ("http://jmlr.org/proceedings/papers/v37/gregor15.pdf", "pmlr:v37/gregor15"),
        ("http://proceedings.mlr.press/v9/glorot10a/glorot10a.pdf", "pmlr:v9/glorot10a"),
        ("http://anthology.aclweb.org/D/D14/D14-1162.pdf", "acl:D14-1162"),
        ("http://www.aclweb.org/anthology/N13-1#page=784", None),  # a whole volume
        (
            "http://www.nature.com/nature/journal/v529/n7587/full/nature16961.html",
            "nature:nature16961",
        ),
        ("https://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf", None),
    ],
)
def test_venue_url_keys(url: str, expected: str | None) -> None:
    key = venue_url_key(url)
    assert (str(key) if key else None) == expected


def test_a_nips_slug_naming_another_paper_does_not_fit_its_title() -> None:
    wrong = venue_url_key(
        "http://papers.nips.cc/paper/6527-tree-structured-reinforcement-learning-for-"
        "sequential-object-localization.pdf"
    )
    right = venue_url_key("http://papers.nips.cc/paper/5854-spatial-transformer-networks.pdf")
    assert wrong is not None and right is not None
    title = "Conditional image generation with pixelcnn decoders"
    assert slug_matches_title(wrong.slug, title) < 60
    assert slug_matches_title(right.slug, "Spatial transformer network") > 90


def test_url_key_drops_scheme_www_tracking_and_junk() -> None:
    a = url_key("https://www.Example.org/a.pdf?utm_source=x&id=3#page=2")
    assert a == url_key("http://example.org/a.pdf?id=3")
    assert clean_url("https://a.org/x.pdf%5Cnhttp://b.org/y") == "https://a.org/x.pdf"
    assert clean_url("http://a.org/x.pdf)") == "http://a.org/x.pdf"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fast R-CNN", "Fast r-cnn."),
        ("CNN features off-the-Shelf", "CNN Features Off the Shelf"),
        ("Binarized ... to+ 1 or−1", "binarized ... to+ 1 or-1"),
        ("{B}inarized networks", "Binarized networks"),
        ("Mind's Eye", "Minds eye"),
        (
            "Deep generative image models using a\ufffc laplacian",
            "Deep generative image models using a laplacian",
        ),
        ("Théorie & pratique", "theorie and pratique"),
    ],
)
def test_title_key_equates_spelling_variants(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_title_key_keeps_chinese_and_clean_title_strips_markup() -> None:
    assert title_key("《神经网络中的知识蒸馏》") == "神经网络中的知识蒸馏"
    assert clean_title("“Sequence to sequence learning.”") == "Sequence to sequence learning"
    assert clean_title("YOLOv4: Optimal Speed.") == "YOLOv4: Optimal Speed"
    assert clean_title("using a\ufffc laplacian") == "using a laplacian"


@pytest.mark.parametrize(
    ("written", "given", "particles", "family"),
    [
        ("G. Hinton", "G.", "", "Hinton"),
        ("Geoffrey E. Hinton", "Geoffrey E.", "", "Hinton"),
        ("Hinton, Geoffrey E.", "Geoffrey E.", "", "Hinton"),
        ("Hinton, Geoffrey", "Geoffrey", "", "Hinton"),
        ("Hinton G.", "G.", "", "Hinton"),
        ("Hinton GE", "GE", "", "Hinton"),
        ("G. Hinton等人", "G.", "", "Hinton"),
        ("Sutskever, et al.", "", "", "Sutskever"),
        ("Oord, Aaron van den", "Aaron", "van den", "Oord"),
        ("van den Oord, Aäron", "Aäron", "van den", "Oord"),
        ("A. van den Oord", "A.", "van den", "Oord"),
        ("A. Oord", "A.", "", "Oord"),
        ("Van Hasselt, Hado", "Hado", "Van", "Hasselt"),
        ("Nando de Freitas", "Nando", "de", "Freitas"),
        ("Li Fei-Fei", "Li", "", "Fei-Fei"),
        ("Fei-Fei, Li", "Li", "", "Fei-Fei"),
        ("Yee-Whye Teh", "Yee-Whye", "", "Teh"),
        ("E.Denton", "E.", "", "Denton"),
        ("A Rusu", "A", "", "Rusu"),
        ("L.-C. Chen", "L.-C.", "", "Chen"),
        ("Le, Quoc V", "Quoc V", "", "Le"),
        ("Koutník, Jan", "Jan", "", "Koutník"),
        ("Jan Kautz (NVIDIA)", "Jan", "", "Kautz"),
        ("Rajpurkar", "", "", "Rajpurkar"),
        ("李飞飞", "飞飞", "", "李"),
    ],
)
def test_parse_person_name_forms(written: str, given: str, particles: str, family: str) -> None:
    name = parse_person_name(written)
    assert (name.given, name.particles, name.family) == (given, particles, family)


def test_display_names_and_initials() -> None:
    assert parse_person_name("Oord, Aaron van den").display == "Aaron van den Oord"
    assert parse_person_name("Le, Quoc V").display == "Quoc V. Le"
    assert parse_person_name("Hinton, Geoffrey E").given_display == "Geoffrey E."
    assert parse_person_name("Hinton, Geoffrey E.").given_display == "Geoffrey E."
    assert parse_person_name("Hinton GE").initials == ("G", "E")
    assert parse_person_name("李飞飞").display == "李飞飞"


def test_compatible_names_and_the_srivastava_trap() -> None:
    p = parse_person_name
    assert names_compatible(p("G. Hinton"), p("Hinton, Geoffrey E."))
    assert names_compatible(p("Jeff Dean"), p("Dean, Jeffrey"))
    assert names_compatible(p("A. Oord"), p("van den Oord, Aäron"))
    assert names_compatible(p("A. Razavian"), p("Sharif Razavian, Ali"))
    assert not names_compatible(p("N. Srivastava"), p("R. Srivastava"))
    assert not names_compatible(p("S. Loffe"), p("Ioffe, Sergey"))
    assert names_compatible(p("S. Loffe"), p("Ioffe, Sergey"), typo=True)
    assert not family_compatible(p("He"), p("Hu"), typo=True)  # short names: no typo rule
    assert not given_compatible(p("Geoffrey E. Hinton"), p("E. Hinton"))


def test_swapped_names() -> None:
    p = parse_person_name
    glorat = p("Glorat Xavier")
    assert not names_compatible(glorat, p("X. Glorot"))
    assert names_compatible(glorat.swapped(), p("X. Glorot"), typo=True)
    assert same_tokens(p("Fei Fei F. Li"), p("Fei-Fei, Li"))
    assert same_tokens(p("Li Fei-Fei"), p("Fei-Fei, Li"))
    assert not same_tokens(p("Ming Yang"), p("Ming-Hsuan Yang"))


@given(st.text())
def test_helpers_never_raise(text: str) -> None:
    name = parse_person_name(text)
    assert isinstance(name.display, str)
    assert title_key(title_key(text)) == title_key(text)
    arxiv_id_from_url(text)
    doi_from_url(text)
    venue_url_key(text)
    url_key(text)
