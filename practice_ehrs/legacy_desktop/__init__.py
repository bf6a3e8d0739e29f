"""A deliberately old-fashioned desktop EHR (Tk, run under Xvfb) that desktop bots drive through pixels only."""

from practice_ehrs.legacy_desktop.chart import CHART_TITLE
from practice_ehrs.legacy_desktop.knobs import CRASH_EXIT_CODE, Knobs
from practice_ehrs.legacy_desktop.login import LOGIN_TITLE
from practice_ehrs.legacy_desktop.main_window import MAIN_TITLE
from practice_ehrs.legacy_desktop.runner import DesktopEhrError, RunningDesktopEhr, WindowGeometry, run_legacy_desktop
from practice_ehrs.legacy_desktop.search import SEARCH_TITLE

__all__ = [
    "CHART_TITLE",
    "CRASH_EXIT_CODE",
    "LOGIN_TITLE",
    "MAIN_TITLE",
    "SEARCH_TITLE",
    "DesktopEhrError",
    "Knobs",
    "RunningDesktopEhr",
    "WindowGeometry",
    "run_legacy_desktop",
]
