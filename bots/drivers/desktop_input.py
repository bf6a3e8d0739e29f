"""Mouse and keyboard for desktop bots through xdotool: focus a window, click, and type text literally.

Without a window manager keys go to whichever window has the X input focus, so every action first focuses its
window explicitly. Text is typed with `xdotool type` and a per-character delay (with no delay non-ASCII
characters are dropped); a tab or newline in the text would act as a key, so such text is refused, not typed.
"""

from __future__ import annotations

import asyncio

from bots.errors import InputRejected, LegacyUnavailable, StepTimeout

TYPE_DELAY_MS = 12
KEYS_THAT_ARE_CHARACTERS = frozenset("\t\n\r\x0b\x0c")


def check_typeable(text: str) -> None:
    """Refuse text holding a character that `xdotool type` would turn into a key press (tab, newline, ...)."""
    if any(character in KEYS_THAT_ARE_CHARACTERS or ord(character) < 32 for character in text):
        raise InputRejected("the value holds a control character that would act as a key; nothing was typed")


SHIFTED = "\x00shift+"


def typing_runs(text: str) -> list[str]:
    """Split text into runs `xdotool type` gets right and single upper-case non-ASCII letters as shifted keys.

    `xdotool type` binds a missing keysym to a spare keycode without Shift, so "Ü" arrives as "ü"; those letters
    are pressed as Shift plus their Unicode keysym instead.
    """
    runs: list[str] = []
    plain = ""
    for character in text:
        if ord(character) > 127 and character.isupper() and character.lower() != character:
            if plain:
                runs.append(plain)
                plain = ""
            runs.append(f"{SHIFTED}U{ord(character):04X}")
        else:
            plain += character
    if plain:
        runs.append(plain)
    return runs


class XInput:
    """Input to one X display; every call is bounded by `timeout` seconds."""

    def __init__(self, env: dict[str, str], timeout: float) -> None:
        self.env = env
        self.timeout = timeout

    async def run(self, *arguments: str, extra_seconds: float = 0.0) -> str:
        process = await asyncio.create_subprocess_exec(
            "xdotool",
            *arguments,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), self.timeout + extra_seconds)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise StepTimeout(f"xdotool did not finish within {self.timeout + extra_seconds:.1f} s") from None
        if process.returncode != 0:
            raise LegacyUnavailable("the desktop did not accept input (the window may have closed)")
        return output.decode()

    async def click(self, window: int, x: int, y: int, *, clicks: int = 1) -> None:
        """Focus the window, move the pointer to (x, y) and click the left button `clicks` times."""
        await self.run(
            "windowfocus", "--sync", str(window),
            "mousemove", str(x), str(y),
            "click", "--repeat", str(clicks), "--delay", "60", "1",
        )  # fmt: skip

    async def replace_text(self, window: int, x: int, y: int, text: str) -> None:
        """Click into a field, select what it holds (End, Shift+Home), delete it, and type `text` literally."""
        check_typeable(text)
        await self.run(
            "windowfocus", "--sync", str(window),
            "mousemove", str(x), str(y),
            "click", "1",
            "key", "--clearmodifiers", "End", "shift+Home", "BackSpace",
        )  # fmt: skip
        for run in typing_runs(text):
            if run.startswith(SHIFTED):
                await self.run("key", "--clearmodifiers", run.removeprefix(SHIFTED))
            else:
                await self.run(
                    "type", "--clearmodifiers", "--delay", str(TYPE_DELAY_MS), "--", run,
                    extra_seconds=len(run) * TYPE_DELAY_MS / 1000 * 2,
                )  # fmt: skip
        # Tab moves the keyboard focus on, taking the blinking insert cursor out of the field to be read back.
        await self.run("key", "--clearmodifiers", "Tab")

    async def key(self, window: int, name: str) -> None:
        """Press one named key (e.g. Return, Escape) in the focused window."""
        await self.run("windowfocus", "--sync", str(window), "key", "--clearmodifiers", name)
