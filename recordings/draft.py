"""`retrofhir map draft`: turn a recording into a screen-map draft that loads with the real loader.

The draft has the source (and its login, if the author logged in: a screen with a password field), one screen per
distinct screen visited, a flow that replays the recording (typed values become flow parameters, marked fields
are read and emitted), FHIR binding suggestions for common fields, and an example built from what the recording
saw. Every suggestion is marked `# CONFIRM` for the author; fields no suggestion matched are listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bots.locators import ImageLocator
from bots.map_models import key_chord
from recordings.actions import RecordedAction, element_name
from recordings.bindings_draft import BindingDraft, draft_bindings
from recordings.draft_screens import TABLE_NAME, ScreenDraft, add_action, has_focus_target, recognition
from recordings.screens_seen import ScreenVisit, screen_visits, unique_names
from recordings.store import Recording
from recordings.suggestions import suggest


@dataclass
class FlowDraft:
    steps: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    example_params: dict[str, str] = field(default_factory=dict)
    records: list[tuple[str, dict[str, RecordedAction], bool, str]] = field(default_factory=list)


def _login_visit(visits: list[ScreenVisit]) -> ScreenVisit | None:
    return next((v for v in visits if any(a.credential for a in v.actions)), None)


def _source(recording: Recording, source_id: str, login: ScreenVisit | None, success: str | None) -> dict[str, Any]:
    meta = recording.meta
    source: dict[str, Any] = {"id": source_id, "name": f"{source_id} (drafted from recording {meta.name})"}
    source["driver"] = meta.driver
    if meta.url:
        parts = urlsplit(meta.url)
        source["url"] = f"{parts.scheme}://{parts.netloc}"
    if meta.launch:
        source["launch"] = meta.launch
    if login is not None:
        fills = [a for a in login.actions if a.kind == "fill"]
        secret = next(a for a in fills if a.credential)
        users = [a for a in fills if not a.credential]
        prefix = source_id.upper()
        source["credentials"] = {"password": {"env": f"{prefix}_PASSWORD"}}
        fields = {element_name(secret): "password"}
        if users:
            source["credentials"]["user"] = {"env": f"{prefix}_USERNAME", "secret": False}
            fields = {element_name(users[0]): "user", **fields}
        clicks = [a for a in login.actions if a.kind == "click"]
        source["login"] = {"screen": login.name, "fields": fields, "submit": element_name(clicks[-1])}
        if meta.driver == "web" and login.url:
            source["login"]["path"] = urlsplit(login.url).path
        source["login"]["success"] = [success or login.name]
    source["timezone"] = "UTC"
    return source


def _flow(visits: list[ScreenVisit], screens: dict[str, ScreenDraft]) -> FlowDraft:
    flow = FlowDraft()
    if visits and visits[0].top_url and urlsplit(visits[0].top_url).scheme.startswith("http"):
        parts = urlsplit(visits[0].top_url)
        flow.steps.append({"goto": parts.path + (f"?{parts.query}" if parts.query else "")})
    for visit in visits:
        flow.steps.append({"expect": visit.name})
        reads: dict[str, RecordedAction] = {}
        cells: dict[str, RecordedAction] = {}
        for number, action in enumerate(visit.actions):
            name = element_name(action)
            if action.kind in ("click", "press") and reads:
                _read_now(flow, visit.name, reads)  # a value marked before a click or key that may leave the screen
                reads = {}
            if action.kind == "click":
                step: dict[str, Any] = {"click": name}
                following = visit.actions[number + 1] if number + 1 < len(visit.actions) else None
                if following is not None and following.kind == "dialog":
                    step["dialog"] = "accept"
                flow.steps.append(step)
            elif action.kind in ("fill", "select", "check"):
                template = f"{{param.{name}|optional}}"
                if "fill" in flow.steps[-1]:
                    flow.steps[-1]["fill"][name] = template
                else:
                    flow.steps.append({"fill": {name: template}})
                flow.params[name] = {"type": "string"}
                flow.example_params[name] = action.value or ""
            elif action.kind == "field":
                target = cells if name in screens[visit.name].columns else reads
                target[name] = action
            elif action.kind == "press":
                flow.steps += _press_steps(action, name)
        if reads:
            _read_now(flow, visit.name, reads)
        if cells:
            flow.steps.append({"read_table": TABLE_NAME, "into": f"{visit.name}_rows", "pages": "first"})
            flow.records.append((f"{visit.name}_rows", cells, True, visit.name))
    return flow


def _read_now(flow: FlowDraft, screen: str, reads: dict[str, RecordedAction]) -> None:
    """A read step of the marked fields, into a record named after the screen (numbered when read again)."""
    taken = {record for record, _, _, _ in flow.records}
    record = (
        screen if screen not in taken else next(f"{screen}_{n}" for n in range(2, 99) if f"{screen}_{n}" not in taken)
    )
    flow.steps.append({"read": sorted(reads), "into": record})
    flow.records.append((record, reads, False, screen))


def _press_steps(action: RecordedAction, name: str) -> list[dict[str, Any]]:
    """A recorded key press as a `press` step, on the field that had the focus; keys outside the engine's
    allow-list (Control+C, a letter) stay in the recording but are not drafted."""
    try:
        chord = key_chord(action.key or "")
    except ValueError:
        return []
    return [{"press": chord, "target": name} if has_focus_target(action) else {"press": chord}]


def template_path(source_id: str, crop_file: str) -> str:
    """Where a recorded crop lives as an image template, relative to the screen maps' folder."""
    return f"templates/{source_id}/{Path(crop_file).name}"


