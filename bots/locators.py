"""Locators as values: how to find one element, with a kind tag, tried in order (first unique match wins).

Web kinds follow Playwright's ranking (test id, role+name, label, placeholder, text, CSS, XPath), each optionally
inside a frame. Desktop kinds (OCR text anchor, image template, fixed region) are only described here; the desktop
driver finds them. `locate` is the one place that turns a ranked list into an element and reports drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from bots.errors import AmbiguousElement, ElementNotFound
from bots.observer import Box


class LocatorModel(BaseModel):
    """Every locator is frozen data that rejects unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameRef(LocatorModel):
    """The frame an element lives in, by frame name or by a substring of its URL."""

    name: str | None = None
    url: str | None = None

    def describe(self) -> str:
        return f"frame name={self.name!r}" if self.name is not None else f"frame url~{self.url!r}"


class WebLocator(LocatorModel):
    frame: FrameRef | None = None

    def where(self) -> str:
        return f" in {self.frame.describe()}" if self.frame is not None else ""


class DataTestIdLocator(WebLocator):
    kind: Literal["test_id"] = "test_id"
    value: str

    def describe(self) -> str:
        return f"test_id={self.value!r}{self.where()}"


class RoleLocator(WebLocator):
    kind: Literal["role"] = "role"
    role: str
    name: str | None = None
    exact: bool = True

    def describe(self) -> str:
        return f"role={self.role} name={self.name!r}{self.where()}"


class LabelLocator(WebLocator):
    kind: Literal["label"] = "label"
    text: str
    exact: bool = True

    def describe(self) -> str:
        return f"label={self.text!r}{self.where()}"


class PlaceholderLocator(WebLocator):
    kind: Literal["placeholder"] = "placeholder"
    text: str
    exact: bool = True

    def describe(self) -> str:
        return f"placeholder={self.text!r}{self.where()}"


class TextLocator(WebLocator):
    kind: Literal["text"] = "text"
    text: str
    exact: bool = True

    def describe(self) -> str:
        return f"text={self.text!r}{self.where()}"


class CssLocator(WebLocator):
    kind: Literal["css"] = "css"
    selector: str

    def describe(self) -> str:
        return f"css={self.selector!r}{self.where()}"


class XPathLocator(WebLocator):
    kind: Literal["xpath"] = "xpath"
    expression: str

    def describe(self) -> str:
        return f"xpath={self.expression!r}{self.where()}"


class CellLocator(WebLocator):
    """A grid cell found by its column's header text (legacy grids have no ids), optionally a descendant of it."""

    kind: Literal["cell"] = "cell"
    header: str
    descendant: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9]*$", description="tag inside the cell")

    def describe(self) -> str:
        inside = f" > {self.descendant}" if self.descendant else ""
        return f"cell under {self.header!r}{inside}{self.where()}"


class OcrAnchorLocator(LocatorModel):
    """A field found next to a text label read by OCR: the field box is offset from the anchor's box."""

    kind: Literal["ocr_anchor"] = "ocr_anchor"
    text: str
    offset_x: int = 0
    offset_y: int = 0
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    search_region: tuple[int, int, int, int] | None = None

    def describe(self) -> str:
        return f"ocr_anchor={self.text!r} offset=({self.offset_x},{self.offset_y}) size={self.width}x{self.height}"


class ImageLocator(LocatorModel):
    """An element found by matching a template image at several scales (grayscale)."""

    kind: Literal["image"] = "image"
    template: str
    scales: tuple[float, ...] = (1.0,)
    threshold: float = Field(default=0.9, gt=0, le=1)

    def describe(self) -> str:
        return f"image={self.template!r}"


class RegionLocator(LocatorModel):
    """A fixed rectangle of the screen: the last resort when nothing else identifies a field."""

    kind: Literal["region"] = "region"
    x: int = Field(ge=0)
    y: int = Field(ge=0)
    width: int = Field(gt=0)
    height: int = Field(gt=0)

    def describe(self) -> str:
        return f"region=({self.x},{self.y},{self.width}x{self.height})"


class OcrRowsLocator(LocatorModel):
    """The rows of a desktop list or grid: each band of text in the area offset from a header read by OCR.

    Columns of such a row are found with `cell` locators, by the header words above them.
    """

    kind: Literal["ocr_rows"] = "ocr_rows"
    header: str
    offset_x: int = 0
    offset_y: int = 0
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    row_height: int | None = Field(default=None, gt=0, description="fixed row pitch; None: split at blank lines")
    search_region: tuple[int, int, int, int] | None = None

    def describe(self) -> str:
        size = f"{self.width}x{self.height}"
        return f"ocr_rows under {self.header!r} offset=({self.offset_x},{self.offset_y}) size={size}"


