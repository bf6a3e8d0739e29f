"""Glyph sets for the desktop driver: the screen map's fonts rendered once per process on an X display.

Rendering runs `bots/glyph_render.py` as a script of its own (Tk draws the characters through the display's
text rasteriser), so the driver's process never loads a GUI toolkit. A font that cannot be rendered (no Tk, no
such family) is logged and skipped: its fields are then read by Tesseract alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
from pathlib import Path

from bots.glyph_reader import LATIN_1, GlyphSet
from bots.map_models import ScreenFont

RENDER_SECONDS = 30.0
RENDER_SCRIPT = Path(__file__).resolve().parent.parent / "glyph_render.py"

logger = logging.getLogger(__name__)
_rendered: dict[tuple[str, float, str], GlyphSet] = {}


def font_name(font: ScreenFont) -> str:
    return f"{font.family} {font.pixels:g}px"


async def glyph_sets(fonts: list[ScreenFont], environment: dict[str, str]) -> list[GlyphSet]:
    """A glyph set per font (rendered on the display `environment["DISPLAY"]` names, once per process)."""
    found = []
    for font in fonts:
        characters = font.characters or LATIN_1
        key = (font.family, font.pixels, characters)
        if key not in _rendered:
            rendered = await _render(font, characters, environment)
            if rendered is None:
                continue
            _rendered[key] = rendered
        found.append(_rendered[key])
    return found


async def _render(font: ScreenFont, characters: str, environment: dict[str, str]) -> GlyphSet | None:
    with tempfile.TemporaryDirectory(prefix="retrofhir-glyphs-") as scratch:
        out = Path(scratch) / "glyphs.npz"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(RENDER_SCRIPT),
            str(out),
            font.family,
            repr(font.pixels),
            characters,
            env=environment,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _stdout, errors = await asyncio.wait_for(process.communicate(), RENDER_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            logger.warning("rendering the glyphs of %s timed out; Tesseract reads its text", font_name(font))
            return None
        if process.returncode != 0 or not out.exists():
            last_line = errors.decode(errors="replace").strip().splitlines()[-1:] or [""]
            logger.warning("the glyphs of %s could not be rendered (%s)", font_name(font), last_line[0])
            return None
        return GlyphSet.load(out, font_name(font))
