"""What a recording holds: one `RecordedAction` per line of `actions.jsonl`, in the step shape the engine replays.

Every action carries `step`, a flow step exactly as a screen map would write it (`goto`, `click`, `fill`,
`expect`; validated with the engine's own step models), plus what the recorder saw: the frame it happened in,
ranked candidate locators for the element, nearby label text, the value, a screenshot and a DOM snapshot.
Secret values are never stored: a password field's value is replaced by a credential reference.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from bots.locators import FrameRef, Locator
from bots.map_models import Step

ActionKind = Literal["goto", "navigate", "frame", "click", "fill", "select", "check", "press", "dialog", "field"]
STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step)


class RecordingModel(BaseModel):
    """Recording data is plain and strict: unknown keys are mistakes."""

    model_config = ConfigDict(extra="forbid")


class Box(RecordingModel):
    """Where an element was, in screenshot pixels of the whole window."""

    x: int
    y: int
    width: int
    height: int


class ElementInfo(RecordingModel):
    """An element as the recorder saw it; `candidates` are ranked, best first (Playwright's order)."""

    tag: str
    input_type: str | None = None
    role: str | None = None
    accessible_name: str | None = None
    label: str | None = None
    nearby_text: str | None = None
    column_header: str | None = None
    in_data_row: bool = False
    column_index: int | None = Field(default=None, ge=1, description="1-based cell position in its table row")
    suggested_name: str
    candidates: list[Locator] = Field(default_factory=list)
    box: Box | None = None
    anchor_box: Box | None = Field(default=None, description="desktop: the OCR label box the element sits by")
    crops: dict[str, str] = Field(default_factory=dict, description="desktop: crop kind -> PNG file name")


class RecordedAction(RecordingModel):
    """One thing the author did (or the application did to them: a dialog, a navigation)."""

    index: int = Field(ge=0)
    kind: ActionKind
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    step: dict[str, Any] | None = Field(default=None, description="the flow step this action replays as")
    url: str | None = None
    title: str | None = None
    frame: FrameRef | None = None
    element: ElementInfo | None = None
    value: str | None = None
    credential: str | None = Field(default=None, description="the credential whose value was typed (never stored)")
    key: str | None = None
    dialog_message: str | None = None
    field_name: str | None = Field(default=None, description="the name the author gave a marked field")
    screenshot: str | None = None
    screenshot_after: str | None = None
    dom: str | None = None

    @field_validator("step")
    @classmethod
    def step_is_replayable(cls, step: dict[str, Any] | None) -> dict[str, Any] | None:
        if step is not None:
            STEP_ADAPTER.validate_python(step)
        return step

    @property
    def is_secret(self) -> bool:
        return self.credential is not None


def element_name(action: RecordedAction) -> str:
    """The name an action's element goes by: the author's name for a field, else the suggested one."""
    if action.field_name:
        return action.field_name
    if action.element is not None:
        return action.element.suggested_name
    return f"element_{action.index}"
