"""The package's build step: the query workbench's YASGUI assets, installed from the npm registry
(`npm ci` on assets/package-lock.json) and copied into the package, so that pages never load a
script or style sheet from elsewhere (instances run on closed networks)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ASSETS = "assets"
TARGET = "isic_graph/web/static/vendor"
FILES = {"@zazuko/yasgui/build/yasgui.min.js": "yasgui.min.js",
         "@zazuko/yasgui/build/yasgui.min.css": "yasgui.min.css",
         "@zazuko/yasgui/package.json": "yasgui.package.json"}


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        lock, target = root / ASSETS / "package-lock.json", root / TARGET
        stamp = target / "package-lock.json"
        if not (stamp.is_file() and stamp.read_bytes() == lock.read_bytes()
                and all((target / name).is_file() for name in FILES.values())):
            if shutil.which("npm") is None:
                raise RuntimeError("installing isic-graph needs npm (Node.js), to install the query workbench's assets")
            subprocess.run(["npm", "ci", "--prefix", str(root / ASSETS), "--silent", "--no-audit", "--no-fund"],
                           check=True)
            target.mkdir(parents=True, exist_ok=True)
            for source, name in FILES.items():
                shutil.copyfile(root / ASSETS / "node_modules" / source, target / name)
            shutil.copyfile(lock, stamp)
        build_data["artifacts"].append(f"/{TARGET}/")
