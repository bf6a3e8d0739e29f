"""Replaying a recording: all of it on the same UI, and the first divergence after the vendor's upgrade."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from practice_ehrs.legacy_web.runner import LegacyWebServer
from recordings.replay import Replayer, recording_credentials, replay_recording
from recordings.store import Recording

pytestmark = pytest.mark.web


@pytest.mark.xfail(
    strict=False,
    reason="in 2 of the third session's last 3 fresh-clone runs (never alone) the replayed click on a search result "
    "left the frame at /search for 10 s; cause unknown (docs/roadmap.md). Still run and reported each time.",
)
@pytest.mark.usefixtures("author_credentials")
def test_replay_runs_every_action(problems_recording: Recording, legacy_web_clean: LegacyWebServer) -> None:
    result = asyncio.run(replay_recording(problems_recording, base_url=legacy_web_clean.base_url))
    assert result.divergence is None
    assert result.actions_replayed == len(problems_recording.actions)


@pytest.mark.usefixtures("author_credentials")
def test_replay_reports_the_first_divergence(problems_recording: Recording, ui_version_2: LegacyWebServer) -> None:
    result = asyncio.run(replay_recording(problems_recording, base_url=ui_version_2.base_url))
    assert result.divergence is not None
    assert result.divergence.action == "click"
    assert "log_in" in result.divergence.message
    assert result.drift


def test_missing_credentials_are_named_before_anything_is_typed(problems_recording: Recording) -> None:
    password = next(action for action in problems_recording.actions if action.credential)
    replayer = Replayer(problems_recording, cast(Any, None), credentials={}, wait_seconds=0)
    message = asyncio.run(replayer._act(password, cast(Any, None), None))
    assert message is not None
    assert "RETROFHIR_RECORDING_PASSWORD" in message


def test_credentials_come_from_prefixed_variables() -> None:
    assert recording_credentials({"RETROFHIR_RECORDING_PASSWORD": "x", "OTHER": "y"}) == {"password": "x"}
