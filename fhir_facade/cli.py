"""`retrofhir dev-token`: an access token for the dev-mode demo client, printed on stdout for scripts.

It signs a client assertion with the demo client's key and exchanges it through the same TokenService the
server uses (same key files, same replay check), so the token works against a facade with the same settings.
"""

from __future__ import annotations

import asyncio
import shlex

import click

from fhir_facade.auth.tokens import ASSERTION_TYPE, OAuthError, TokenService
from fhir_facade.store import LocalStore
from retrofhir.config import Settings, load_settings


async def issue_dev_token(settings: Settings, scopes: list[str]) -> str:
    """A token for the demo client with `scopes` (default: the demo client's own), via the token exchange."""
    auth = settings.fhir.auth
    if not auth.dev_mode:
        raise click.ClickException("dev mode is off ([fhir.auth] dev_mode = false): no demo client to issue for")
    store = LocalStore(settings.fhir.store_url(settings.data_dir))
    try:
        await store.create_schema()
        service = TokenService(auth, settings.data_dir, settings.facade.public_base_url, store)
        scope = " ".join(scopes or auth.demo_scopes)
        response = await service.exchange("client_credentials", ASSERTION_TYPE, service.demo_assertion(), scope)
    except OAuthError as error:
        raise click.ClickException(f"{error.error}: {error.description}") from None
    finally:
        await store.close()
    return str(response["access_token"])


@click.command("dev-token")
@click.option("--scope", "scopes", multiple=True, help="A scope to ask for (repeatable), e.g. system/Patient.rs")
@click.option("--role", "roles", multiple=True, help="A role to add (repeatable), e.g. operator for /admin/queue")
@click.option("--curl", is_flag=True, help="Also print ready-to-run curl commands (on stderr).")
def dev_token(scopes: tuple[str, ...], roles: tuple[str, ...], curl: bool) -> None:
    """Print an access token for the demo client (dev mode only)."""
    settings = load_settings()
    # A role comes on top of the scopes asked for (or the demo client's own): the default token never has it.
    asked = [*(scopes or settings.fhir.auth.demo_scopes), *roles] if roles else list(scopes)
    token = asyncio.run(issue_dev_token(settings, asked))
    click.echo(token)
    if curl:
        base = settings.facade.public_base_url.rstrip("/")
        header = shlex.quote(f"Authorization: Bearer {token}")
        click.echo(f"curl -s {base}/fhir/legacy-web/metadata", err=True)
        click.echo(f"curl -s -H {header} '{base}/fhir/legacy-web/Patient?family=smith'", err=True)
        click.echo(f"curl -s -H {header} {base}/fhir/legacy-web/Patient/1", err=True)