def desktop_templates(action: RecordedAction, source_id: str) -> RecordedAction:
    """The action with its image candidates pointing at templates next to the map instead of the recording."""
    element = action.element
    if element is None:
        return action
    candidates = [
        c.model_copy(update={"template": template_path(source_id, c.template)}) if isinstance(c, ImageLocator) else c
        for c in element.candidates
    ]
    return action.model_copy(update={"element": element.model_copy(update={"candidates": candidates})})


def draft_screen_map(recording: Recording, source_id: str) -> str:
    """The YAML text of a screen-map draft for `screen_maps/<source_id>.yaml`."""
    desktop = recording.meta.driver == "desktop"
    actions = [desktop_templates(action, source_id) for action in recording.actions] if desktop else recording.actions
    visits = unique_names(screen_visits(actions, desktop=desktop))
    login = _login_visit(visits)
    screens: dict[str, ScreenDraft] = {}
    for visit in visits:
        secret = next((a for a in visit.actions if a.credential), None) if visit is login else None
        screen = screens.setdefault(visit.name, ScreenDraft(visit.name, recognition(visit, secret, desktop)))
        if visit is login:
            screen.kind = "login"
        for action in visit.actions:
            if action.kind != "dialog":
                add_action(screen, action)
    after_login = visits[visits.index(login) + 1 :] if login is not None else visits
    flow = _flow(after_login, screens)
    bindings = draft_bindings(flow.records, source_id)
    _add_emits(flow, bindings)
    _fhir_params(flow, bindings.resource)
    resource = bindings.resource or "Basic"
    success = after_login[0].name if after_login else None
    document: dict[str, Any] = {
        "source": _source(recording, source_id, login, success),
        "screens": {name: screen.as_yaml_data() for name, screen in screens.items()},
        "flows": {
            f"{resource}.search": {"params": flow.params, "steps": flow.steps} if flow.params else {"steps": flow.steps}
        },
    }
    if bindings.bindings:
        document["bindings"] = bindings.bindings
        example: dict[str, Any] = {
            "name": f"what recording {recording.meta.name} saw",
            "interaction": f"{resource}.search",
        }
        if flow.example_params:
            example["params"] = flow.example_params
        example["expect_includes"] = bindings.expected or [{"resourceType": resource}]
        document["examples"] = [example]
    return _header(recording, bindings) + _confirm_marks(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


FHIR_PARAMS = {"family": ("family", "string"), "given": ("given", "string"), "birth date": ("birthdate", "date")}


def _fhir_params(flow: FlowDraft, resource: str | None) -> None:
    """Name parameters as FHIR search parameters where the field says which: the patient's identifier becomes
    `patient` (or `identifier` on Patient), names and birth date become `family`, `given`, `birthdate` on Patient."""
    renames: dict[str, tuple[str, str]] = {}
    for name in flow.params:
        hit = suggest(name, None, set())
        if hit is None or hit.resource != "Patient":
            continue
        if hit.identifies:
            renames[name] = ("identifier", "token") if resource == "Patient" else ("patient", "reference")
        elif resource == "Patient" and hit.role in FHIR_PARAMS:
            renames[name] = FHIR_PARAMS[hit.role]
    for old, (new, kind) in renames.items():
        if new in flow.params:
            continue
        flow.params = {
            (new if key == old else key): ({"type": kind} if key == old else value)
            for key, value in flow.params.items()
        }
        flow.example_params = {(new if key == old else key): value for key, value in flow.example_params.items()}
        for step in flow.steps:
            fill = step.get("fill")
            if isinstance(fill, dict):
                for field, template in fill.items():
                    fill[field] = template.replace(f"{{param.{old}|", f"{{param.{new}|")


def _add_emits(flow: FlowDraft, bindings: BindingDraft) -> None:
    for record, names in bindings.emits:
        step: dict[str, Any] = {"emit": record, "bindings": names}
        extra = bindings.extras.get(record)
        if extra:
            step["extra"] = extra
        flow.steps.append(step)


def _header(recording: Recording, bindings: BindingDraft) -> str:
    lines = [
        f"# Screen-map DRAFT from recording {recording.meta.name!r} (retrofhir map draft).",
        "# Review every line marked CONFIRM, rename screens and fields as you like, then run retrofhir map check.",
    ]
    if bindings.unbound:
        lines.append(f"# Fields no binding suggestion matched (bind them by hand): {', '.join(bindings.unbound)}")
    return "\n".join(lines) + "\n"


def _confirm_marks(text: str) -> str:
    """Mark each suggested binding so the author confirms it."""
    out = []
    in_bindings = False
    for line in text.splitlines():
        if re.match(r"^\S", line):
            in_bindings = line.startswith("bindings:")
        if in_bindings and re.match(r"^  [A-Za-z_][\w]*:$", line):
            line += "  # CONFIRM: suggested binding, check paths, value maps, units and codes"
        out.append(line)
    return "\n".join(out) + "\n"
