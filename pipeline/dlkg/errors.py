"""Every exception class of dlkg, and the CLI's exit codes.

User errors are `DlkgError`s: the CLI prints `str(error)` on one line and exits with
`error.exit_code`; a traceback is shown only with `--debug`. Any other exception is a bug in
dlkg: the CLI prints "internal error, please report" with the traceback and exits with 70
(EX_SOFTWARE), so a bug is never mistaken for a usage error.

The web server's own errors (`ProtocolError`, `GuardError`, `RunnerError`) carry an HTTP status
or a refusal kind instead; they never reach the CLI.

| exit code | meaning |
|---|---|
| 0 | success |
| 1 | the data does not conform (SHACL violations, or warnings under --strict) |
| 2 | usage error (bad option or argument) |
| 3 | a source could not be read: missing, offline, wrong checksum, wrong encoding, truncated |
| 4 | the store or an output could not be written or opened |
| 5 | a query failed |
| 70 | internal error (a bug in dlkg; please report it with the traceback) |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

INTERNAL_ERROR = 70  # EX_SOFTWARE of sysexits.h: an exception that is not a DlkgError


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
    """A bad option, argument, manifest or curation file."""

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
    """A query that failed; `detail` keeps the engine's full text (`--debug` prints it)."""

    exit_code = 5

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail


class CurationError(UsageError):
    """A curation file that cannot be read: the build stops (a user error, exit code 2)."""


class RunnerError(QueryError):
    """A query the runner will not evaluate or that failed; `status` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ProtocolError(Exception):
    """A query failed with an HTTP status and a one-line, user-safe message.

    `detail` is extra, user-safe JSON for clients that accept it (a syntax error's line,
    column and the parser's full expectation list).
    """

    def __init__(self, status: int, message: str, detail: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail


@dataclass  # not frozen: raising sets __traceback__ on the exception
class GuardError(Exception):
    """The query is refused before evaluation; `kind` says why (update, service, shape)."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message
