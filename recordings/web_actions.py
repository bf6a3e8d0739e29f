"""Turn what the injected recorder script reports into `RecordedAction`s in the engine's step shape.

Pure functions over the script's JSON payloads: candidate locators are validated as the engine's locator models
(with the frame they were found in), and each action gets the flow step it replays as. A password's value is
never in the payload; its fill refers to the `password` credential instead.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter

from bots.locators import FrameRef, Locator
from recordings.actions import ActionKind, ElementInfo, RecordedAction

LOCATORS: TypeAdapter[list[Locator]] = TypeAdapter(list[Locator])
PASSWORD_CREDENTIAL = "password"  # noqa: S105 - the credential's name, never its value
OVERLAY_MARKUP = re.compile(r'<div id="__retrofhir_overlay".*?</form></div>', re.DOTALL)


def frame_ref(frame_name: str | None, frame_url: str | None, is_main: bool) -> FrameRef | None:
    """How a locator names the frame an element is in: by name when it has one, else by its URL's path."""
    if is_main:
        return None
    if frame_name:
        return FrameRef(name=frame_name)
    path = re.sub(r"^[a-z]+://[^/]+", "", frame_url or "").split("?", 1)[0]
    return FrameRef(url=path or frame_url)


def element_info(payload: dict[str, Any], frame: FrameRef | None) -> ElementInfo:
    """The element description, each candidate locator placed in the element's frame."""
    raw = dict(payload)
    candidates = [{**candidate, "frame": frame.model_dump() if frame else None} for candidate in raw["candidates"]]
    raw["candidates"] = LOCATORS.validate_python(candidates)
    return ElementInfo.model_validate(raw)


def step_for(kind: ActionKind, name: str, value: str | None, credential: str | None) -> dict[str, Any] | None:
    """The flow step a recorded action replays as (None for what only the application does)."""
    if kind == "click":
        return {"click": name}
    if kind in ("fill", "select", "check"):
        typed = f"{{credential.{credential}}}" if credential else (value or "")
        return {"fill": {name: typed}}
    if kind == "field":
        return {"read": [name], "into": "record"}
    return None


def action_from_payload(
    index: int, payload: dict[str, Any], frame: FrameRef | None, url: str | None, title: str | None
) -> RecordedAction:
    """One action from the script's payload (`type` is click, fill, select, check, press or field)."""
    kind: ActionKind = payload["type"]
    element = element_info(payload["element"], frame)
    secret = bool(payload.get("secret"))
    credential = PASSWORD_CREDENTIAL if secret else None
    value = None if secret else payload.get("value")
    field_name = payload.get("name") if kind == "field" else None
    name = field_name or element.suggested_name
    return RecordedAction(
        index=index,
        kind=kind,
        step=step_for(kind, name, value, credential),
        url=url,
        title=title,
        frame=frame,
        element=element,
        value=value,
        credential=credential,
        key=payload.get("key"),
        field_name=field_name,
    )


def without_overlay(html: str) -> str:
    """A DOM snapshot without the recorder's own overlay."""
    return OVERLAY_MARKUP.sub("", html)
