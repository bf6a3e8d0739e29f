"""Draw what a step did onto its screenshot: a box around the element, a label with the action and locator.

Annotation happens when a screenshot is shown (console, export), never when it is stored: the stored PNG stays
byte-for-byte what the bot saw, so its hash is evidence, and identical screens deduplicate across steps.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageStat

from audit.records import StepView
from bots.observer import Box

BOX_COLOURS = {"ok": (220, 30, 30), "drift": (230, 140, 0), "failed": (150, 0, 160)}
LABEL_TEXT = (255, 255, 255)
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_SIZE = 14
FRAME_WIDTH = 3
LABEL_GAP = 2
LABEL_PADDING = 4
CLOSE_UP_MARGIN = 12
CLOSE_UP_CONTEXT = 120  # pixels left of the box kept in a close-up: the field's own label on most forms


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, FONT_SIZE)
    except OSError:
        return ImageFont.load_default(FONT_SIZE)


@dataclass(frozen=True)
class Annotated:
    """An annotated screenshot (PNG) and where its label landed, so a close-up can show both box and label."""

    png: bytes
    label: Box


def annotate(png: bytes, step: StepView, neighbours: Sequence[Box] = ()) -> bytes:
    """The screenshot with the step's box and label drawn on it, as PNG; unchanged size (see `annotate_step`)."""
    return annotate_step(png, step, neighbours).png


def annotate_step(png: bytes, step: StepView, neighbours: Sequence[Box] = ()) -> Annotated:
    """The screenshot with the step's box and label drawn on it, and where the label is.

    `neighbours` are the boxes of the other steps on the same screenshot: the label is placed beside the box where
    it covers neither the element, nor those boxes, nor (as far as possible) anything drawn on the screen.
    """
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    draw = ImageDraw.Draw(image)
    colour = BOX_COLOURS.get(step.outcome or "ok", BOX_COLOURS["ok"])
    font = _font()
    text_box = draw.textbbox((0, 0), step.label, font=font)
    label_size = (
        int(text_box[2] - text_box[0]) + 2 * LABEL_PADDING,
        int(text_box[3] - text_box[1]) + 2 * LABEL_PADDING,
    )
    if step.box is None:
        label_x, label_y = 4, 4
    else:
        frame = _frame(step.box, image.size)
        label_x, label_y = _label_spot(image.convert("L"), frame, label_size, neighbours)
        for inset in range(FRAME_WIDTH):
            draw.rectangle((frame[0] + inset, frame[1] + inset, frame[2] - inset, frame[3] - inset), outline=colour)
    draw.rectangle((label_x, label_y, label_x + label_size[0] - 1, label_y + label_size[1] - 1), fill=colour)
    draw.text((label_x + LABEL_PADDING, label_y + LABEL_PADDING - text_box[1]), step.label, fill=LABEL_TEXT, font=font)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=False, compress_level=3)
    return Annotated(output.getvalue(), Box(label_x, label_y, *label_size))


Rect = tuple[int, int, int, int]  # left, top, right, bottom (inclusive)


def _frame(box: Box, size: tuple[int, int]) -> Rect:
    """The drawn frame: FRAME_WIDTH lines just outside the element's edges, kept inside the image."""
    width, height = size
    outset = FRAME_WIDTH - 1
    return (
        min(max(box.x - outset, 0), width - 1),
        min(max(box.y - outset, 0), height - 1),
        min(box.x + box.width + outset, width - 1),
        min(box.y + box.height + outset, height - 1),
    )


