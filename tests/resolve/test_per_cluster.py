"""`NameClusters.per_cluster`: the people rules' per-person values, computed again only for
the clusters that changed since the last call (a cluster only grows, so its size tells)."""

from __future__ import annotations

from dlkg.records import Provenance
from dlkg.resolve.base import NameIdx
from dlkg.resolve.name_clusters import NameClusters
from dlkg.resolve.names import NameMention
from dlkg.resolve.unionfind import Log


def _clusters(*written: str) -> NameClusters:
    rv = NameClusters(Log())
    for line, name in enumerate(written, start=1):
        rv.add(name, 0, Provenance("awesome-readme", "README.md", line))
    rv.start()
    return rv


def test_only_changed_clusters_are_computed_again() -> None:
    rv = _clusters("Geoffrey Hinton", "G. Hinton", "Yann LeCun", "Yoshua Bengio")
    seen: list[NameIdx] = []

    def names(root: NameIdx, ns: list[NameMention]) -> tuple[str, ...]:
        seen.append(root)
        return tuple(n.written for n in ns)

    first = rv.per_cluster("names", names)
    assert sorted(seen) == [0, 1, 2, 3]
    seen.clear()
    assert rv.per_cluster("names", names) == first and seen == []  # nothing changed

    rv.join(NameIdx(0), NameIdx(1), "test", 100.0, "same person")
    again = rv.per_cluster("names", names)
    assert seen == [0], "only the merged cluster; its merged-away root is gone"
    assert again == {0: ("Geoffrey Hinton", "G. Hinton"), 2: ("Yann LeCun",), 3: ("Yoshua Bengio",)}
    # every value equals what a fresh computation gives
    assert again == {r: names(r, ns) for r, ns in rv.cluster_names().items()}

    seen.clear()
    rv.per_cluster("other", names)  # each `what` has its own values
    assert sorted(seen) == [0, 2, 3]


def test_families_follow_the_merges() -> None:
    rv = _clusters("Kaiming He", "K. He", "Sergio Gómez", "Sergio Gómez Colmenarejo")
    assert rv.families() == {0: "he", 1: "he", 2: "gomez", 3: "colmenarejo"}
    rv.join(NameIdx(2), NameIdx(3), "test", 100.0, "same person")
    rv.join(NameIdx(3), NameIdx(0), "test", 100.0, "wrong on purpose: the families recount")
    fams = rv.families()
    assert fams == {0: rv.family_of(rv.cluster_names()[0]), 1: "he"}
    rv.release()
    assert rv.per_cluster("names", lambda _r, ns: len(ns)) == {0: 3, 1: 1}
