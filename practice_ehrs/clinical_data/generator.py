"""Deterministic synthetic-patient generator: the same seed always yields the same clinical records.

Dates are anchored to `REFERENCE_DATE`, not to today, so that a seed state never drifts with the calendar.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta

from practice_ehrs.clinical_data import vocabulary as vocab

REFERENCE_DATE = date(2026, 6, 30)
DEFAULT_SEED = 2004
DEFAULT_PATIENT_COUNT = 520

# Patients every test can rely on regardless of seed: two John Smiths born in different years (the classic
# ambiguous search), and names full of characters that break naive typing and OCR.
FIXED_PATIENTS = (
    ("Smith", "John", "A", date(1958, 3, 14), "M"),
    ("Smith", "John", "R", date(1984, 11, 2), "M"),
    ("Müller-O'Brien", "José", "", date(1972, 7, 9), "M"),
    ("Nguyen", "Zoë", "T", date(1990, 1, 31), "F"),
    ("Doe", "Alex", "", date(2001, 5, 5), "U"),
)


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _phone(rng: random.Random) -> str:
    return f"({rng.choice(vocab.AREA_CODES)}) {rng.randrange(200, 999)}-{rng.randrange(0, 10000):04d}"


def _address(rng: random.Random) -> tuple[str, str, str, str]:
    city, state, zip_prefix = rng.choice(vocab.CITIES)
    line = f"{rng.randrange(1, 9999)} {rng.choice(vocab.STREET_NAMES)}"
    if rng.random() < 0.15:
        line += f" Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}"
    return line, city, state, f"{zip_prefix}{rng.randrange(0, 100):02d}"


def _format_lab_value(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _insert_patient(
    db: sqlite3.Connection,
    rng: random.Random,
    patient_id: int,
    name: tuple[str, str, str, date, str],
) -> None:
    last, first, middle, dob, sex = name
    mrn = f"{100000 + patient_id * 37 + rng.randrange(0, 37):07d}"
    line, city, state, zip_code = _address(rng)
    db.execute(
        "INSERT INTO patients (id, mrn, last_name, first_name, middle_name, dob, sex, phone, address_line, city,"
        " state, zip, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            patient_id,
            mrn,
            last,
            first,
            middle,
            dob.isoformat(),
            sex,
            _phone(rng),
            line,
            city,
            state,
            zip_code,
            f"{REFERENCE_DATE.isoformat()}T08:00:00",
        ),
    )
    _insert_visits(db, rng, patient_id, dob)
    _insert_problems(db, rng, patient_id, dob)
    _insert_allergies(db, rng, patient_id)
    _insert_medications(db, rng, patient_id)
    _insert_vitals(db, rng, patient_id, sex)
    _insert_labs(db, rng, patient_id)


def _insert_visits(db: sqlite3.Connection, rng: random.Random, patient_id: int, dob: date) -> None:
    start = max(dob, REFERENCE_DATE - timedelta(days=5 * 365))
    for _ in range(rng.randrange(1, 7)):
        db.execute(
            "INSERT INTO visits (patient_id, visit_date, visit_type, provider, reason, status) VALUES (?,?,?,?,?,?)",
            (
                patient_id,
                _random_date(rng, start, REFERENCE_DATE).isoformat(),
                rng.choice(vocab.VISIT_TYPES),
                rng.choice(vocab.PROVIDERS),
                rng.choice(vocab.VISIT_REASONS),
                rng.choice(vocab.VISIT_STATUSES),
            ),
        )


def _insert_problems(db: sqlite3.Connection, rng: random.Random, patient_id: int, dob: date) -> None:
    for problem in rng.sample(vocab.PROBLEMS, rng.randrange(0, 5)):
        onset = _random_date(rng, max(dob, date(1995, 1, 1)), REFERENCE_DATE)
        db.execute(
            "INSERT INTO problems (patient_id, description, icd10, onset_date, status, recorded_date)"
            " VALUES (?,?,?,?,?,?)",
            (
                patient_id,
                problem.description,
                problem.icd10,
                onset.isoformat(),
                rng.choice(vocab.PROBLEM_STATUSES),
                _random_date(rng, onset, REFERENCE_DATE).isoformat(),
            ),
        )


def _insert_allergies(db: sqlite3.Connection, rng: random.Random, patient_id: int) -> None:
    for allergen in rng.sample(vocab.ALLERGENS, rng.choice((0, 0, 1, 1, 2, 3))):
        severity = "Severe" if "severe" in allergen.text else rng.choice(vocab.SEVERITIES)
        db.execute(
            "INSERT INTO allergies (patient_id, allergen, reaction, severity, recorded_date) VALUES (?,?,?,?,?)",
            (
                patient_id,
                allergen.text,
                rng.choice(allergen.reactions),
                severity,
                _random_date(rng, date(2005, 1, 1), REFERENCE_DATE).isoformat(),
            ),
        )


def _insert_medications(db: sqlite3.Connection, rng: random.Random, patient_id: int) -> None:
    for drug in rng.sample(vocab.DRUGS, rng.randrange(0, 5)):
        db.execute(
            "INSERT INTO medications (patient_id, drug_name, dose, sig, start_date, status, prescriber)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                patient_id,
                drug.name,
                rng.choice(drug.doses),
                rng.choice(drug.sigs),
                _random_date(rng, date(2012, 1, 1), REFERENCE_DATE).isoformat(),
                rng.choice(vocab.MED_STATUSES),
                rng.choice(vocab.PROVIDERS),
            ),
        )


def _insert_vitals(db: sqlite3.Connection, rng: random.Random, patient_id: int, sex: str) -> None:
    height = round(rng.uniform(63, 75) if sex == "M" else rng.uniform(58, 70), 1)
    weight = rng.uniform(120, 260)
    for _ in range(rng.randrange(1, 7)):
        taken = _random_date(rng, REFERENCE_DATE - timedelta(days=3 * 365), REFERENCE_DATE)
        weight = min(max(weight + rng.uniform(-6, 6), 95), 330)
        systolic = rng.randrange(100, 171)
        diastolic = rng.randrange(60, min(systolic - 20, 105))
        db.execute(
            "INSERT INTO vitals (patient_id, taken_date, taken_time, weight_lb, height_in, bp, temp_f, pulse, spo2,"
            " comment, entered_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                patient_id,
                taken.isoformat(),
                f"{rng.randrange(7, 18):02d}:{rng.randrange(0, 60):02d}",
                round(weight, 1),
                height,
                f"{systolic}/{diastolic}",
                round(rng.uniform(96.8, 100.6), 1),
                rng.randrange(52, 112),
                rng.randrange(91, 101),
                rng.choice(("", "", "", "pt seated", "post-exercise")),
                rng.choice(vocab.STAFF),
            ),
        )


def _insert_labs(db: sqlite3.Connection, rng: random.Random, patient_id: int) -> None:
    for _ in range(rng.choice((0, 3, 6, 12, 24, 36))):
        test = rng.choice(vocab.LAB_TESTS)
        span = test.high - test.low
        value = rng.uniform(test.low - span * 0.3, test.high + span * 0.4)
        value = max(value, 0.1 if test.decimals else 1)
        flag = "H" if value > test.high else "L" if value < test.low else ""
        db.execute(
            "INSERT INTO labs (patient_id, test_name, value, unit, ref_range, flag, collected_date)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                patient_id,
                test.name,
                _format_lab_value(value, test.decimals),
                test.unit,
                f"{_format_lab_value(test.low, test.decimals)}-{_format_lab_value(test.high, test.decimals)}",
                flag,
                _random_date(rng, REFERENCE_DATE - timedelta(days=4 * 365), REFERENCE_DATE).isoformat(),
            ),
        )


def _random_name(rng: random.Random) -> tuple[str, str, str, date, str]:
    sex = rng.choices(("M", "F", "U"), weights=(48, 50, 2))[0]
    firsts: tuple[str, ...] = vocab.MALE_FIRST_NAMES if sex == "M" else vocab.FEMALE_FIRST_NAMES
    if sex == "U":
        firsts = vocab.MALE_FIRST_NAMES + vocab.FEMALE_FIRST_NAMES
    dob = _random_date(rng, date(1930, 1, 1), date(2024, 12, 31))
    return rng.choice(vocab.LAST_NAMES), rng.choice(firsts), rng.choice(vocab.MIDDLE_INITIALS), dob, sex


def populate(db: sqlite3.Connection, seed: int = DEFAULT_SEED, patient_count: int = DEFAULT_PATIENT_COUNT) -> None:
    """Fill an empty database (schema already applied) with `patient_count` synthetic patients."""
    rng = random.Random(seed)
    db.executemany(
        "INSERT INTO users (username, password, display_name) VALUES (?,?,?)",
        [
            ("nurse", "nurse123", "Night Nurse"),
            ("jdoe", "welcome1", "Jane Doe, RN"),
            ("admin", "admin", "System Administrator"),
        ],
    )
    names = list(FIXED_PATIENTS)
    while len(names) < patient_count:
        names.append(_random_name(rng))
    for patient_id, name in enumerate(names, start=1):
        _insert_patient(db, rng, patient_id, name)
