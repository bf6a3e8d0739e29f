"""The base every screen-map model shares: unknown keys are mistakes, never extensions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class MapModel(BaseModel):
    """A screen-map model: frozen, strict about keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)
