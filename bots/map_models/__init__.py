"""The pieces of a screen map, one module each: source, screens, flows, bindings, examples."""

from bots.map_models.base import MapModel
from bots.map_models.bindings import Binding, ElementRule, ValueType
from bots.map_models.examples import Example
from bots.map_models.flows import (
    ClickStep,
    EmitStep,
    ExpectStep,
    FillStep,
    Flow,
    ForEachStep,
    GotoStep,
    PressStep,
    ProbeSpec,
    ReadStep,
    ReadTableStep,
    SearchParam,
    Step,
    VerifySpec,
    key_chord,
)
from bots.map_models.screens import Field, Recognition, Screen, ScreenKind, Table
from bots.map_models.source import Credential, LoginSpec, LogoutSpec, ScreenFont, Source, Timeouts

__all__ = [
    "Binding",
    "ClickStep",
    "Credential",
    "ElementRule",
    "EmitStep",
    "Example",
    "ExpectStep",
    "Field",
    "FillStep",
    "Flow",
    "ForEachStep",
    "GotoStep",
    "LoginSpec",
    "LogoutSpec",
    "MapModel",
    "PressStep",
    "ProbeSpec",
    "ReadStep",
    "ReadTableStep",
    "Recognition",
    "Screen",
    "ScreenFont",
    "ScreenKind",
    "SearchParam",
    "Source",
    "Step",
    "Table",
    "Timeouts",
    "ValueType",
    "VerifySpec",
    "key_chord",
]
