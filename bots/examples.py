"""Run a screen map's examples against the live legacy system: the standard test suite and health checks use it.

`expect` is a subset: every key given must be there with the same value; a list given must have each of its items
matched (as a subset) by some item of the actual list; numbers compare by value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bots.engine import SourceRuntime
from bots.errors import BotError
from bots.map_models import Example


def subset_problems(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where `actual` fails to contain `expected`; empty when it does."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where or '(top)'}: expected an object"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing".lstrip("."))
            else:
                problems += subset_problems(value, actual[key], f"{where}.{key}".lstrip("."))
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list"]
        return [
            f"{where}[{number}]: no item matches"
            for number, item in enumerate(expected)
            if not any(not subset_problems(item, candidate) for candidate in actual)
        ]
    if _is_number(expected) and _is_number(actual):
        return [] if Decimal(str(expected)) == Decimal(str(actual)) else [f"{where}: differs"]
    return [] if expected == actual else [f"{where}: differs"]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass
class ExampleOutcome:
    """What one example did; `problems` is empty when it passed. Problems name paths, never values."""

    example: str
    problems: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


async def _result_of(runtime: SourceRuntime, example: Example) -> Any:
    resource_type, interaction = example.interaction.split(".", 1)
    if interaction == "read":
        return await runtime.read(resource_type, example.id or "")
    if interaction == "search":
        return (await runtime.search(resource_type, example.params)).resources
    if interaction == "history":
        return (await runtime.history(resource_type, example.params)).resources
    if interaction in ("create", "update"):
        resource = json.loads(json.dumps(example.resource or {}))
        write = runtime.create if interaction == "create" else runtime.update
        return (await write(resource)).resource
    raise BotError(f"examples cannot run {example.interaction}")


async def run_example(runtime: SourceRuntime, example: Example) -> ExampleOutcome:
    outcome = ExampleOutcome(example.name)
    try:
        result = await _result_of(runtime, example)
    except BotError as error:
        outcome.drift = list(runtime.drift)
        if example.expect_error != type(error).__name__:
            outcome.problems.append(f"raised {type(error).__name__}: {error.message}")
        return outcome
    outcome.drift = list(runtime.drift)
    if example.expect_error is not None:
        outcome.problems.append(f"expected {example.expect_error}, but it succeeded")
    if example.expect is not None:
        outcome.problems += subset_problems(example.expect, result)
    if isinstance(result, list):
        if example.expect_count is not None and len(result) != example.expect_count:
            outcome.problems.append(f"expected {example.expect_count} results, got {len(result)}")
        outcome.problems += subset_problems(example.expect_includes, result, "results")
    return outcome
