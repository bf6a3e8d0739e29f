"""Words of the practice web EHR outside forms and grids, per UI version: chart tab names, menu and link texts."""

from __future__ import annotations

TABS: tuple[tuple[str, str, str], ...] = (
    ("demographics", "Demographics", "Patient Info"),
    ("visits", "Visits", "Encounters"),
    ("problems", "Problems", "Problem List"),
    ("allergies", "Allergies", "Allergies/ADR"),
    ("medications", "Medications", "Med List"),
    ("vitals", "Vitals", "Vital Signs"),
    ("labs", "Labs", "Results"),
)

_WORDS_V1 = {
    "search": "Patient Search",
    "register": "Register Patient",
    "activity": "Recent Activity",
    "logout": "Log Off",
    "name": "Name",
    "mrn": "MRN",
    "dob": "DOB",
    "sex": "Sex",
    "next": "Next >>",
    "prev": "<< Prev",
    "add_vitals": "Add Vitals",
    "add_allergy": "Add Allergy",
    "add_problem": "Add Problem",
    "edit_demographics": "Edit",
    "recent_labs": "Recent Lab Results",
    "since": "Updated Since",
}
_WORDS_V2 = {
    **_WORDS_V1,
    "search": "Find Patient",
    "register": "New Patient",
    "activity": "Change Log",
    "logout": "Sign Out",
    "mrn": "Med Rec #",
    "dob": "Birth Date",
    "sex": "Gender",
    "next": "Next Page",
    "prev": "Previous Page",
    "add_vitals": "+ Vitals",
    "add_allergy": "+ Allergy",
    "add_problem": "+ Diagnosis",
    "edit_demographics": "Modify",
    "recent_labs": "Latest Results",
    "since": "Changed After",
}


def words(ui_version: int) -> dict[str, str]:
    """Navigation words, link texts and banner labels of a UI version."""
    return _WORDS_V2 if ui_version == 2 else _WORDS_V1


def tabs(ui_version: int) -> list[tuple[str, str]]:
    """(tab key, link text) in display order."""
    return [(key, v2 if ui_version == 2 else v1) for key, v1, v2 in TABS]
