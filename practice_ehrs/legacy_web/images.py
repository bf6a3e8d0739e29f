"""The practice web EHR's 2004-style GIF artwork (logo, bevelled image buttons), drawn with PIL at first use.

The buttons carry their caption only as pixels: in the HTML they are `<input type="image">` with no alt text,
which is exactly what makes them hard for a bot.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

PRODUCT_NAME = "MedLedger Clinical"
PRODUCT_VERSION = "4.2"
_FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
_FACE = (212, 208, 200)
_LIGHT = (255, 255, 255)
_SHADOW = (128, 128, 128)
_DARK = (64, 64, 64)


def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(_FONT_DIR + name, size)
    except OSError:
        return ImageFont.load_default()


def _gif(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(buffer, format="GIF")
    return buffer.getvalue()


def _bevel(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    draw.rectangle((0, 0, width - 1, height - 1), fill=_FACE)
    draw.line((0, 0, width - 1, 0), fill=_LIGHT)
    draw.line((0, 0, 0, height - 1), fill=_LIGHT)
    draw.line((0, height - 1, width - 1, height - 1), fill=_DARK)
    draw.line((width - 1, 0, width - 1, height - 1), fill=_DARK)
    draw.line((1, height - 2, width - 2, height - 2), fill=_SHADOW)
    draw.line((width - 2, 1, width - 2, height - 2), fill=_SHADOW)


def _floppy(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    draw.rectangle((x, y, x + 13, y + 13), fill=(40, 60, 140), outline=(0, 0, 40))
    draw.rectangle((x + 3, y + 1, x + 10, y + 5), fill=(230, 230, 230))
    draw.rectangle((x + 3, y + 8, x + 10, y + 13), fill=(20, 20, 20))


def _magnifier(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    draw.ellipse((x, y, x + 9, y + 9), fill=(200, 225, 255), outline=(0, 0, 80), width=2)
    draw.line((x + 8, y + 8, x + 13, y + 13), fill=(90, 60, 20), width=3)


def _button(caption: str, icon: str) -> bytes:
    width, height = 78, 24
    image = Image.new("RGB", (width, height), _FACE)
    draw = ImageDraw.Draw(image)
    _bevel(draw, width, height)
    (_floppy if icon == "floppy" else _magnifier)(draw, 6, 5)
    draw.text((26, 5), caption, font=_font(11), fill=(0, 0, 0))
    return _gif(image)


def _logo() -> bytes:
    width, height = 260, 44
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for row in range(height):
        shade = int(40 + 60 * row / height)
        draw.line((0, row, width, row), fill=(0, shade, 110 + shade))
    draw.ellipse((8, 8, 36, 36), fill=(200, 30, 30), outline=_LIGHT, width=2)
    draw.rectangle((19, 13, 25, 31), fill=_LIGHT)
    draw.rectangle((13, 19, 31, 25), fill=_LIGHT)
    draw.text((45, 4), PRODUCT_NAME, font=_font(17), fill=_LIGHT)
    draw.text((46, 25), f"Enterprise Edition v{PRODUCT_VERSION}", font=_font(10, bold=False), fill=(255, 220, 120))
    return _gif(image)


def _spacer() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (1, 1), 0).save(buffer, format="GIF", transparency=0)
    return buffer.getvalue()


@cache
def image_bytes(name: str) -> bytes | None:
    """The GIF called `name` (e.g. `save.gif`), or None when there is no such image."""
    painters = {
        "logo.gif": _logo,
        "save.gif": lambda: _button("Save", "floppy"),
        "search.gif": lambda: _button("Search", "magnifier"),
        "spacer.gif": _spacer,
    }
    painter = painters.get(name)
    return painter() if painter else None
