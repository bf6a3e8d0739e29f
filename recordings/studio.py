"""The mapping studio: a web page for bot authors, as a FastAPI router any app (the facade) can mount.

    app.include_router(studio_router(Path("recordings"), Path("screen_maps")))

It lists recordings and screen maps; shows a recording's steps with their screenshots and, on desktop screenshots,
the field and anchor boxes to move, resize or draw; tests OCR of a box live; turns boxes into a field's first
locator; binds a field to a FHIR path with a value map; and saves YAML only when the real loader accepts it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel

from bots.locators import OcrAnchorLocator
from bots.ocr import Ocr
from recordings.store import RecordingError, load_recording
from recordings.studio_edits import bind_field, parse_value_map, save_map_text, set_first_locator
from recordings.studio_pages import INDEX, MAP, RECORDING

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class BoxIn(BaseModel):
    x: int
    y: int
    width: int
    height: int


class OcrRequest(BoxIn):
    screenshot: str


class LocatorRequest(BaseModel):
    screenshot: str
    screen: str
    field: str
    field_box: BoxIn | None = None
    anchor_box: BoxIn | None = None


def _checked(name: str) -> str:
    if not NAME.fullmatch(name):
        raise HTTPException(404, "no such name")
    return name


def _inside(folder: Path, relative: str) -> Path:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()) or path.suffix != ".png" or not path.is_file():
        raise HTTPException(404, "no such screenshot")
    return path


def studio_router(recordings_dir: Path, maps_dir: Path, prefix: str = "/studio") -> APIRouter:
    """The studio's routes under `prefix`, reading recordings from one folder and screen maps from another."""
    router = APIRouter(prefix=prefix)
    ocr: list[Ocr] = []

    def read_box(screenshot: Path, box: BoxIn) -> tuple[str, float]:
        gray = cv2.imread(str(screenshot), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            raise HTTPException(404, "the screenshot cannot be read")
        crop = np.ascontiguousarray(
            gray[max(0, box.y) : box.y + box.height, max(0, box.x) : box.x + box.width], np.uint8
        )
        if not ocr:
            ocr.append(Ocr())
        line = ocr[0].read_line(crop)
        return line.text, line.confidence

    @router.get("/", response_class=HTMLResponse)
    def index() -> str:
        recordings = sorted(p.parent.name for p in recordings_dir.glob("*/recording.json"))
        maps = sorted(p.stem for p in maps_dir.glob("*.yaml"))
        return INDEX.render(base=prefix, recordings=recordings, maps=maps)

    @router.get("/recordings/{name}", response_class=HTMLResponse)
    def recording(name: str) -> str:
        try:
            loaded = load_recording(recordings_dir / _checked(name))
        except RecordingError:
            raise HTTPException(404, "no such recording") from None
        return RECORDING.render(base=prefix, meta=loaded.meta, actions=loaded.actions, source_hint=name)

    @router.get("/recordings/{name}/files/{relative:path}")
    def recording_file(name: str, relative: str) -> FileResponse:
        return FileResponse(_inside(recordings_dir / _checked(name), relative), media_type="image/png")

    @router.post("/recordings/{name}/ocr")
    def test_ocr(name: str, request: OcrRequest) -> dict[str, Any]:
        text, confidence = read_box(_inside(recordings_dir / _checked(name), request.screenshot), request)
        return {"text": text, "confidence": confidence}

    def map_path(source_id: str) -> Path:
        path = maps_dir / f"{_checked(source_id)}.yaml"
        if not path.is_file():
            raise HTTPException(404, "no such screen map")
        return path

    def map_page(source_id: str, problems: list[str], saved: bool, text: str | None = None) -> HTMLResponse:
        path = map_path(source_id)
        shown = text if text is not None else path.read_text(encoding="utf-8")
        html = MAP.render(base=prefix, source_id=source_id, path=path, text=shown, problems=problems, saved=saved)
        return HTMLResponse(html, status_code=422 if problems else 200)

    @router.get("/maps/{source_id}", response_class=HTMLResponse)
    def edit_map(source_id: str) -> HTMLResponse:
        return map_page(source_id, [], False)

    @router.post("/maps/{source_id}", response_class=HTMLResponse)
    def save_map(source_id: str, text: str = Form(...)) -> HTMLResponse:
        result = save_map_text(map_path(source_id), text.replace("\r\n", "\n"))
        return map_page(source_id, result.problems, result.saved, None if result.saved else text)

    @router.post("/maps/{source_id}/bind", response_class=HTMLResponse)
    def bind(
        source_id: str,
        binding: str = Form(...),
        resource: str = Form(...),
        field: str = Form(...),
        fhir_path: str = Form(...),
        value_map: str = Form(""),
    ) -> HTMLResponse:
        try:
            values = parse_value_map(value_map)
        except ValueError as error:
            return map_page(source_id, [f"value map: {error}"], False)
        result = bind_field(map_path(source_id), binding, resource, field, fhir_path, values)
        return map_page(source_id, result.problems, result.saved)

    @router.post("/maps/{source_id}/locator")
    def use_locator(source_id: str, request: LocatorRequest) -> JSONResponse:
        if request.field_box is None or request.anchor_box is None:
            return JSONResponse({"problems": ["draw both a field box and an anchor box"]}, status_code=422)
        recording_name, _, relative = request.screenshot.partition("/")
        text, _ = read_box(_inside(recordings_dir / _checked(recording_name), relative), request.anchor_box)
        if not text:
            return JSONResponse({"problems": ["OCR reads nothing in the anchor box"]}, status_code=422)
        field, anchor = request.field_box, request.anchor_box
        locator = OcrAnchorLocator(
            text=text, offset_x=field.x - anchor.x, offset_y=field.y - anchor.y, width=field.width, height=field.height
        )
        path = map_path(source_id)
        result = set_first_locator(path, request.screen, request.field, locator.model_dump(exclude_none=True))
        if not result.saved:
            return JSONResponse({"problems": result.problems}, status_code=422)
        return JSONResponse({"locator": locator.describe()})

    return router
