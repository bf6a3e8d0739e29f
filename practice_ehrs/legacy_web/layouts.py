"""What each form and grid of the practice web EHR shows, per UI version: fields, columns, labels and order.

UI version 2 is the "vendor upgrade": the same data and functions, but renamed labels and moved fields.
Screens are described here as data so that both versions stay functionally identical.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    label_v2: str
    widget: str = "text"
    size: int = 20
    options: tuple[str, ...] = ()
    required: bool = False

    def label_for(self, ui_version: int) -> str:
        return self.label_v2 if ui_version == 2 else self.label


@dataclass(frozen=True)
class FormSpec:
    title: str
    title_v2: str
    fields: tuple[FormField, ...]
    order_v2: tuple[str, ...]

    def fields_for(self, ui_version: int) -> list[FormField]:
        if ui_version != 2:
            return list(self.fields)
        by_name = {field.name: field for field in self.fields}
        return [by_name[name] for name in self.order_v2]

    def label(self, name: str, ui_version: int) -> str:
        return next(field for field in self.fields if field.name == name).label_for(ui_version)

    def title_for(self, ui_version: int) -> str:
        return self.title_v2 if ui_version == 2 else self.title


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    label_v2: str


@dataclass(frozen=True)
class GridSpec:
    columns: tuple[Column, ...]
    order_v2: tuple[str, ...]

    def columns_for(self, ui_version: int) -> list[tuple[str, str]]:
        """(key, label) pairs in the order the version shows them."""
        order = self.order_v2 if ui_version == 2 else tuple(column.key for column in self.columns)
        by_key = {column.key: column for column in self.columns}
        return [(key, by_key[key].label_v2 if ui_version == 2 else by_key[key].label) for key in order]


SEVERITIES = ("Mild", "Moderate", "Severe", "Unknown")
PROBLEM_STATUSES = ("Active", "Resolved", "Inactive")
SEXES = ("M", "F", "U")

_NAME_FIELDS = (
    FormField("last_name", "Last Name", "Surname", size=20, required=True),
    FormField("first_name", "First Name", "Given Name", size=20, required=True),
    FormField("middle_name", "Middle", "Middle Name", size=8),
    FormField("dob", "DOB", "Birth Date", size=10, required=True),
    FormField("sex", "Sex", "Gender", widget="select", options=SEXES, required=True),
)
_ADDRESS_FIELDS = (
    FormField("phone", "Phone", "Home Phone", size=14),
    FormField("address_line", "Address", "Street", size=30),
    FormField("city", "City", "Town/City", size=18),
    FormField("state", "State", "St", size=2),
    FormField("zip", "Zip", "Postal Code", size=10),
)

FORMS: dict[str, FormSpec] = {
    "search": FormSpec(
        "Patient Search",
        "Find Patient",
        (
            FormField("last", "Last Name", "Surname"),
            FormField("first", "First Name", "Given Name"),
            FormField("dob", "DOB", "Birth Date", size=10),
            FormField("mrn", "MRN", "Med Rec #", size=10),
        ),
        ("mrn", "dob", "last", "first"),
    ),
    "vitals": FormSpec(
        "Enter Vital Signs",
        "Record Vitals",
        (
            FormField("taken_date", "Date", "Date", size=10, required=True),
            FormField("taken_time", "Time", "Time", size=5, required=True),
            FormField("weight_lb", "Weight (lb)", "Wt (lbs)", size=6),
            FormField("height_in", "Height (in)", "Ht (in)", size=6),
            FormField("bp", "BP", "Blood Pressure", size=7),
            FormField("temp_f", "Temperature (°F)", "Temp (°F)", size=6),
            FormField("pulse", "Pulse", "Heart Rate", size=4),
            FormField("spo2", "SpO2 (%)", "O2 Sat (%)", size=4),
            FormField("comment", "Comment", "Notes", widget="textarea"),
        ),
        ("bp", "pulse", "temp_f", "spo2", "weight_lb", "height_in", "taken_date", "taken_time", "comment"),
    ),
    "allergy": FormSpec(
        "Add Allergy",
        "New Allergy / ADR",
        (
            FormField("allergen", "Allergen", "Substance", size=40, required=True),
            FormField("reaction", "Reaction", "Reaction(s)", size=40),
            FormField("severity", "Severity", "Severity", widget="select", options=SEVERITIES, required=True),
            FormField("recorded_date", "Date Noted", "Noted On", size=10, required=True),
        ),
        ("severity", "allergen", "reaction", "recorded_date"),
    ),
    "problem": FormSpec(
        "Add Problem",
        "New Diagnosis",
        (
            FormField("description", "Problem", "Diagnosis", size=40, required=True),
            FormField("icd10", "ICD-10", "ICD-10 Code", size=8),
            FormField("onset_date", "Onset Date", "Onset", size=10),
            FormField("status", "Status", "Status", widget="select", options=PROBLEM_STATUSES, required=True),
        ),
        ("icd10", "description", "status", "onset_date"),
    ),
    "demographics": FormSpec(
        "Edit Demographics",
        "Update Patient Info",
        _ADDRESS_FIELDS,
        ("address_line", "city", "state", "zip", "phone"),
    ),
    "register": FormSpec(
        "Register New Patient",
        "New Patient Registration",
        _NAME_FIELDS + _ADDRESS_FIELDS,
        ("first_name", "middle_name", "last_name", "sex", "dob", "address_line", "city", "state", "zip", "phone"),
    ),
}

GRIDS: dict[str, GridSpec] = {
    "results": GridSpec(
        (
            Column("mrn", "MRN", "Med Rec #"),
            Column("name", "Patient Name", "Name"),
            Column("dob", "DOB", "Birth Date"),
            Column("sex", "Sex", "Gender"),
            Column("phone", "Phone", "Home Phone"),
        ),
        ("name", "dob", "sex", "mrn", "phone"),
    ),
    "activity": GridSpec(
        (
            Column("mrn", "MRN", "Med Rec #"),
            Column("name", "Patient Name", "Name"),
            Column("dob", "DOB", "Birth Date"),
            Column("updated", "Last Updated", "Modified"),
        ),
        ("updated", "name", "mrn", "dob"),
    ),
    "demographics": GridSpec(
        (
            Column("mrn", "MRN", "Med Rec #"),
            Column("last_name", "Last Name", "Surname"),
            Column("first_name", "First Name", "Given Name"),
            Column("middle_name", "Middle", "Middle Name"),
            Column("dob", "DOB", "Birth Date"),
            Column("sex", "Sex", "Gender"),
            Column("phone", "Phone", "Home Phone"),
            Column("address_line", "Address", "Street"),
            Column("city", "City", "Town/City"),
            Column("state", "State", "St"),
            Column("zip", "Zip", "Postal Code"),
            Column("updated", "Last Updated", "Modified"),
        ),
        (
            "first_name",
            "middle_name",
            "last_name",
            "sex",
            "dob",
            "mrn",
            "address_line",
            "city",
            "state",
            "zip",
            "phone",
            "updated",
        ),
    ),
    "visits": GridSpec(
        (
            Column("visit_date", "Date", "Visit Date"),
            Column("visit_type", "Type", "Visit Type"),
            Column("provider", "Provider", "Clinician"),
            Column("reason", "Reason", "Chief Complaint"),
            Column("status", "Status", "Status"),
        ),
        ("status", "visit_date", "reason", "visit_type", "provider"),
    ),
    "problems": GridSpec(
        (
            Column("description", "Problem", "Diagnosis"),
            Column("icd10", "ICD-10", "ICD-10 Code"),
            Column("onset_date", "Onset Date", "Onset"),
            Column("status", "Status", "Status"),
            Column("recorded_date", "Recorded", "Entered"),
        ),
        ("icd10", "description", "status", "onset_date", "recorded_date"),
    ),
    "allergies": GridSpec(
        (
            Column("allergen", "Allergen", "Substance"),
            Column("reaction", "Reaction", "Reaction(s)"),
            Column("severity", "Severity", "Severity"),
            Column("recorded_date", "Date Noted", "Noted On"),
        ),
        ("severity", "allergen", "reaction", "recorded_date"),
    ),
    "medications": GridSpec(
        (
            Column("drug_name", "Medication", "Drug"),
            Column("dose", "Dose", "Strength"),
            Column("sig", "Sig", "Directions"),
            Column("start_date", "Start Date", "Started"),
            Column("status", "Status", "Status"),
            Column("prescriber", "Prescriber", "Ordered By"),
        ),
        ("status", "drug_name", "dose", "sig", "start_date", "prescriber"),
    ),
    "vitals": GridSpec(
        (
            Column("taken_date", "Date", "Date"),
            Column("taken_time", "Time", "Time"),
            Column("weight_lb", "Weight (lb)", "Wt (lbs)"),
            Column("height_in", "Height (in)", "Ht (in)"),
            Column("bp", "BP", "Blood Pressure"),
            Column("temp_f", "Temp (°F)", "Temp (°F)"),
            Column("pulse", "Pulse", "Heart Rate"),
            Column("spo2", "SpO2 (%)", "O2 Sat (%)"),
            Column("comment", "Comment", "Notes"),
            Column("entered_by", "Entered By", "User"),
        ),
        (
            "bp",
            "pulse",
            "temp_f",
            "spo2",
            "weight_lb",
            "height_in",
            "taken_date",
            "taken_time",
            "comment",
            "entered_by",
        ),
    ),
    "labs": GridSpec(
        (
            Column("test_name", "Test", "Test Name"),
            Column("value", "Value", "Result"),
            Column("unit", "Unit", "Units"),
            Column("ref_range", "Ref Range", "Normal Range"),
            Column("flag", "Flag", "Abn"),
            Column("collected_date", "Date", "Collected"),
        ),
        ("collected_date", "test_name", "value", "flag", "unit", "ref_range"),
    ),
    "recent_labs": GridSpec(
        (
            Column("test_name", "Test", "Test Name"),
            Column("value", "Value", "Result"),
            Column("flag", "Flag", "Abn"),
            Column("collected_date", "Date", "Date"),
        ),
        ("collected_date", "test_name", "value", "flag"),
    ),
}
