"""Draw what a step did onto its screenshot: a box around the element, a label with the action and locator.

Annotation happens when a screenshot is shown (console, export), never when it is stored: the stored PNG stays
byte-for-byte what the bot saw, so its hash is evidence, and identical screens deduplicate across steps.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from audit.records import StepView

BOX_COLOURS = {"ok": (220, 30, 30), "drift": (230, 140, 0), "failed": (150, 0, 160)}
LABEL_TEXT = (255, 255, 255)
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_SIZE = 14


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, FONT_SIZE)
    except OSError:
        return ImageFont.load_default(FONT_SIZE)


def annotate(png: bytes, step: StepView) -> bytes:
    """The screenshot with the step's box and label drawn on it, as PNG; unchanged size."""
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    draw = ImageDraw.Draw(image)
    colour = BOX_COLOURS.get(step.outcome or "ok", BOX_COLOURS["ok"])
    font = _font()
    label = step.label
    if step.box is not None:
        box = step.box
        left, top = max(box.x, 0), max(box.y, 0)
        right = min(box.x + box.width, image.width - 1)
        bottom = min(box.y + box.height, image.height - 1)
        for inset in range(3):
            draw.rectangle((left - inset, top - inset, right + inset, bottom + inset), outline=colour)
        anchor_x, anchor_y = left, top - 3
    else:
        anchor_x, anchor_y = 4, 4
    text_box = draw.textbbox((0, 0), label, font=font)
    text_width, text_height = text_box[2] - text_box[0], text_box[3] - text_box[1]
    label_x = min(max(anchor_x - 3, 0), max(image.width - text_width - 8, 0))
    label_y = anchor_y - text_height - 8 if anchor_y - text_height - 8 >= 0 else (anchor_y + 6 if step.box else 4)
    if step.box is not None and label_y > anchor_y:
        label_y = min(step.box.y + step.box.height + 4, image.height - text_height - 8)
    draw.rectangle((label_x, label_y, label_x + text_width + 8, label_y + text_height + 8), fill=colour)
    draw.text((label_x + 4, label_y + 4 - text_box[1]), label, fill=LABEL_TEXT, font=font)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=False, compress_level=3)
    return output.getvalue()


def focus(annotated_png: bytes, step: StepView, width: int = 640, height: int = 260) -> bytes | None:
    """A close-up of the annotated screenshot around the step's box (legacy UIs use tiny fonts), or None."""
    if step.box is None:
        return None
    with Image.open(io.BytesIO(annotated_png)) as opened:
        image = opened.convert("RGB")
    scale = 2 if image.width > width else 1
    region_width, region_height = min(width // scale, image.width), min(height // scale, image.height)
    centre_x, centre_y = step.box.x + step.box.width // 2, step.box.y + step.box.height // 2
    left = min(max(centre_x - region_width // 2, 0), image.width - region_width)
    top = min(max(centre_y - region_height // 2, 0), image.height - region_height)
    crop = image.crop((left, top, left + region_width, top + region_height))
    if scale > 1:
        crop = crop.resize((region_width * scale, region_height * scale), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    crop.save(output, format="PNG", compress_level=3)
    return output.getvalue()


def thumbnail(annotated_png: bytes, width: int = 200) -> bytes:
    """A small copy for the filmstrip."""
    with Image.open(io.BytesIO(annotated_png)) as opened:
        image = opened.convert("RGB")
    if image.width > width:
        image = image.resize((width, max(image.height * width // image.width, 1)), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", compress_level=3)
    return output.getvalue()
