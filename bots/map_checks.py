"""Semantic checks of a screen map that pydantic cannot do alone: every name a map uses must exist.

Each problem is (location, message); the loader turns locations into lines. Flows are walked in order, tracking
which screens may be showing and which records exist, so a field is checked against the screen it is used on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bots.map_models import (
    ClickStep,
    EmitStep,
    ExpectStep,
    FillStep,
    Flow,
    ForEachStep,
    PressStep,
    ReadStep,
    ReadTableStep,
    Screen,
    ScreenKind,
    Step,
)
from bots.screen_map import INTERACTIONS, ScreenMap

Location = tuple[str | int, ...]
Problem = tuple[Location, str]
PARAM_REFERENCE = re.compile(r"\{param\.([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class _FlowState:
    screens: list[str] = field(default_factory=list)
    records: dict[str, set[str]] = field(default_factory=dict)
    lost: bool = False


def check_screen_map(screen_map: ScreenMap, expected_id: str | None) -> list[Problem]:
    problems: list[Problem] = []
    if expected_id is not None and screen_map.source.id != expected_id:
        message = f"source id {screen_map.source.id!r} does not match the file name {expected_id!r}"
        problems.append((("source", "id"), message))
    problems += _check_login(screen_map)
    problems += _check_logout(screen_map)
    for key, flow in screen_map.flows.items():
        problems += _check_flow(screen_map, key, flow)
    for name, binding in screen_map.bindings.items():
        if not any(key.startswith(f"{binding.resource}.") for key in screen_map.flows):
            problems.append((("bindings", name, "resource"), f"no flow handles {binding.resource!r}"))
    for number, example in enumerate(screen_map.examples):
        if example.interaction not in screen_map.flows:
            problems.append((("examples", number, "interaction"), f"unknown flow {example.interaction!r}"))
        writes = example.interaction.endswith((".create", ".update"))
        if writes != example.writes:
            message = "`writes: true` marks exactly the examples that create or update (health checks skip them)"
            problems.append((("examples", number), message))
        for version in example.ui_versions:
            if version not in screen_map.source.ui_versions:
                problems.append(
                    (("examples", number, "ui_versions"), f"the source does not claim UI version {version}")
                )
    return list(dict.fromkeys(problems))


def _check_login(screen_map: ScreenMap) -> list[Problem]:
    login = screen_map.source.login
    if login is None:
        return []
    where: Location = ("source", "login")
    screen = screen_map.screens.get(login.screen)
    if screen is None:
        return [((*where, "screen"), f"unknown screen {login.screen!r}")]
    problems: list[Problem] = []
    if screen.kind != ScreenKind.LOGIN:
        problems.append(((*where, "screen"), f"screen {login.screen!r} must have kind: login"))
    for field_name, credential in login.fields.items():
        if field_name not in screen.fields:
            problems.append(((*where, "fields", field_name), f"screen {login.screen!r} has no field {field_name!r}"))
        if credential not in screen_map.source.credentials:
            problems.append(((*where, "fields", field_name), f"unknown credential {credential!r}"))
    if login.submit not in screen.actions:
        problems.append(((*where, "submit"), f"screen {login.screen!r} has no action {login.submit!r}"))
    for name in login.success:
        if name not in screen_map.screens:
            problems.append(((*where, "success"), f"unknown screen {name!r}"))
    return problems


def _check_logout(screen_map: ScreenMap) -> list[Problem]:
    logout = screen_map.source.logout
    if logout is None:
        return []
    problems: list[Problem] = []
    if screen_map.source.login is None:
        problems.append((("source", "logout"), "a logout needs a login"))
    for name in logout.success:
        if name not in screen_map.screens:
            problems.append((("source", "logout", "success"), f"unknown screen {name!r}"))
    return problems


def _check_flow(screen_map: ScreenMap, key: str, flow: Flow) -> list[Problem]:
    where: Location = ("flows", key)
    resource_type, _, interaction = key.partition(".")
    if not re.fullmatch(r"[A-Z][A-Za-z]+", resource_type) or interaction not in INTERACTIONS:
        return [(where, f"a flow is named Type.interaction with interaction one of {', '.join(INTERACTIONS)}")]
    problems: list[Problem] = []
    for name, param in flow.params.items():
        if param.binding is not None and param.field is not None:
            problems += _check_binding_field(screen_map, param.binding, param.field, (*where, "params", name))
    for name in flow.bindings:
        binding = screen_map.bindings.get(name)
        if binding is None:
            problems.append(((*where, "bindings"), f"unknown binding {name!r}"))
        elif binding.resource != resource_type:
            problems.append(((*where, "bindings"), f"binding {name!r} makes {binding.resource}, not this type"))
    if interaction in ("create", "update") and not flow.bindings:
        problems.append(((*where,), "a write flow needs `bindings`"))
    if interaction in ("create", "update") and flow.verify is None:
        problems.append(((*where,), "a write flow needs `verify`: every write is read back"))
    for number, probe in enumerate(flow.find_existing):
        if probe.flow not in screen_map.flows:
            problems.append(((*where, "find_existing", number, "flow"), f"unknown flow {probe.flow!r}"))
    if flow.verify is not None and flow.verify.flow not in screen_map.flows:
        problems.append(((*where, "verify", "flow"), f"unknown flow {flow.verify.flow!r}"))
    state = _FlowState()
    problems += _check_steps(screen_map, flow, flow.steps, (*where, "steps"), state)
    return problems


def _check_binding_field(screen_map: ScreenMap, binding_name: str, field_name: str, where: Location) -> list[Problem]:
    binding = screen_map.bindings.get(binding_name)
    if binding is None:
        return [(where, f"unknown binding {binding_name!r}")]
    if not any(rule.field == field_name for rule in binding.rules):
        return [(where, f"binding {binding_name!r} has no rule for field {field_name!r}")]
    return []


def _screens_named(screen_map: ScreenMap, names: list[str]) -> list[Screen]:
    return [screen_map.screens[name] for name in names if name in screen_map.screens]


def _check_steps(
    screen_map: ScreenMap, flow: Flow, steps: list[Step], where: Location, state: _FlowState
) -> list[Problem]:
    problems: list[Problem] = []
    for number, step in enumerate(steps):
        here = (*where, number)
        for name in PARAM_REFERENCE.findall(step.model_dump_json()):
            if name not in flow.params and not (flow.id and f"{{{name}}}" in flow.id):
                problems.append((here, f"template uses {{param.{name}}} but the flow declares no param {name!r}"))
        problems += _check_step(screen_map, flow, step, here, state)
    return problems


def _check_step(screen_map: ScreenMap, flow: Flow, step: Step, here: Location, state: _FlowState) -> list[Problem]:
    screens = _screens_named(screen_map, state.screens)
    if isinstance(step, ExpectStep):
        unknown = [name for name in step.expect if name not in screen_map.screens]
        state.screens = [name for name in step.expect if name in screen_map.screens]
        state.lost = bool(unknown)
        return [((*here, "expect"), f"unknown screen {name!r}") for name in unknown]
    if isinstance(step, PressStep) and step.target is None:
        return []
    if isinstance(step, ClickStep | FillStep | ReadStep | ReadTableStep | PressStep) and state.lost:
        return []
    if isinstance(step, ClickStep | FillStep | ReadStep | ReadTableStep | PressStep) and not screens:
        return [(here, "no screen is expected before this step (add an `expect` step)")]
    if isinstance(step, PressStep):
        missing = [s for s in state.screens if step.target not in _clickable(screen_map.screens[s])]
        return [((*here, "target"), f"screen {name!r} has no action or field {step.target!r}") for name in missing]
    if isinstance(step, ClickStep):
        missing = [s for s in state.screens if step.click not in _clickable(screen_map.screens[s])]
        return [((*here, "click"), f"screen {name!r} has no action or field {step.click!r}") for name in missing]
    if isinstance(step, FillStep):
        problems: list[Problem] = []
        for field_name in step.fill:
            for name in state.screens:
                if field_name not in screen_map.screens[name].fields:
                    problems.append(((*here, "fill"), f"screen {name!r} has no field {field_name!r}"))
        if isinstance(step.fill, list) and not flow.bindings:
            problems.append(((*here, "fill"), "filling fields by name needs the flow's `bindings`"))
        return problems
    if isinstance(step, ReadStep):
        names = set(screens[0].fields) if step.read == "all" else set(step.read)
        state.records[step.into] = names
        return [
            ((*here, "read"), f"screen {name!r} has no field {field_name!r}")
            for name in state.screens
            for field_name in sorted(names)
            if field_name not in screen_map.screens[name].fields
        ]
    if isinstance(step, ReadTableStep):
        tables = [screen_map.screens[name].tables.get(step.read_table) for name in state.screens]
        if any(table is None for table in tables):
            return [((*here, "read_table"), f"unknown table {step.read_table!r} on screens {state.screens}")]
        available = {column for table in tables if table is not None for column in table.columns}
        unknown = sorted(set(step.columns or []) - available)
        state.records[step.into] = set(step.columns) if step.columns is not None else available
        return [((*here, "columns"), f"table {step.read_table!r} has no column {name!r}") for name in unknown]
    if isinstance(step, ForEachStep):
        if step.for_each not in state.records:
            return [((*here, "for_each"), f"no rows named {step.for_each!r} were read before")]
        inner = _FlowState(screens=list(state.screens), records=dict(state.records), lost=state.lost)
        inner.records["row"] = state.records[step.for_each]
        problems = _check_steps(screen_map, flow, step.steps, (*here, "steps"), inner)
        state.records.update({k: v for k, v in inner.records.items() if k != "row"})
        if step.back is not None:
            state.screens = [step.back]
        return problems
    if isinstance(step, EmitStep):
        return _check_emit(screen_map, step, here, state)
    return []


def _clickable(screen: Screen) -> set[str]:
    return set(screen.actions) | set(screen.fields)


def _check_emit(screen_map: ScreenMap, step: EmitStep, here: Location, state: _FlowState) -> list[Problem]:
    record = state.records.get(step.emit)
    if record is None:
        return [((*here, "emit"), f"no record named {step.emit!r} was read before")]
    available = record | set(step.extra)
    problems: list[Problem] = []
    for name in step.bindings:
        binding = screen_map.bindings.get(name)
        if binding is None:
            problems.append(((*here, "bindings"), f"unknown binding {name!r}"))
            continue
        for rule_number, rule in enumerate(binding.rules):
            for used in (rule.field, rule.if_present):
                if used is not None and used not in available:
                    message = f"uses field {used!r}, which record {step.emit!r} lacks"
                    problems.append((("bindings", name, "rules", rule_number), message))
    return problems
