"""`dlkg link` over the real lists against the fakes: kill and resume, offline, the rebuild."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from .conftest import fake_env
from .fakes import FakeService

pytestmark = [pytest.mark.upstream, pytest.mark.slow]


def _dlkg(build_dir: Path, mirror: Path, env: dict[str, str], *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dlkg",
        "--build-dir",
        str(build_dir),
        "--mirror",
        str(mirror),
        *args,
    ]


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLKG_", "OPENALEX", "S2_"))}
    env.update(extra)
    return env


def test_link_resumes_after_a_kill_then_rebuilds_and_works_offline(
    fakes: dict[str, FakeService], upstream_dir: Path, tmp_path: Path
) -> None:
    build_dir = tmp_path / "build"
    env = _env(fake_env(fakes) | {"DLKG_LINK_RATE_SEMANTICSCHOLAR": "20"})
    cmd = _dlkg(build_dir, upstream_dir, env, "link", "--no-build", "-q")
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    s2 = fakes["semanticscholar"]
    deadline = time.monotonic() + 240
    while len(s2.targets()) < 30 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = {name: fake.targets() for name, fake in fakes.items()}
    assert not (build_dir / "links" / "links.nt").exists()

    done = subprocess.run(
        _dlkg(build_dir, upstream_dir, env, "link", "-q"),
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    for name, fake in fakes.items():
        asked = Counter(fake.targets())
        again = [t for t in before[name] if asked[t] > 1]
        assert len(again) <= 1, (name, again)  # at most the one request the kill cut short

    links = (build_dir / "links" / "links.nt").read_bytes()
    sssom = (build_dir / "links" / "dlkg.sssom.tsv").read_text(encoding="utf-8")
    assert b"http://www.wikidata.org/entity/Q9100001" in links
    assert "orcid:0000-0002-1825-0097" in sssom
    report = json.loads((build_dir / "links" / "link-report.json").read_text(encoding="utf-8"))
    assert any(r["hit_title"] == "Layer Normalization" for r in report["not_accepted"])
    print("\nrequests per service:", {s: c["asked"] for s, c in report["requests"].items()})

    dumps = build_dir / "current" / "dumps"
    for name in ("dlkg.sssom.tsv", "link-report.json", "link-report.csv"):
        assert (dumps / name).is_file(), name
        assert name in (dumps / "SHA256SUMS").read_text(encoding="utf-8")
    query = subprocess.run(
        _dlkg(
            build_dir,
            upstream_dir,
            env,
            "query",
            "-f",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/dlkg/graph/links> "
            "{ ?s ?p ?o } }",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert int(query.stdout.splitlines()[1]) == links.count(b"\n")

    for fake in fakes.values():
        fake.close()  # nothing answers now: the cache alone must do
    offline = subprocess.run(
        _dlkg(build_dir, upstream_dir, env, "link", "--offline", "--no-build"),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert offline.returncode == 0, offline.stderr
    again = (build_dir / "links" / "links.nt").read_bytes()
    changed = set(again.splitlines()) ^ set(links.splitlines())
    assert not changed, sorted(changed)[:6]
    assert (build_dir / "links" / "dlkg.sssom.tsv").read_text(encoding="utf-8") == sssom
    assert "fetched" in offline.stdout and " 0 fetched" in offline.stdout
