"""The mapping studio's pages: Jinja templates next to this module (HTML, CSS and a little vanilla JavaScript)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

ENVIRONMENT = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(default=True))
INDEX = ENVIRONMENT.get_template("studio_index.html")
RECORDING = ENVIRONMENT.get_template("studio_recording.html")
MAP = ENVIRONMENT.get_template("studio_map.html")
