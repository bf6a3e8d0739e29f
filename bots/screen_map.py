"""The screen map: the whole per-EHR contract (source, screens, flows, bindings, examples) as one model."""

from __future__ import annotations

from pydantic import Field

from bots.map_models import Binding, Example, Flow, MapModel, Screen, Source

INTERACTIONS = ("read", "search", "history", "create", "update")
WRITE_INTERACTIONS = ("create", "update")


class ScreenMap(MapModel):
    source: Source
    screens: dict[str, Screen] = Field(min_length=1)
    flows: dict[str, Flow] = Field(min_length=1)
    bindings: dict[str, Binding] = Field(default_factory=dict)
    examples: list[Example] = Field(default_factory=list)

    def flow(self, resource_type: str, interaction: str) -> Flow | None:
        return self.flows.get(f"{resource_type}.{interaction}")

    def capabilities(self) -> dict[str, list[str]]:
        """Resource type -> the interactions this map has flows for."""
        found: dict[str, list[str]] = {}
        for key in self.flows:
            resource_type, interaction = key.split(".", 1)
            found.setdefault(resource_type, []).append(interaction)
        return found
