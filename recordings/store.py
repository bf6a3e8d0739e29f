"""A recording on disk: `recording.json` (what was recorded), `actions.jsonl`, `screenshots/` and `dom/`.

The writer appends each action as it happens, so a recorder that is killed keeps everything before it; DOM
snapshots are stored once per distinct content (named by their hash), which keeps folders small enough to commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from recordings.actions import RecordedAction, RecordingModel

ACTIONS_FILE = "actions.jsonl"
META_FILE = "recording.json"


class RecordingMeta(RecordingModel):
    """What was recorded: a web app by URL or a desktop app by command."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    driver: Literal["web", "desktop"]
    url: str | None = None
    launch: list[str] | None = None
    screen_size: tuple[int, int] | None = None


@dataclass(frozen=True)
class Recording:
    """A loaded recording."""

    folder: Path
    meta: RecordingMeta
    actions: list[RecordedAction]

    def file(self, name: str) -> Path:
        return self.folder / name


class RecordingError(ValueError):
    """A recording folder that cannot be read; the message names the file and line."""


class RecordingWriter:
    """Writes one recording folder as the recorder goes."""

    def __init__(self, folder: Path, meta: RecordingMeta) -> None:
        self.folder = folder
        self.meta = meta
        (folder / "screenshots").mkdir(parents=True, exist_ok=True)
        (folder / "dom").mkdir(exist_ok=True)
        (folder / META_FILE).write_text(meta.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")
        (folder / ACTIONS_FILE).write_text("", encoding="utf-8")
        self.actions: list[RecordedAction] = []

    @property
    def next_index(self) -> int:
        return len(self.actions)

    def append(self, action: RecordedAction) -> RecordedAction:
        self.actions.append(action)
        with (self.folder / ACTIONS_FILE).open("a", encoding="utf-8") as out:
            out.write(action.model_dump_json(exclude_none=True, exclude_defaults=False) + "\n")
        return action

    def save_screenshot(self, index: int, png: bytes, suffix: str = "") -> str:
        name = f"screenshots/{index:03d}{suffix}.png"
        (self.folder / name).write_bytes(png)
        return name

    def save_file(self, name: str, data: bytes) -> str:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return name

    def save_dom(self, html: str) -> str:
        digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
        name = f"dom/{digest}.html"
        path = self.folder / name
        if not path.exists():
            path.write_text(html, encoding="utf-8")
        return name


def load_recording(folder: Path | str) -> Recording:
    """Read a recording folder; RecordingError names the file and line of anything malformed."""
    folder = Path(folder)
    meta_path = folder / META_FILE
    try:
        meta = RecordingMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RecordingError(f"{meta_path}: cannot read ({error.strerror})") from None
    except ValueError as error:
        raise RecordingError(f"{meta_path}: {error}") from None
    actions: list[RecordedAction] = []
    actions_path = folder / ACTIONS_FILE
    for number, line in enumerate(actions_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            actions.append(RecordedAction.model_validate(json.loads(line)))
        except ValueError as error:
            raise RecordingError(f"{actions_path}:{number}: {error}") from None
    return Recording(folder, meta, actions)
