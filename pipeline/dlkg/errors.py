"""The error catalogue and the CLI's exit codes.

User errors are `DlkgError`s: the CLI prints `str(error)` on one line and exits with
`error.exit_code`; a traceback is shown only with `--debug`.

| exit code | meaning |
|---|---|
| 0 | success |
| 1 | the data does not conform (SHACL violations, or warnings under --strict) |
| 2 | usage error (bad option or argument) |
| 3 | a source could not be read: missing, offline, wrong checksum, wrong encoding, truncated |
| 4 | the store or an output could not be written or opened |
| 5 | a query failed |
"""

from __future__ import annotations

from pathlib import Path


class DlkgError(Exception):
    """Base of every user-facing error."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is not None and self.line is not None:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path is not None:
            return f"{self.path}: {self.message}"
        return self.message


class UsageError(DlkgError):
    exit_code = 2


class SourceError(DlkgError):
    """A source is missing, unreadable, not UTF-8, truncated or otherwise unusable."""

    exit_code = 3


class ChecksumError(SourceError):
    """The bytes of a source do not have the sha256 pinned in data/sources.toml."""


class OfflineError(SourceError):
    """A download was needed but the network is unreachable and no cache/mirror has the file."""


class NotConformant(DlkgError):
    """SHACL violations, or warnings with --strict."""

    exit_code = 1


class StoreError(DlkgError):
    exit_code = 4


class QueryError(DlkgError):
    exit_code = 5
