"""Which legacy sources a deployment serves: every screen map in `screen_maps/`, each with its FHIR base name.

A map's `source.url` says where its EHR lives; `RETROFHIR_SOURCE_URL_<ID>` (e.g. `RETROFHIR_SOURCE_URL_LEGACY_WEB`)
overrides it for one deployment without editing the map. A map that does not load is reported and left out,
so one broken map cannot take the other sources down.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bots.errors import ScreenMapError
from bots.map_loader import load_screen_map
from bots.screen_map import ScreenMap

logger = logging.getLogger(__name__)

URL_OVERRIDE_PREFIX = "RETROFHIR_SOURCE_URL_"


@dataclass(frozen=True)
class SourceSpec:
    """One source: its screen map, the FHIR base it is served under and the URL its EHR answers on."""

    screen_map: ScreenMap
    fhir_name: str
    base_url: str | None

    @property
    def source_id(self) -> str:
        return self.screen_map.source.id


def fhir_name(source_id: str) -> str:
    """The FHIR base of a source: `legacy_web` is served at `/fhir/legacy-web`."""
    return source_id.replace("_", "-")


def url_override_variable(source_id: str) -> str:
    return f"{URL_OVERRIDE_PREFIX}{source_id.upper()}"


def discover_sources(screen_maps_dir: Path, environment: Mapping[str, str] | None = None) -> list[SourceSpec]:
    """Every loadable `*.yaml` screen map in the directory, in name order."""
    env = os.environ if environment is None else environment
    specs: list[SourceSpec] = []
    for path in sorted(screen_maps_dir.glob("*.yaml")):
        try:
            screen_map = load_screen_map(path)
        except ScreenMapError as error:
            logger.error("screen map %s left out: %s", path.name, error)
            continue
        source_id = screen_map.source.id
        base_url = env.get(url_override_variable(source_id)) or screen_map.source.url
        specs.append(SourceSpec(screen_map, fhir_name(source_id), base_url))
    return specs