def _label_spot(gray: Image.Image, frame: Rect, size: tuple[int, int], neighbours: Sequence[Box]) -> tuple[int, int]:
    """Where the label goes: of the spots beside the frame, the first that overlaps no neighbour box and covers the
    least drawn content (ink), never the element itself unless there is no room anywhere else."""
    left, top, right, bottom = frame
    width, height = size
    middle = (top + bottom - height) // 2
    spots = [
        (left, top - LABEL_GAP - height),  # above, left-aligned
        (right + LABEL_GAP, middle),  # to the right
        (left, bottom + LABEL_GAP),  # below, left-aligned
        (left - LABEL_GAP - width, middle),  # to the left
        (right - width, top - LABEL_GAP - height),  # above, right-aligned
        (right - width, bottom + LABEL_GAP),  # below, right-aligned
    ]
    others = [_frame(box, gray.size) for box in neighbours]
    scored: list[tuple[float, int, int, int]] = []
    for order, (x, y) in enumerate(spots):
        x = min(max(x, 0), max(gray.width - width, 0))
        y = min(max(y, 0), max(gray.height - height, 0))
        spot = (x, y, x + width - 1, y + height - 1)
        covered = sum(_overlap(spot, other) for other in others if other != frame)
        score = (1_000_000 if _overlap(spot, frame) else 0) + covered * 100 + _ink(gray, spot)
        scored.append((score, order, x, y))
    _, _, x, y = min(scored)
    return x, y


def _overlap(first: Rect, second: Rect) -> int:
    width = min(first[2], second[2]) - max(first[0], second[0]) + 1
    height = min(first[3], second[3]) - max(first[1], second[1]) + 1
    return width * height if width > 0 and height > 0 else 0


def _ink(gray: Image.Image, spot: Rect) -> float:
    """How much is drawn under a spot: the spread of its grey levels (0 on plain background)."""
    return float(ImageStat.Stat(gray.crop((spot[0], spot[1], spot[2] + 1, spot[3] + 1))).stddev[0])


def neighbour_boxes(steps: Sequence[StepView], step: StepView) -> list[Box]:
    """The boxes of the other steps shown on the same screenshot as `step`."""
    return [
        other.box
        for other in steps
        if other.box is not None and other.seq != step.seq and other.screenshot_sha256 == step.screenshot_sha256
    ]


def focus(
    annotated_png: bytes, step: StepView, width: int = 640, height: int = 260, label: Box | None = None
) -> bytes | None:
    """A close-up (`width` x `height`) of the annotated screenshot, enlarged (legacy UIs use tiny fonts): the step's
    box and, when given and it fits, its label, with as much as fits of what lies left of them (the field's own
    label, on most legacy forms). None when the step has no box."""
    if step.box is None:
        return None
    with Image.open(io.BytesIO(annotated_png)) as opened:
        image = opened.convert("RGB")
    shown = step.box if label is None else _union(step.box, label)
    scale = 1.0
    for candidate, context in ((2.0, CLOSE_UP_CONTEXT), (1.5, CLOSE_UP_CONTEXT), (1.5, 0)):
        if image.width > width and shown.width + 2 * CLOSE_UP_MARGIN + context <= width / candidate:
            scale = candidate
            break
    else:
        shown = step.box
        scale = 2.0 if image.width > width else 1.0
    region_width, region_height = min(int(width / scale), image.width), min(int(height / scale), image.height)
    right = shown.x + shown.width + CLOSE_UP_MARGIN
    left = min(max(right - region_width, 0), image.width - region_width)
    top = min(max(shown.y + shown.height // 2 - region_height // 2, 0), image.height - region_height)
    crop = image.crop((left, top, left + region_width, top + region_height))
    if scale != 1.0:
        size = (min(round(region_width * scale) + 1, width), min(round(region_height * scale) + 1, height))
        crop = crop.resize(size, Image.Resampling.LANCZOS)
    output = io.BytesIO()
    crop.save(output, format="PNG", compress_level=3)
    return output.getvalue()


def _union(first: Box, second: Box) -> Box:
    left, top = min(first.x, second.x), min(first.y, second.y)
    right = max(first.x + first.width, second.x + second.width)
    bottom = max(first.y + first.height, second.y + second.height)
    return Box(left, top, right - left, bottom - top)


def thumbnail(annotated_png: bytes, width: int = 200) -> bytes:
    """A small copy for the filmstrip."""
    with Image.open(io.BytesIO(annotated_png)) as opened:
        image = opened.convert("RGB")
    if image.width > width:
        image = image.resize((width, max(image.height * width // image.width, 1)), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", compress_level=3)
    return output.getvalue()
