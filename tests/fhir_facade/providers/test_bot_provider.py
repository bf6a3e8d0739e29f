"""The bot provider's capabilities are generated from the real screen map, and its runs carry the FHIR caller."""

from __future__ import annotations

from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from fhir_facade.caller import Caller, set_caller
from fhir_facade.provider import Interaction, SearchParamSupport
from fhir_facade.providers.bot_provider import BotProvider
from retrofhir.config import PROJECT_ROOT


def _provider() -> BotProvider:
    runtime = SourceRuntime(load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml"))
    return BotProvider(runtime, "legacy-web")


def test_capabilities_follow_the_flows_and_their_search_parameters() -> None:
    capabilities = _provider().capabilities
    patient = capabilities.resources["Patient"]
    assert patient.interactions == {
        Interaction.READ,
        Interaction.VREAD,
        Interaction.SEARCH,
        Interaction.CREATE,
        Interaction.UPDATE,
    }
    assert patient.conditional_create
    assert patient.search_param("family") == SearchParamSupport("family", pushdown=True, narrows=True)
    assert patient.search_param("gender") == SearchParamSupport("gender", pushdown=True, narrows=False)
    assert patient.search_param("address-city") == SearchParamSupport("address-city")
    encounter = capabilities.resources["Encounter"]
    assert encounter.interactions == {Interaction.READ, Interaction.VREAD, Interaction.SEARCH}
    assert not encounter.conditional_create
    observation = capabilities.resources["Observation"]
    assert observation.search_param("subject") == SearchParamSupport("subject", pushdown=True, narrows=True)
    assert capabilities.title.startswith("MedLedger")


def test_runs_carry_the_caller_of_the_request() -> None:
    provider = _provider()
    set_caller(Caller("lab-system", ("system/Patient.rs",), "token-1", "GET /fhir/{source}/{resource_type}"))
    info = provider.run_info("Patient.read", "Patient", "0100046")
    assert info.client_id == "lab-system"
    assert info.scopes == ("system/Patient.rs",)
    assert info.request_summary == "GET /fhir/{source}/{resource_type}"
    assert info.patient_id == "0100046"
    assert info.source == "legacy_web"
