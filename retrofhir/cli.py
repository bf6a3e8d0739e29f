"""The `retrofhir` command: one entry point whose sub-commands each package contributes."""

from __future__ import annotations

import click

from audit.cli import audit
from bots.cli import bot
from fhir_facade.cli import dev_token
from practice_ehrs.cli import practice
from recordings.cli import map_group, record, replay
from retrofhir.demo import demo_command
from retrofhir.serve import serve_command
from scheduler.cli import queue, worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """RetroFHIR: a FHIR R4 API over legacy EHRs that only have a screen."""


main.add_command(practice)
main.add_command(queue)
main.add_command(worker)
main.add_command(audit)
main.add_command(dev_token)
main.add_command(bot)
main.add_command(record)
main.add_command(map_group)
main.add_command(replay)
main.add_command(serve_command)
main.add_command(demo_command)
