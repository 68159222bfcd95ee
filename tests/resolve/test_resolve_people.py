"""Which written names are one person."""

from __future__ import annotations

from resolve_helpers import (
    bib,
    codes,
    entry,
    person_of,
    run,
)

from dlkg.records import KeyResearcher, Provenance

# -- people -----------------------------------------------------------------------------------


def test_loffe_is_ioffe_by_the_same_papers_author_list() -> None:
    res = run(
        entry(
            "awesome-readme",
            84,
            "Batch normalization",
            "S. Loffe",
            "C. Szegedy",
            year=2015,
            links=("http://arxiv.org/pdf/1502.03167",),
        ),
        entry(
            "roadmap-readme",
            71,
            "Batch normalization",
            "Ioffe, Sergey",
            "Christian Szegedy",
            year=2015,
            links=("http://arxiv.org/pdf/1502.03167",),
        ),
        KeyResearcher(
            "awesome",
            "s",
            "Sergey Ioffe",
            "https://scholar.example/ioffe",
            Provenance("awesome-readme", "README.md", 91),
        ),
    )
    ioffe = person_of(res, "awesome-readme", 84, "S. Loffe")
    assert ioffe == person_of(res, "roadmap-readme", 71, "Ioffe, Sergey") == "ioffe-s"
    person = res.persons[ioffe]
    assert person.name == "Sergey Ioffe"
    assert {"S. Loffe", "Ioffe, Sergey"} <= person.alternate_names
    assert person.profile_urls == {"https://scholar.example/ioffe"}
    assert ("same-paper-position-typo", ioffe) in {(m.rule, m.target_key) for m in res.merges}
    assert res.key_researchers[0][1] == ioffe


def test_van_den_oord_forms_are_one_person() -> None:
    res = run(
        entry(
            "awesome-readme",
            94,
            "Pixel recurrent neural networks",
            "A. Oord",
            year=2016,
            complete=False,
            links=("http://arxiv.org/pdf/1601.06759v2.pdf",),
        ),
        bib(
            103,
            "oord2016pixel",
            "Pixel recurrent neural networks",
            "Oord, Aaron van den",
            "Kalchbrenner, Nal",
            venue="arXiv preprint arXiv:1601.06759",
            year=2016,
        ),
        entry(
            "awesome-readme",
            197,
            "WaveNet",
            "A. Oord",
            year=2016,
            complete=False,
            links=("https://arxiv.org/pdf/1609.03499v2",),
        ),
        bib(
            645,
            "van2016wavenet",
            "Wavenet",
            "van den Oord, Aäron",
            "Kalchbrenner, Nal",
            venue="CoRR abs/1609.03499",
            year=2016,
        ),
        entry(
            "awesome-readme",
            324,
            "Conditional image generation",
            "A. van den Oord",
            year=2016,
            complete=False,
        ),
    )
    keys = {m.person_key for m in res.person_mentions if "Oord" in m.name_as_written}
    assert keys == {"van-den-oord-a"}
    assert res.persons["van-den-oord-a"].name == "Aäron van den Oord"


def test_two_family_names_after_a_comma_are_two_people() -> None:
    res = run(
        entry(
            "awesome-readme",
            223,
            "Mask R-CNN",
            "K. He",
            complete=False,
            links=("https://128.84.21.199/pdf/1703.06870",),
        ),
        entry(
            "roadmap-readme",
            230,
            "Mask R-CNN",
            "He, Gkioxari",
            complete=False,
            links=("https://arxiv.org/abs/1703.06870",),
        ),
    )
    assert person_of(res, "roadmap-readme", 230, "He") == person_of(
        res, "awesome-readme", 223, "K. He"
    )
    assert person_of(res, "roadmap-readme", 230, "Gkioxari") == "gkioxari"
    assert "resolve.author-split" in codes(res)


def test_compatible_names_alone_do_not_merge_common_family_names() -> None:
    res = run(
        entry("awesome-readme", 1, "Paper one", "Y. Li", year=2017),
        entry("roadmap-readme", 2, "Paper two", "Yijun Li", "Ming-Hsuan Yang", year=2018),
        entry("awesome-readme", 3, "Paper three", "M. Lanctot", year=2015),
        entry("roadmap-readme", 4, "Paper four", "Marc Lanctot", year=2016),
    )
    assert person_of(res, "awesome-readme", 1, "Y. Li") != person_of(
        res, "roadmap-readme", 2, "Yijun Li"
    )
    # an uncommon family name carried by one person only is evidence enough
    assert person_of(res, "awesome-readme", 3, "M. Lanctot") == "lanctot-m"
    assert person_of(res, "roadmap-readme", 4, "Marc Lanctot") == "lanctot-m"
    # two people sharing family + initial: keys use the full first name
    assert {k for k in res.persons if k.startswith("li-")} == {"li-y", "li-yijun"}


def test_a_shared_co_author_joins_swapped_name_forms() -> None:
    res = run(
        entry(
            "roadmap-readme",
            263,
            "Deep visual-semantic alignments",
            "Karpathy, Andrej",
            "Li Fei-Fei",
            year=2014,
        ),
        entry(
            "roadmap-readme",
            265,
            "Deep fragment embeddings",
            "Karpathy, Andrej",
            "Armand Joulin",
            "Fei Fei F. Li",
            year=2014,
        ),
    )
    fei = person_of(res, "roadmap-readme", 263, "Li Fei-Fei")
    assert fei == person_of(res, "roadmap-readme", 265, "Fei Fei F. Li") == "fei-fei-l"
    assert "coauthor-overlap" in {m.rule for m in res.merges if m.target_key == fei}


def test_given_names_keep_the_period_of_their_initials() -> None:
    res = run(bib(1, "hinton2015", "Distilling", "Hinton, Geoffrey E", "Le, Quoc V", year=2015))
    assert res.persons["hinton-g"].given == "Geoffrey E."
    assert res.persons["le-q"].name == "Quoc V. Le" and res.persons["le-q"].given == "Quoc V."
