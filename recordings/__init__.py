"""Bot-authoring tools: record a legacy workflow, draft a screen map from it, check maps, replay recordings.

async with WebRecorder(RecorderOptions(url=..., folder=Path("recordings/x"), name="x")) as recorder: ...
text = draft_screen_map(load_recording("recordings/x"), "my_ehr")
report = await check_screen_map(load_screen_map("screen_maps/my_ehr.yaml"))
result = await replay_recording(load_recording("recordings/x"))
app.include_router(studio_router(Path("recordings"), Path("screen_maps")))
with LiveView(":93") as view: print(view.url)   # watch and use a private X display in a browser tab
"""

from recordings.actions import ElementInfo, RecordedAction
from recordings.check import CheckReport, ElementCheck, check_screen_map
from recordings.desktop_recorder import DesktopRecorder
from recordings.draft import draft_screen_map
from recordings.live_view import LiveView, LiveViewError
from recordings.replay import Divergence, ReplayResult, replay_recording
from recordings.store import Recording, RecordingError, RecordingMeta, load_recording
from recordings.studio import studio_router
from recordings.web_recorder import RecorderOptions, WebRecorder

__all__ = [
    "CheckReport",
    "DesktopRecorder",
    "Divergence",
    "ElementCheck",
    "ElementInfo",
    "LiveView",
    "LiveViewError",
    "RecordedAction",
    "RecorderOptions",
    "Recording",
    "RecordingError",
    "RecordingMeta",
    "ReplayResult",
    "WebRecorder",
    "check_screen_map",
    "draft_screen_map",
    "load_recording",
    "replay_recording",
    "studio_router",
]
