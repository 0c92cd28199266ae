"""The web chat's bundle (from npm, exact version, patched to fetch nothing) and the site's
settings."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from careers import assets
from careers.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_widget_is_pinned_exactly_and_locked():
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"]["rasa-webchat"] == "1.0.1"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    webchat = lock["packages"]["node_modules/rasa-webchat"]
    assert webchat["version"] == "1.0.1"
    assert webchat["integrity"].startswith("sha512-")
    assert "node_modules/axe-core" in lock["packages"]


def test_patch_removes_the_google_fonts_import():
    source = ('x.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700'
              '&display=swap);.rw-header{color:#fff}",""])')
    patched = assets.patch_bundle(source)
    assert "googleapis" not in patched and ".rw-header{color:#fff}" in patched


def test_patch_refuses_a_bundle_it_does_not_recognise():
    with pytest.raises(assets.AssetError, match="no Google Fonts"):
        assets.patch_bundle("console.log('another widget')")
    with pytest.raises(assets.AssetError, match="external URL"):
        assets.patch_bundle('@import url(https://fonts.googleapis.com/x);'
                            '.a{background:url(https://cdn.example/x.png)}')


def test_build_writes_the_patched_bundle_and_licence(tmp_path):
    package = tmp_path / "rasa-webchat"
    (package / "lib").mkdir(parents=True)
    (package / "package.json").write_text('{"version": "1.0.1"}')
    (package / "LICENSE").write_text("Apache-2.0")
    (package / "lib" / "index.js").write_text('"@import url(https://fonts.googleapis.com/css?f);"')
    target = assets.build(package, tmp_path / "vendor" / "rasa-webchat.js")
    assert "googleapis" not in target.read_text()
    assert (target.parent / "rasa-webchat.LICENSE").read_text() == "Apache-2.0"

    (package / "package.json").write_text('{"version": "1.0.2"}')
    with pytest.raises(assets.AssetError, match="expected 1.0.1"):
        assets.build(package, tmp_path / "vendor" / "rasa-webchat.js")
    with pytest.raises(assets.AssetError, match="npm ci"):
        assets.build(tmp_path / "missing", tmp_path / "vendor" / "rasa-webchat.js")


def test_the_served_bundle_is_the_real_widget_without_external_imports():
    bundle = assets.WEBCHAT.read_text(encoding="utf-8")
    assert "rasa-webchat 1.0.1" in bundle.splitlines()[0]
    assert "rw-launcher" in bundle and "session_request" in bundle
    assert "fonts.googleapis" not in bundle and not assets.EXTERNAL_CSS_URL.search(bundle)
    source = (assets.PACKAGE / "lib" / "index.js").read_text(encoding="utf-8")
    assert len(source) - len(bundle) < 2000, "only the font imports were removed"


def test_settings_defaults_and_environment():
    default = Settings.from_env({})
    assert (default.host, default.port) == ("127.0.0.1", 8000)
    assert default.site_origin == "http://localhost:8000"
    assert default.chat_url == "http://localhost:5005" and default.kb_url is None
    custom = Settings.from_env({"CAREERS_SITE_PORT": "8100", "RASA_PORT": "5105",
                                "CAREERS_SITE_ORIGIN": "https://jobs.example.com/",
                                "KB_DATABASE_URL": "sqlite:///x.sqlite"})
    assert custom.port == 8100 and custom.chat_url == "http://localhost:5105"
    assert custom.site_origin == "https://jobs.example.com" and custom.kb_url == "sqlite:///x.sqlite"
    assert Settings.from_env({"CAREERS_CHAT_URL": "https://bot.example.com/"}).chat_origin \
        == "https://bot.example.com"
    with pytest.raises(ValueError):
        Settings.from_env({"CAREERS_CHAT_URL": "javascript:alert(1)"})
