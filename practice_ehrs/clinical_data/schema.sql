-- Clinical data model shared by both practice EHRs; each EHR keeps its own SQLite file of it.
-- Dates are stored ISO (YYYY-MM-DD); the UIs show them the legacy way (MM/DD/YYYY).
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    display_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS patients (
    id INTEGER PRIMARY KEY,
    mrn TEXT NOT NULL UNIQUE,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    middle_name TEXT NOT NULL DEFAULT '',
    dob TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    phone TEXT NOT NULL DEFAULT '',
    address_line TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    zip TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patients_name ON patients (last_name, first_name);
CREATE TABLE IF NOT EXISTS visits (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    visit_date TEXT NOT NULL,
    visit_type TEXT NOT NULL,
    provider TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS problems (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    description TEXT NOT NULL,
    icd10 TEXT NOT NULL DEFAULT '',
    onset_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    recorded_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS allergies (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    allergen TEXT NOT NULL,
    reaction TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL CHECK (severity IN ('Mild', 'Moderate', 'Severe', 'Unknown')),
    recorded_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS medications (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    drug_name TEXT NOT NULL,
    dose TEXT NOT NULL,
    sig TEXT NOT NULL,
    start_date TEXT NOT NULL,
    status TEXT NOT NULL,
    prescriber TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vitals (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    taken_date TEXT NOT NULL,
    taken_time TEXT NOT NULL,
    weight_lb REAL,
    height_in REAL,
    bp TEXT NOT NULL DEFAULT '',
    temp_f REAL,
    pulse INTEGER,
    spo2 INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS labs (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    test_name TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    ref_range TEXT NOT NULL,
    flag TEXT NOT NULL DEFAULT '',
    collected_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS visits_patient ON visits (patient_id);
CREATE INDEX IF NOT EXISTS problems_patient ON problems (patient_id);
CREATE INDEX IF NOT EXISTS allergies_patient ON allergies (patient_id);
CREATE INDEX IF NOT EXISTS medications_patient ON medications (patient_id);
CREATE INDEX IF NOT EXISTS vitals_patient ON vitals (patient_id);
CREATE INDEX IF NOT EXISTS labs_patient ON labs (patient_id);
