"""`python -m retrofhir`: the same command line as the `retrofhir` script (used to start child processes)."""

from retrofhir.cli import main

main()
