"""The `dlkg link` command body: progress bar with counts per service, summary, rebuild."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

import click
from tqdm import tqdm

from ..errors import UsageError
from ..settings import Settings
from .config import SERVICES, config_from_env
from .http import Answer
from .outputs import link


def run_link_command(
    settings: Settings,
    *,
    offline: bool,
    services: tuple[str, ...],
    contact: str | None,
    rebuild: bool,
    quiet: bool,
) -> None:
    try:
        config = config_from_env()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if contact:
        config = replace(config, contact=contact)
    chosen = services or SERVICES
    if not quiet and not offline:
        if "openalex" in chosen and not config.openalex_key:
            click.echo(
                "note: OPENALEX_API_KEY is not set; OpenAlex allows little without a key", err=True
            )
        if not config.contact:
            click.echo("note: no --contact / DLKG_LINK_CONTACT: the services ask for one", err=True)
    counts: dict[str, Counter[str]] = {}
    with tqdm(disable=quiet, unit="req", file=sys.stderr, desc="link") as bar:

        def on_answer(answer: Answer) -> None:
            name = answer.service.removesuffix("-main")
            kind = "cached" if answer.from_cache else ("failed" if not answer.ok else "new")
            counts.setdefault(name, Counter())[kind] += 1
            bar.set_postfix_str(
                " ".join(
                    f"{s}:{c['new']}+{c['cached']}c" + (f"/{c['failed']}!" if c["failed"] else "")
                    for s, c in counts.items()
                )
            )
            bar.update(1)

        summary = link(settings, config, offline=offline, services=chosen, on_answer=on_answer)
    if not quiet:
        for service, c in sorted(summary.result.counts.items()):
            click.echo(
                f"{service:<16} {c['asked']:>5} asked  {c['fetched']:>5} fetched  "
                f"{c['cached']:>5} cached  {c['failed']:>4} failed"
            )
        statuses = Counter(d.verdict.status for d in summary.result.decisions)
        click.echo(
            f"hits: {statuses['accepted']} accepted, {statuses['ambiguous']} ambiguous, "
            f"{statuses['rejected']} rejected; {summary.mappings} mappings; "
            f"{summary.findings} findings"
        )
        click.echo(f"links: {summary.links_dir}")
    if rebuild:
        from ..build import build

        report = build(settings)
        if not quiet:
            triples = report.graph_triples.get(f"{settings.base_iri}graph/links", 0)
            click.echo(f"rebuilt: {triples} triples in graph/links")


__all__ = ["run_link_command"]
