"""`retrofhir bot ...`: run one flow of a screen map from the command line, for bot authors.

The resulting FHIR JSON goes to stdout (it is the product); errors go to stderr as their class and message, which
never carry patient data. Credentials come from the environment or the configured secrets file, as in production.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from bots.engine import SourceRuntime
from bots.errors import BotError
from bots.map_loader import load_screen_map
from bots.screen_map import ScreenMap
from retrofhir.config import load_settings


def _map_for(source: str) -> ScreenMap:
    return load_screen_map(load_settings().screen_maps_dir / f"{source}.yaml")


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--param")
        params[name] = value
    return params


def _bundle(resources: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    bundle["entry"] = [{"resource": resource} for resource in resources]
    if next_cursor is not None:
        bundle["link"] = [{"relation": "next", "url": f"?_cursor={next_cursor}"}]
    return bundle


async def _run(
    screen_map: ScreenMap, interaction: str, params: dict[str, str], resource: dict[str, Any] | None, **options: Any
) -> dict[str, Any]:
    resource_type, _, action = interaction.partition(".")
    async with SourceRuntime(screen_map, settings=load_settings(), **options) as runtime:
        if action == "read":
            if "id" not in params:
                raise click.UsageError("a read needs --param id=...")
            return await runtime.read(resource_type, params["id"])
        if action == "search":
            cursor = params.pop("_cursor", None)
            page = await runtime.search(resource_type, params, cursor)
            return _bundle(page.resources, page.next_cursor)
        if action in ("create", "update"):
            if resource is None:
                raise click.UsageError(f"a {action} needs --resource FILE.json")
            write = runtime.create if action == "create" else runtime.update
            return (await write(resource)).resource
    raise click.UsageError(f"unknown interaction {interaction!r} (Type.read, .search, .create or .update)")


@click.group()
def bot() -> None:
    """Run and check the bots that drive legacy EHRs."""


@bot.command()
@click.argument("source")
@click.argument("interaction")
@click.option("--param", "param_pairs", multiple=True, help="NAME=VALUE: id for reads, search parameters, _cursor.")
@click.option("--resource", "resource_file", type=click.Path(exists=True, path_type=Path), help="FHIR JSON to write.")
@click.option("--base-url", default=None, help="Reach a web source here instead of the map's url.")
@click.option("--screenshots/--no-screenshots", default=False, help="Take a screenshot per step (for observers).")
def run(
    source: str,
    interaction: str,
    param_pairs: tuple[str, ...],
    resource_file: Path | None,
    base_url: str | None,
    screenshots: bool,
) -> None:
    """Run SOURCE's INTERACTION (e.g. `legacy_web Patient.read --param id=0100046`) and print the FHIR JSON."""
    resource = json.loads(resource_file.read_text(encoding="utf-8")) if resource_file else None
    try:
        screen_map = _map_for(source)
        result = asyncio.run(
            _run(screen_map, interaction, _params(param_pairs), resource, base_url=base_url, screenshots=screenshots)
        )
    except BotError as error:
        click.echo(f"{type(error).__name__}: {error}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@bot.command()
@click.argument("source")
def check(source: str) -> None:
    """Validate SOURCE's screen map and print what it can do."""
    try:
        screen_map = _map_for(source)
    except BotError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    capabilities = screen_map.capabilities()
    click.echo(json.dumps({"source": screen_map.source.id, "capabilities": capabilities}, indent=2))
