"""Hatchling build hook: bundle the query UI's editor (frontend/ -> static/vendor/) when missing.

The bundle is built, not committed (.gitignore), so a wheel or sdist built from a fresh checkout
runs `npm ci && npm run build` in frontend/ first; `artifacts` in pyproject.toml then ships it.
An sdist carries the bundle, so a wheel built from it needs no npm. Set DLKG_SKIP_FRONTEND=1 to
skip the step (the pages then fall back to a plain textarea).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = Path("pipeline", "dlkg", "web", "site", "static", "vendor", "editor.js")
# The /stats page's charts and network (frontend/src/stats.js), built by the same npm run.
STATS_BUNDLE = BUNDLE.with_name("stats.js")


def build_frontend(root: Path) -> Path:
    """Install the pinned npm packages and bundle the editor; returns the bundle's path."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed to bundle the query editor (frontend/); install Node.js and npm, "
            "or set DLKG_SKIP_FRONTEND=1 to build without it"
        )
    frontend = root / "frontend"
    install = "ci" if (frontend / "package-lock.json").is_file() else "install"
    for command in ([npm, install, "--no-audit", "--no-fund"], [npm, "run", "build"]):
        subprocess.run(command, cwd=frontend, check=True)  # noqa: S603 (fixed arguments)
    bundle = root / BUNDLE
    if not bundle.is_file():
        raise RuntimeError(f"the frontend build did not produce {bundle}")
    return bundle


class FrontendBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        if (root / BUNDLE).is_file() and (root / STATS_BUNDLE).is_file():
            return
        if os.environ.get("DLKG_SKIP_FRONTEND") or not (root / "frontend").is_dir():
            self.app.display_warning("query editor bundle missing: the UI uses a plain textarea")
            return
        if version == "editable" and shutil.which("npm") is None:
            # a development install still works without Node.js; only releases must ship it
            self.app.display_warning("npm not found: the query editor bundle is not built")
            return
        self.app.display_info("bundling the query editor (npm ci && npm run build in frontend/)")
        build_frontend(root)
