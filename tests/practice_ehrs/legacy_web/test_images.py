"""The generated GIF artwork: real GIFs of the expected sizes, unknown names refused."""

from __future__ import annotations

import io

from PIL import Image

from practice_ehrs.legacy_web.images import image_bytes


def test_images_are_gifs_of_the_expected_size() -> None:
    sizes = {"logo.gif": (260, 44), "save.gif": (78, 24), "search.gif": (78, 24), "spacer.gif": (1, 1)}
    for name, size in sizes.items():
        content = image_bytes(name)
        assert content is not None
        image = Image.open(io.BytesIO(content))
        assert (image.format, image.size) == ("GIF", size)
    assert image_bytes("../styles.css") is None