Locator = Annotated[
    DataTestIdLocator
    | RoleLocator
    | LabelLocator
    | PlaceholderLocator
    | TextLocator
    | CssLocator
    | XPathLocator
    | CellLocator
    | OcrAnchorLocator
    | ImageLocator
    | RegionLocator
    | OcrRowsLocator,
    Field(discriminator="kind"),
]
WEB_KINDS = frozenset({"test_id", "role", "label", "placeholder", "text", "css", "xpath", "cell"})
DESKTOP_KINDS = frozenset({"ocr_anchor", "image", "region", "ocr_rows"})


@dataclass(frozen=True)
class Element:
    """One element a driver found: where it is on the screenshot and the driver's own handle to it."""

    box: Box | None
    handle: Any
    text: str | None = None  # a snapshot of its "auto" reading taken while finding it, when the driver can


@dataclass(frozen=True)
class Located:
    """The element a ranked locator list resolved to; rank 0 is the first choice, anything else is drift.

    `reading` is the element's text read as the field asks, when the driver could read it while locating.
    """

    element: Element
    rank: int
    locator: Locator
    reading: str | None = None

    @property
    def drifted(self) -> bool:
        return self.rank > 0


@dataclass(frozen=True)
class FieldQuery:
    """One field of a batch: its name, its ranked locators and how its value is read (a field's `read`)."""

    name: str
    locators: Sequence[Locator]
    how: str = "auto"


@dataclass(frozen=True)
class PageMatch:
    """What one locator matched inside a batch; for exactly one element, the element and its reading."""

    count: int
    element: Element | None = None
    reading: str | None = None


# Per locator of a query, in rank order: its match, or None when the driver left it to be found on its own.
BatchAnswer = list[PageMatch | None]
LocateFailure = ElementNotFound | AmbiguousElement


class ElementFinder(Protocol):
    """What `locate` needs from a driver: every element one locator matches, optionally inside another."""

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]: ...


@runtime_checkable
class BatchFinder(Protocol):
    """A driver that can match the locators of many fields (or of a table's rows and columns) in one call."""

    async def find_batch(self, queries: Sequence[FieldQuery]) -> list[BatchAnswer]:
        """Per query, per locator: its match, or None for a locator to be found with `find_all`."""
        ...

    async def find_table_batch(
        self, rows: Sequence[Locator], columns: Sequence[FieldQuery]
    ) -> list[tuple[Element, list[BatchAnswer]]] | None:
        """The rows of the first row locator matching any, each with its columns' answers; None: not batchable."""
        ...


def describe_all(locators: Sequence[Locator]) -> str:
    return "; ".join(f"#{rank} {locator.describe()}" for rank, locator in enumerate(locators))


async def resolve(
    finder: ElementFinder,
    locators: Sequence[Locator],
    answers: Sequence[PageMatch | None],
    *,
    screen: str | None = None,
    field: str | None = None,
    within: Element | None = None,
) -> Located | LocateFailure:
    """Rank the answers (finding the unanswered locators one by one, only when reached): first unique match wins.

    Returns, never raises, the ElementNotFound or AmbiguousElement that `locate` would raise.
    """
    ambiguous: list[str] = []
    for rank, locator in enumerate(locators):
        match = answers[rank] if rank < len(answers) else None
        if match is None:
            found = await finder.find_all(locator, within)
            match = PageMatch(len(found), found[0] if len(found) == 1 else None)
        if match.count == 1 and match.element is not None:
            return Located(element=match.element, rank=rank, locator=locator, reading=match.reading)
        if match.count > 1:
            ambiguous.append(f"#{rank} matched {match.count}")
    tried = describe_all(locators)
    what = f"field {field!r}" if field else "element"
    if ambiguous:
        return AmbiguousElement(
            f"{what} is ambiguous: {', '.join(ambiguous)}; no locator matched exactly once",
            screen=screen,
            locator=tried,
        )
    return ElementNotFound(f"{what} not found by any locator", screen=screen, locator=tried)


async def locate(
    finder: ElementFinder,
    locators: Sequence[Locator],
    *,
    screen: str | None = None,
    field: str | None = None,
    within: Element | None = None,
) -> Located:
    """Try each locator in order; the first that matches exactly one element wins.

    Raises ElementNotFound when nothing matched, AmbiguousElement when the only matches were multiple.
    """
    result = await resolve(finder, locators, [], screen=screen, field=field, within=within)
    if isinstance(result, Located):
        return result
    raise result


async def locate_fields(
    finder: ElementFinder, queries: Sequence[FieldQuery], *, screen: str | None = None
) -> list[Located | LocateFailure]:
    """Every query located as `locate` would, in one driver call when the driver can batch; failures returned."""
    answers: list[BatchAnswer] = [[] for _ in queries]
    if isinstance(finder, BatchFinder):
        answers = await finder.find_batch(queries)
    return [
        await resolve(finder, query.locators, answer, screen=screen, field=query.name)
        for query, answer in zip(queries, answers, strict=True)
    ]
