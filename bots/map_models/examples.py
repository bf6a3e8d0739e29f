"""The `examples` section: known inputs and expected outputs, run by the standard suite and health checks."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from bots.map_models.base import MapModel


class Example(MapModel):
    """One interaction run against the live system; `expect` is a subset the result must contain."""

    name: str
    interaction: str
    id: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    resource: dict[str, Any] | None = None
    expect: dict[str, Any] | None = Field(default=None, description="subset of the resulting resource")
    expect_count: int | None = Field(default=None, ge=0)
    expect_includes: list[dict[str, Any]] = Field(default_factory=list, description="subsets some result matches")
    expect_error: str | None = Field(default=None, description="name of the bots.errors class the run raises")
    writes: bool = False
    ui_versions: list[int] = Field(default_factory=lambda: [1])

    @model_validator(mode="after")
    def expects_something(self) -> Example:
        if self.expect is None and self.expect_count is None and not self.expect_includes and not self.expect_error:
            raise ValueError("an example must expect something (expect, expect_count, expect_includes, expect_error)")
        return self
