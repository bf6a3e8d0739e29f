"""The `flows` section: one flow per `Type.interaction`, made of a small declarative step vocabulary.

Steps (each a one-key mapping, plus an optional `only_if`):
    goto: PATH            navigate (web) to a URL relative to the source's url; `{param.x}` etc. are filled in
    expect: SCREEN(S)     wait until one of these screens is recognised (an error screen raises its typed error)
    click: TARGET         click an action or field of the current screen, optionally answering a dialog
    fill: FIELDS          type values: a list of field names (values from the resource being written) or a
                          mapping field -> template
    read: FIELDS          read fields of the current screen into a named record
    read_table: TABLE     read a table's rows (following its next-page action) into a named list of records
    for_each: ROWS        run steps once per row read earlier; `open` clicks the row's open column first
                          (`parallel: N`: up to N rows at once, on other pages of the same session)
    emit: RECORD          hand a record (or every row of a list) to bindings that turn it into FHIR resources
    press: KEY            press a named key or chord (Enter, Tab, Escape, F1-F12, arrows, with Control/Alt/Shift),
                          after focusing the field or action `target` names; never text, so never patient data
Templates are `{scope.name}` with scopes `param`, `value` (legacy values being written), `resource` (FHIR path
into the resource being written), and every record or row read so far.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from bots.map_models.base import MapModel

STEP_KINDS = ("goto", "expect", "click", "fill", "read", "read_table", "for_each", "emit", "press")
ARROW_KEYS = ("ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight")
PRESS_KEYS = ("Enter", "Tab", "Escape", *ARROW_KEYS, *(f"F{number}" for number in range(1, 13)))
PRESS_MODIFIERS = ("Control", "Alt", "Shift")
KEY_ALIASES = {"ctrl": "Control", "esc": "Escape", "return": "Enter"}


def key_chord(text: str) -> str:
    """A key press from the allow-list in its one spelling (`ctrl+shift+tab` -> `Control+Shift+Tab`).

    Raises ValueError for anything else: a press step can never type text.
    """
    known = {name.lower(): name for name in (*PRESS_KEYS, *PRESS_MODIFIERS)} | KEY_ALIASES
    *modifiers, key = [known.get(part.strip().lower(), "") for part in text.split("+")]
    allowed = key in PRESS_KEYS and all(part in PRESS_MODIFIERS for part in modifiers)
    if not allowed or len(set(modifiers)) < len(modifiers):
        keys = ", ".join(PRESS_KEYS)
        raise ValueError(
            f"a press takes a named key (not text): one of {keys}, optionally after Control+, Alt+, Shift+"
        )
    return "+".join([*sorted(modifiers, key=PRESS_MODIFIERS.index), key])


class StepBase(MapModel):
    only_if: dict[str, list[str]] | None = Field(
        default=None, description="run only if each named param is absent or one of the values"
    )


class GotoStep(StepBase):
    goto: str


class ExpectStep(StepBase):
    expect: list[str] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def single_screen(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("expect"), str):
            return {**data, "expect": [data["expect"]]}
        return data


class ClickStep(StepBase):
    click: str
    dialog: Literal["accept", "dismiss"] | None = None
    submit: bool = Field(default=False, description="this click commits a write; after it, failures are ambiguous")


class FillStep(StepBase):
    fill: list[str] | dict[str, str]


class ReadStep(StepBase):
    read: list[str] | Literal["all"] = "all"
    into: str


class ReadTableStep(StepBase):
    read_table: str
    into: str
    pages: Literal["all", "cursor", "first"] = "all"
    max_pages: int = Field(default=50, ge=1)
    require_rows: bool = Field(default=False, description="no rows means the record does not exist")
    columns: list[str] | None = Field(default=None, description="read only these columns (default: all)")


class ForEachStep(StepBase):
    for_each: str
    open: bool = False
    back: str | None = Field(default=None, description="screen to return to after each row, by going back")
    parallel: int = Field(
        default=1,
        ge=1,
        le=8,
        description="rows run at once, each on its own page of the same logged-in session (opt in only when the "
        "legacy app keeps no per-page state in the session)",
    )
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def parallel_rows_stand_alone(self) -> ForEachStep:
        if self.parallel > 1 and (self.open or self.back is not None):
            raise ValueError("`parallel` rows cannot `open` a row of the list or go `back` to it: use a link column")
        return self


class PressStep(StepBase):
    press: str
    target: str | None = Field(default=None, description="field or action of the current screen to focus first")
    submit: bool = Field(default=False, description="this key commits a write; after it, failures are ambiguous")

    @field_validator("press")
    @classmethod
    def named_key(cls, press: str) -> str:
        return key_chord(press)


class EmitStep(StepBase):
    emit: str
    bindings: list[str] = Field(min_length=1)
    extra: dict[str, str] = Field(default_factory=dict, description="extra record fields from templates")


def step_kind(data: Any) -> str | None:
    if isinstance(data, dict):
        kinds = [kind for kind in STEP_KINDS if kind in data]
        return kinds[0] if len(kinds) == 1 else None
    for kind in STEP_KINDS:
        if hasattr(data, kind):
            return kind
    return None


Step = Annotated[
    Annotated[GotoStep, Tag("goto")]
    | Annotated[ExpectStep, Tag("expect")]
    | Annotated[ClickStep, Tag("click")]
    | Annotated[FillStep, Tag("fill")]
    | Annotated[ReadStep, Tag("read")]
    | Annotated[ReadTableStep, Tag("read_table")]
    | Annotated[ForEachStep, Tag("for_each")]
    | Annotated[EmitStep, Tag("emit")]
    | Annotated[PressStep, Tag("press")],
    Discriminator(
        step_kind,
        custom_error_type="unknown_step",
        custom_error_message=f"a step must have exactly one of: {', '.join(STEP_KINDS)}",
    ),
]


class SearchParam(MapModel):
    """A search parameter a flow takes, and how its FHIR value becomes the legacy value it is typed as."""

    type: Literal["string", "token", "date", "reference"] = "string"
    binding: str | None = None
    field: str | None = Field(default=None, description="the legacy field whose binding rule converts the value")
    required: bool = False
    apply: Literal["fill", "filter"] = Field(
        default="fill", description="fill: the flow types it; filter: results whose `field` differs are dropped"
    )

    @model_validator(mode="after")
    def binding_with_field(self) -> SearchParam:
        if (self.binding is None) != (self.field is None):
            raise ValueError("`binding` and `field` go together")
        if self.apply == "filter" and self.field is None:
            raise ValueError("a filter parameter needs the `field` it compares")
        return self


class ProbeSpec(MapModel):
    """Check-before-write: a search whose results, compared on `match`, reveal an existing record."""

    flow: str
    params: dict[str, str] = Field(min_length=1, description="search param -> template over `resource.`")
    match: list[str] = Field(
        default_factory=list, description="legacy fields that must all be equal; empty means every written field"
    )


class VerifySpec(MapModel):
    """Verify-after-write: run a flow, find the written record among what it emits, compare field by field."""

    flow: str
    params: dict[str, str] = Field(default_factory=dict)
    key: list[str] = Field(default_factory=list, description="fields that pick the record among several")


class Flow(MapModel):
    params: dict[str, SearchParam] = Field(default_factory=dict)
    id: str | None = Field(default=None, description="read flows: template that splits an id into params")
    id_pattern: str | None = Field(default=None, description="read flows: ids not matching are not found")
    bindings: list[str] = Field(
        default_factory=list, description="write flows: bindings from the resource to fields; the first that matches"
    )
    find_existing: list[ProbeSpec] = Field(default_factory=list)
    verify: VerifySpec | None = None
    result_id: str | None = Field(default=None, description="write flows: template of the written record's id")
    steps: list[Step] = Field(min_length=1)


ForEachStep.model_rebuild()
