"""Drivers that let the engine see and act on a legacy EHR's user interface (web, desktop, virtual displays)."""

from bots.drivers.base import DialogAnswer, Driver, FieldText, ScreenSignals
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver

__all__ = ["BrowserHost", "DialogAnswer", "Driver", "FieldText", "LaunchOptions", "ScreenSignals", "WebDriver"]
