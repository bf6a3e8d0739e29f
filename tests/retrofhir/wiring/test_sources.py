"""Sources come from the screen maps directory: FHIR base names, URL overrides, broken maps left out."""

from __future__ import annotations

import shutil
from pathlib import Path

from retrofhir.config import PROJECT_ROOT
from retrofhir.wiring.sources import discover_sources, fhir_name, url_override_variable


def test_every_loadable_map_is_a_source_with_its_fhir_base_and_url(tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml", tmp_path / "legacy_web.yaml")
    (tmp_path / "broken.yaml").write_text("source: {id: broken}\n", encoding="utf-8")
    sources = discover_sources(tmp_path, environment={})
    assert [(spec.source_id, spec.fhir_name, spec.base_url) for spec in sources] == [
        ("legacy_web", "legacy-web", "http://127.0.0.1:8081")
    ]
    moved = discover_sources(tmp_path, environment={"RETROFHIR_SOURCE_URL_LEGACY_WEB": "http://127.0.0.1:9999"})
    assert moved[0].base_url == "http://127.0.0.1:9999"


def test_names() -> None:
    assert fhir_name("legacy_desktop") == "legacy-desktop"
    assert url_override_variable("legacy_web") == "RETROFHIR_SOURCE_URL_LEGACY_WEB"
