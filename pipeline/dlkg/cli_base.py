"""What every `dlkg` command shares: the error-mapping group, the settings, the build folder.

Every command that uses the build folder gets its `Settings` through `settings_of`, which
first says on stderr which folder that is (`build folder: data/build (this checkout)`), so a
reader never wonders which build a query read. Imports stay light (click, no rdflib): this
module is on the path of every command, `dlkg query` included.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from .errors import INTERNAL_ERROR, DlkgError, StoreError
from .settings import Settings, default_build_dir, shown_path

BUILD_DIR_SOURCE = "dlkg.build_dir_source"  # ctx.meta key: why this build folder


class Cli(click.Group):
    """Maps DlkgError to one line on stderr and its exit code; anything else is a bug.

    Only `DlkgError`s are user errors. Any other exception (a ValueError included) is a bug in
    dlkg and must not pass for a usage error: it is shown with its traceback and exit code 70.
    With --debug a user error shows its traceback and the engine's full detail too.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DlkgError as exc:
            if ctx.meta.get("dlkg.debug"):
                detail = getattr(exc, "detail", None)
                if detail:
                    click.echo(f"detail: {detail}", err=True)
                raise
            fail(str(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception:
            import traceback  # only for a bug: 1.4 ms of every start otherwise (issue 13)

            traceback.print_exc()
            fail("internal error, please report it with the traceback above", INTERNAL_ERROR)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`dlkg --help` ends by saying which build folder commands would use now."""
        super().format_epilog(ctx, formatter)
        with formatter.section("Build folder"):
            formatter.write_text(
                f"Without --build-dir or DLKG_BUILD_DIR: {DEFAULT_RULE}. Now: {_now()}."
            )


class LazyCli(Cli):
    """A `Cli` whose commands outside the group's own module are imported when they run.

    `dlkg query` must start fast (issue 13): importing every command's module at start cost
    ~80 ms (`dlkg lint` alone pulls in the name parser). `loader(name)` imports and returns the
    command NAME; `--help` and `list_commands` still see every command, in the same order.
    """

    def __init__(
        self, *args: Any, loader: Callable[[str], click.Command], lazy: tuple[str, ...], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._loader = loader
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self._lazy:
            self.add_command(self._loader(cmd_name), cmd_name)
        return self.commands.get(cmd_name)


# Path-independent wording: docs/cli.md is generated from --help, in any checkout.
DEFAULT_RULE = (
    "inside a dlkg checkout its data/build (where `make serve` builds), "
    "elsewhere $XDG_DATA_HOME/dlkg (~/.local/share/dlkg)"
)


def _now() -> str:
    """Which folder a command would use now, without a path where the checkout decides."""
    path, why = default_build_dir()
    if os.environ.get("DLKG_BUILD_DIR"):
        return f"DLKG_BUILD_DIR = {os.environ['DLKG_BUILD_DIR']}"
    return "this checkout's data/build" if why == "this checkout" else f"{why}, {path}"


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def settings_of(ctx: click.Context) -> Settings:
    """The command's settings; the first call says which build folder is used (stderr)."""
    root = ctx.find_root()
    settings = root.obj
    assert isinstance(settings, Settings)
    if not root.meta.get("dlkg.said_build_dir"):
        root.meta["dlkg.said_build_dir"] = True
        why = root.meta.get(BUILD_DIR_SOURCE, "")
        click.echo(f"build folder: {shown_path(settings.build_dir)} ({why})", err=True)
    return settings


def require_built(settings: Settings) -> None:
    """Stop with one line (exit 4) when nothing is built: never start a download instead."""
    if not (settings.store_dir / "CURRENT").is_file():
        raise StoreError(
            f"nothing built in {shown_path(settings.build_dir)}: run `dlkg build` first"
        )


def skip_final_collection() -> None:
    """At exit, skip the interpreter's last garbage collection (for short commands).

    That collection walks every object of every imported module only to free memory the OS
    takes back anyway: ~7 ms of `dlkg query`'s ~75 (issue 13). `gc.freeze` at exit moves them
    out of its reach; objects are still freed by reference counting, only reference cycles
    left at exit are not collected (nothing a query holds needs that: the store is closed when
    its last reference goes). Registered at most once, so in-process callers (tests) are safe.
    """
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
