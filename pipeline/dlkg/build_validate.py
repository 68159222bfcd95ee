"""The build after emit: validation beside the load step, on the second core (issue 13).

Validation and the load step both read the emitted N-Quads and need nothing from each other,
so the validator runs in a forked child (`forked.py`) while the parent loads the same file
into the new run's store. Nothing is published before the child's report has been read and
judged exactly as the sequential build judged it: SHACL violations first, then the build's own
errors, then `--strict` warnings. If validation fails, the load's work is thrown away with the
run folder (build.py), and the previous build stays what `current` serves; if the load fails
while the data also does not conform, the validation error is the one reported, as it was when
validation ran first. Where there is no `fork`, validation runs first, as it used to.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset

from .common import union_graph
from .errors import DlkgError, NotConformant
from .forked import Forked, can_fork
from .load import StoreLoader
from .records import Level
from .report import BuildReport, StepTimer
from .settings import Settings

if TYPE_CHECKING:  # validate imports pyshacl or shacl: only when a build validates
    from .validate import ValidationReport

__all__ = ["release_free_memory", "validate", "validate_beside_load"]


def validate(
    settings: Settings, line_index: Mapping[str, str], nquads: Path, skip: set[str]
) -> ValidationReport:
    """SHACL over the emitted data: the fast engine reads the N-Quads file (which holds the
    ontology graph); the reference, pySHACL, gets a union graph of it plus the ontology."""
    from .validate import lookup_in_file, validate_graph, validate_nquads_file

    if settings.validator == "pyshacl":
        dataset = Dataset()
        dataset.parse(nquads, format="nquads")
        union = union_graph(dataset, skip=skip)
        del dataset
        return validate_graph(union, line_index=line_index, validator="pyshacl")
    lookup = lookup_in_file(nquads)
    return validate_nquads_file(nquads, lookup=lookup, line_index=line_index)


def release_free_memory() -> None:
    """Free what is unreachable and give the C heap's free pages back to the system.

    After emit the parsed records and the resolution are dropped (build.py): a collection
    frees their cycles, and glibc's `malloc_trim` returns the pages (at x1000 the process
    stayed at ~6.8 GB for every step after resolve). The SHACL engine too frees what it
    allocated, but glibc keeps the pages: at x100 1.39 GB stayed resident after validation,
    0.66 GB after a trim (docs/scale.md). Elsewhere than glibc the trim does nothing."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def check_conformant(report: BuildReport, shacl: ValidationReport, settings: Settings) -> None:
    """Raise `NotConformant` as the build always has: violations, build errors, --strict."""
    from .validate import raise_if_not_conformant

    report.shacl_warnings = [str(w) for w in shacl.warnings]
    raise_if_not_conformant(shacl, strict=settings.strict)
    # by counts: the issues may be parked in a file (BuildReport.park)
    errors = report.issue_count(Level.ERROR)
    if errors:
        raise NotConformant(f"{errors} build errors; first: {report.first_issue(Level.ERROR)}")
    warnings = report.issue_count(Level.WARNING)
    if settings.strict and warnings:
        first = report.first_issue(Level.WARNING)
        raise NotConformant(f"--strict: {warnings} warnings; first: {first}")


def validate_beside_load(
    settings: Settings,
    report: BuildReport,
    timer: StepTimer,
    notify: Callable[[str], None],
    *,
    line_index: Mapping[str, str],
    nquads: Path,
    loader: StoreLoader,
    skip: set[str],
) -> None:
    """Validate `nquads` while `loader` loads it, side by side where the system forks; return
    when both are done and the data conforms, else raise (the caller removes the run).

    The step timer gets each step's own wall time ("validate" is the child's), so the two
    overlap; `report.process_memory_kb["validate"]` is the child's resident memory."""
    if not can_fork():
        with timer.step("validate"):
            shacl = validate(settings, line_index, nquads, skip)
            release_free_memory()
        notify("validate")
        check_conformant(report, shacl, settings)
        with timer.step("load"):
            loader.start()
            loader.wait()
        notify("load")
        return
    timer.seconds.setdefault("validate", 0.0)  # the steps' order in the report stays the same
    # forked before the loader starts: the child copies none of its threads
    child: Forked[ValidationReport] = Forked(
        lambda: validate(settings, line_index, nquads, skip), scratch=nquads.parent
    )
    try:
        try:
            with timer.step("load"):
                loader.start()
                loader.wait()
        except DlkgError:
            # the data may not conform either: then that is the error to report, as before
            check_conformant(report, _collect(child, timer, report), settings)
            raise
        notify("load")
        shacl = _collect(child, timer, report)
        notify("validate")
    except BaseException:
        child.cancel()  # only if still running: an interrupt, or a failure of this process
        raise
    check_conformant(report, shacl, settings)


def _collect(
    child: Forked[ValidationReport], timer: StepTimer, report: BuildReport
) -> ValidationReport:
    try:
        return child.result()
    finally:
        timer.seconds["validate"] = child.seconds
        report.process_memory_kb["validate"] = dict(child.memory_kb)
