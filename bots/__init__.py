"""The bot engine: screen maps, drivers and flows that read and write legacy EHRs through their UI.

Public API (everything else is internal):

    screen_map = load_screen_map("screen_maps/legacy_web.yaml")      # ScreenMapError names file and line
    async with SourceRuntime(screen_map, observer=audit_observer) as runtime:
        patient = await runtime.read("Patient", "0100046")           # FHIR R4 JSON (dict), validated
        page = await runtime.search("Patient", {"family": "Smith"}) # SearchPage(resources, next_cursor, drift)
        page2 = await runtime.search("Patient", {"family": "Smith"}, page.next_cursor)
        result = await runtime.create(observation)                   # WriteResult(resource, id, interaction)
        result = await runtime.update(patient)                       # verified field by field after submit
        existing = await runtime.find_existing(observation)          # check-before-write, for retried writes
        runtime.screen_map.capabilities(); runtime.search_params("Patient")

Every failure is a `BotError` subclass (bots.errors); every step is reported to the `RunObserver`.
"""

from bots.drivers.base import DialogAnswer, Driver, FieldText, ScreenSignals
from bots.engine import SourceRuntime
from bots.errors import BotError
from bots.examples import ExampleOutcome, run_example
from bots.fhir_checks import validation_problems
from bots.hooks import EhrHooks, load_hooks
from bots.locators import Element, Located, Locator, locate
from bots.map_loader import load_screen_map, load_screen_map_text
from bots.observer import NullObserver, RunInfo, RunObserver, RunResult, StepCollector, StepRecord
from bots.results import SearchPage
from bots.screen_map import ScreenMap
from bots.write_runner import WriteResult

__all__ = [
    "BotError",
    "DialogAnswer",
    "Driver",
    "EhrHooks",
    "Element",
    "ExampleOutcome",
    "FieldText",
    "Located",
    "Locator",
    "NullObserver",
    "RunInfo",
    "RunObserver",
    "RunResult",
    "ScreenMap",
    "ScreenSignals",
    "SearchPage",
    "SourceRuntime",
    "StepCollector",
    "StepRecord",
    "WriteResult",
    "load_hooks",
    "load_screen_map",
    "load_screen_map_text",
    "locate",
    "run_example",
    "validation_problems",
]
