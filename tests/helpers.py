"""Helpers the tests share (import with `from helpers import ...`; tests never import each other).

`tests/` is on sys.path because pytest imports `tests/conftest.py` from there (rootdir-style
"prepend" import mode), so this works from every sub-folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlkg.fetch import SourceSpec, load_manifest
from dlkg.parse import parse_text
from dlkg.records import ParseResult

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURES = TESTS_DIR / "fixtures"
GOLD = TESTS_DIR / "gold"
QUERIES = REPO_ROOT / "queries"
MANIFEST = REPO_ROOT / "data" / "sources.toml"
CURATION = REPO_ROOT / "data" / "curation"


@dataclass(frozen=True)
class SourceText:
    """One source of the manifest with its text (from the mirror or data/sources/)."""

    spec: SourceSpec
    text: str

    def parse(self, text: str | None = None) -> ParseResult:
        """Parse `text` (default: the source's own) as the build parses this source."""
        spec = self.spec
        return parse_text(
            spec.kind, self.text if text is None else text, source_id=spec.id, path=spec.file_name
        )


def source_texts(upstream_dir: Path, manifest: Path = MANIFEST) -> list[SourceText]:
    """Every source of the manifest, in its order: upstream files from `upstream_dir` (laid out
    like ../shared/upstream), shipped files from where the manifest points."""
    out = []
    for spec in load_manifest(manifest):
        path = spec.path if spec.path is not None else upstream_dir / str(spec.mirror_path)
        out.append(SourceText(spec, path.read_text(encoding="utf-8")))
    return out


def parse_all(upstream_dir: Path) -> list[ParseResult]:
    """Every source of data/sources.toml parsed as the build parses it."""
    return [source.parse() for source in source_texts(upstream_dir)]


# Counted independently of the parser: `- ` bullets per `###` heading / `*(...)*` sub-heading,
# e.g. awk '/^### /{s=$0} /^\*\(.*\)\*$/{u=$0} /^- /{c[s u]++}' on the pinned README.
AWESOME_SECTION_COUNTS = {
    "understanding-generalization-transfer": 7,
    "optimization-training-techniques": 7,
    "unsupervised-generative-models": 7,
    "convolutional-neural-network-models": 12,
    "image-segmentation-object-detection": 8,
    "image-video-etc": 11,
    "natural-language-processing-rnns": 18,
    "speech-other-domain": 6,
    "reinforcement-learning-robotics": 9,
    "more-papers-from-2016": 15,
    "new-papers": 16,
    "old-papers": 16,
    "hw-sw-dataset": 8,
    "book-survey-review": 10,
    "video-lectures-tutorials-blogs/lectures": 3,
    "video-lectures-tutorials-blogs/tutorials": 5,
    "video-lectures-tutorials-blogs/blogs": 7,
    "appendix-more-than-top-100/2016": 26,
    "appendix-more-than-top-100/2015": 31,
    "appendix-more-than-top-100/2014": 16,
}


def without_build_folder_line(stderr: str) -> str:
    """A command's stderr less the `build folder: …` line every build-reading command starts
    with (dlkg says which folder it uses), so the rest can be checked as one line."""
    lines = stderr.splitlines(keepends=True)
    return "".join(lines[1:] if lines and lines[0].startswith("build folder: ") else lines)
