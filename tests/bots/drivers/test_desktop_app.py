"""One session per display: the display lock, and how a desktop source's launch command is filled in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bots.drivers.desktop_app import DisplayLock, claim_display, expand_launch
from bots.errors import LegacyUnreachable


def test_a_display_number_is_locked_by_one_session_at_a_time() -> None:
    first = claim_display(None)
    try:
        assert not DisplayLock(first.number).try_acquire()
        with pytest.raises(LegacyUnreachable):
            claim_display(first.number)
        second = claim_display(None)
        assert second.number != first.number
        second.release()
    finally:
        first.release()
    again = DisplayLock(first.number)
    assert again.try_acquire()
    again.release()


def test_the_launch_command_names_this_interpreter_and_the_data_directory() -> None:
    command = expand_launch(["{python}", "-m", "app", "--db", "{data_dir}/app.sqlite"], Path("/srv/data"))
    assert command == [sys.executable, "-m", "app", "--db", "/srv/data/app.sqlite"]
