"""How desktop input splits text for xdotool and refuses characters that would act as keys."""

from __future__ import annotations

import pytest

from bots.drivers.desktop_input import SHIFTED, check_typeable, typing_runs
from bots.errors import InputRejected


def test_upper_case_non_ascii_letters_become_shifted_unicode_keys() -> None:
    assert typing_runs("Ünal-D'Souza Zoë") == [f"{SHIFTED}U00DC", "nal-D'Souza Zoë"]
    assert typing_runs("a<b> José 98.6°F {x} 100%") == ["a<b> José 98.6°F {x} 100%"]
    assert typing_runs("") == []


@pytest.mark.parametrize("text", ["a\tb", "line\nline", "x\r", "bell\x07"])
def test_control_characters_are_refused(text: str) -> None:
    with pytest.raises(InputRejected):
        check_typeable(text)
