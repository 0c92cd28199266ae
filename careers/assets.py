"""The web chat's bundle, served from our own origin.

`python -m careers.assets` copies rasa-webchat's browser bundle from node_modules (installed
by `npm ci` from package-lock.json) to careers/static/vendor/, with the one thing that
would reach outside removed: the bundle's CSS `@import`s Google Fonts (Inter) from inside
the JavaScript. The site's stylesheet gives the widget the page's system fonts instead,
so the page fetches nothing from another origin and works offline.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "rasa-webchat"
VERSION = "1.0.1"
STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor"
WEBCHAT = VENDOR / "rasa-webchat.js"

# A CSS @import of anything absolute (http:, https: or protocol-relative), as it appears
# inside the bundle's JavaScript strings.
EXTERNAL_IMPORT = re.compile(r"@import\s+url\(\s*['\"]?(?:https?:)?//[^)]*\)\s*;?")
EXTERNAL_CSS_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.IGNORECASE)


class AssetError(RuntimeError):
    pass


def patch_bundle(source: str) -> str:
    """The bundle without its external font imports; AssetError if it has none or keeps
    any CSS reference to another origin (a different bundle than the one we pinned)."""
    patched, count = EXTERNAL_IMPORT.subn("", source)
    if count == 0:
        raise AssetError("rasa-webchat's bundle has no Google Fonts @import to remove: "
                         "is it another version than " + VERSION + "?")
    if EXTERNAL_CSS_URL.search(patched):
        raise AssetError("rasa-webchat's bundle still references an external URL in its CSS")
    return patched


def build(package: Path = PACKAGE, target: Path = WEBCHAT) -> Path:
    """Write the patched bundle (and the widget's licence) to `target`'s folder."""
    manifest = package / "package.json"
    if not manifest.is_file():
        raise AssetError(f"{package} is missing: run `npm ci` (make run does)")
    version = json.loads(manifest.read_text())["version"]
    if version != VERSION:
        raise AssetError(f"{package} is version {version}, expected {VERSION}: run `npm ci`")
    source = (package / "lib" / "index.js").read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    header = (f"/* rasa-webchat {VERSION} (Apache-2.0, see rasa-webchat.LICENSE), copied from "
              "node_modules by careers/assets.py with its Google Fonts @import removed. */\n")
    tmp = target.with_suffix(".tmp")
    tmp.write_text(header + patch_bundle(source), encoding="utf-8")
    tmp.replace(target)
    shutil.copyfile(package / "LICENSE", target.parent / "rasa-webchat.LICENSE")
    return target


def ensure_built() -> Path:
    """The bundle, built first if it is missing or older than node_modules' copy."""
    source = PACKAGE / "lib" / "index.js"
    if WEBCHAT.is_file() and (not source.is_file()
                              or WEBCHAT.stat().st_mtime >= source.stat().st_mtime):
        return WEBCHAT
    return build()


def main() -> int:
    try:
        path = build()
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Web chat bundle: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
