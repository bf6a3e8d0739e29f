# Two commands set everything up on a fresh Debian machine: `make demo` and `make test`.
.PHONY: setup demo test lint typecheck pytest bench proof clean

VENV := .venv/bin

setup:
	@scripts/bootstrap.sh

demo: setup
	$(VENV)/retrofhir demo

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

typecheck: setup
	$(VENV)/mypy .

pytest: setup
	$(VENV)/pytest

test: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy .
	$(VENV)/pytest

bench: setup
	$(VENV)/python -m bench

# The scheduler's proofs at full size against the practice web EHR (about an hour on 2 cores).
proof: setup
	RETROFHIR_PROOF_WRITES=200 RETROFHIR_PROOF_FAULT_WRITES=40 $(VENV)/pytest -s tests/scheduler/test_real_ehr_crash.py tests/scheduler/test_real_ehr_faults.py

clean:
	rm -rf var .mypy_cache .pytest_cache .ruff_cache
