"""Start the practice desktop EHR: `python -m practice_ehrs.legacy_desktop --db PATH [knobs]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from practice_ehrs.legacy_desktop.app import DesktopEhrApp
from practice_ehrs.legacy_desktop.knobs import Knobs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m practice_ehrs.legacy_desktop", description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="SQLite database (created in its seed state if missing)")
    parser.add_argument("--ui-version", type=int, choices=(1, 2), default=None, help="2 = the vendor upgrade")
    parser.add_argument("--latency-ms", type=int, default=None, help="delay before every window appears")
    parser.add_argument("--crash-rate", type=float, default=None, help="probability per user action of a crash")
    arguments = parser.parse_args(argv)
    knobs = Knobs.resolve(
        ui_version=arguments.ui_version, latency_ms=arguments.latency_ms, crash_rate=arguments.crash_rate
    )
    DesktopEhrApp(arguments.db, knobs).run()


if __name__ == "__main__":
    main()
