"""Annotation on render: the box and label land where the step's element was, in the outcome's colour."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from audit.annotate import BOX_COLOURS, annotate, annotate_step, focus, thumbnail
from audit.records import StepView
from bots.observer import Box


def _white_png(width: int = 800, height: int = 500) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(output, format="PNG")
    return output.getvalue()


def _step(outcome: str, box: Box | None) -> StepView:
    return StepView(
        seq=1, record_hash="0" * 64, screenshot_sha256=None, purged=False, action="read", field_name="zip",
        locator_kind="label", locator_rank=2, outcome=outcome, box=box,
    )  # fmt: skip


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_box_surrounds_the_element_and_the_label_sits_above_it() -> None:
    step = _step("ok", Box(300, 200, 120, 30))
    image = _pixels(annotate(_white_png(), step))
    assert image.size == (800, 500)
    assert image.getpixel((300, 215)) == BOX_COLOURS["ok"]
    assert image.getpixel((420, 215)) == BOX_COLOURS["ok"]
    assert image.getpixel((360, 215)) == (255, 255, 255)
    label_row = [image.getpixel((x, 190)) for x in range(300, 420)]
    assert BOX_COLOURS["ok"] in label_row
    assert (255, 255, 255) in label_row
    assert image.getpixel((700, 450)) == (255, 255, 255)
    assert step.label == "read zip [label #2]"


def _label_area(
    image: Image.Image, colour: tuple[int, int, int], frame: tuple[int, int, int, int]
) -> set[tuple[int, int]]:
    """Pixels in the label's colour outside the frame drawn around the element."""
    left, top, right, bottom = frame
    return {
        (x, y)
        for x in range(image.width)
        for y in range(image.height)
        if not (left <= x <= right and top <= y <= bottom) and image.getpixel((x, y)) == colour
    }


def test_drift_is_drawn_in_its_own_colour_and_a_box_at_the_edge_stays_inside() -> None:
    image = _pixels(annotate(_white_png(400, 200), _step("drift", Box(0, 0, 50, 20))))
    assert image.getpixel((0, 10)) == BOX_COLOURS["drift"]
    assert image.getpixel((10, 22)) == BOX_COLOURS["drift"]
    label = _label_area(image, BOX_COLOURS["drift"], (0, 0, 52, 22))
    assert label
    assert not any(x <= 52 and y <= 22 for x, y in label)


def test_the_label_covers_neither_neighbouring_boxes_nor_text_on_the_screen() -> None:
    screen = Image.new("RGB", (600, 300), (255, 255, 255))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((330, 140, 560, 160), fill=(0, 0, 0))  # text to the right of the field
    output = io.BytesIO()
    screen.save(output, format="PNG")
    field, above, below = Box(200, 140, 120, 20), Box(200, 110, 120, 20), Box(200, 170, 120, 20)
    image = _pixels(annotate(output.getvalue(), _step("ok", field), neighbours=[above, field, below]))
    label = _label_area(image, BOX_COLOURS["ok"], (198, 138, 322, 162))
    assert label
    assert all(x < 198 for x, _ in label)  # left of the field: above, below and right are taken
    assert all(130 <= y <= 172 for _, y in label)


def test_close_up_and_thumbnail() -> None:
    step = _step("ok", Box(700, 450, 90, 40))
    annotated = annotate(_white_png(1280, 800), step)
    close_up = focus(annotated, step)
    assert close_up is not None
    assert _pixels(close_up).size == (640, 260)
    assert focus(annotated, _step("ok", None)) is None
    assert _pixels(thumbnail(annotated)).size == (200, 125)


def _red_pixels(image: Image.Image) -> int:
    width, height = image.size
    pixels = [image.getpixel((x, y)) for x in range(width) for y in range(height)]
    return sum(1 for pixel in pixels if isinstance(pixel, tuple) and pixel[0] > 180 and max(pixel[1:3]) < 90)


def test_the_close_up_shows_the_whole_label_beside_the_box() -> None:
    step = _step("ok", Box(600, 400, 60, 20))
    annotated = annotate_step(_white_png(1280, 800), step, neighbours=[Box(600, 370, 60, 20), Box(600, 430, 60, 20)])
    label = annotated.label
    assert label.x > 660  # beside the box: above and below hold the neighbouring fields
    close_up = focus(annotated.png, step, label=label)
    assert close_up is not None
    assert _pixels(close_up).size == (640, 260)
    # Box, label and the field's surroundings do not fit at 2x: 1.5x, with the label's whole fill in view.
    assert _red_pixels(_pixels(close_up)) > label.width * label.height * 1.5**2 * 0.5
