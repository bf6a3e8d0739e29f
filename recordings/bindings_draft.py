"""Draft the `bindings` section and the example from the fields an author marked while recording.

The flow's resource type is the one most marked fields suggest (a grid's fields first: a list screen is usually
what a flow is for). Fields read on the same screen outside the grid travel with each row (`emit.extra`), which is
how a problem list learns whose problems they are (`subject`) from the chart banner's MRN.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from recordings.actions import RecordedAction
from recordings.suggestions import ICD10, Suggestion, date_rule, suggest, vital_rules

Record = tuple[str, dict[str, RecordedAction], bool, str]


@dataclass
class BindingDraft:
    resource: str | None = None
    bindings: dict[str, dict[str, Any]] = field(default_factory=dict)
    emits: list[tuple[str, list[str]]] = field(default_factory=list)
    extras: dict[str, dict[str, str]] = field(default_factory=dict)
    expected: list[dict[str, Any]] = field(default_factory=list)
    unbound: list[str] = field(default_factory=list)


def _suggestions(records: list[Record]) -> dict[str, Suggestion]:
    found: dict[str, Suggestion] = {}
    for _, fields, _, _ in records:
        for name, action in fields.items():
            label = action.element.column_header or action.element.nearby_text if action.element else None
            hit = suggest(name, label, set())
            if hit is not None:
                found[name] = hit
        nearby = {hit.resource for name, hit in found.items() if name in fields}
        for name, action in fields.items():
            label = action.element.column_header or action.element.nearby_text if action.element else None
            hit = suggest(name, label, nearby)
            if hit is not None:
                found[name] = hit
    return found


def _choose_resource(records: list[Record], suggestions: dict[str, Suggestion]) -> str | None:
    for tables_only in (True, False):
        counts = Counter(
            suggestions[name].resource
            for _, fields, is_table, _ in records
            if is_table or not tables_only
            for name in fields
            if name in suggestions and not suggestions[name].identifies
        )
        if counts:
            return counts.most_common(1)[0][0]
    return None


def _nest(path: str, value: Any) -> dict[str, Any]:
    """`name[0].family` = v  ->  {"name": [{"family": v}]} (only index 0 is used in drafts)."""
    result: Any = value
    for segment in reversed(path.split(".")):
        key, _, index = segment.partition("[")
        result = {key: [result] if index else result}
    nested: dict[str, Any] = result
    return nested


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list) and into[key] and isinstance(value[0], dict):
            _merge(into[key][0], value[0])
        else:
            into[key] = value


def _rules_for(name: str, action: RecordedAction, hit: Suggestion, source_id: str) -> list[dict[str, Any]]:
    rules = [{**rule, "field": name} for rule in hit.rules]
    if hit.role in ("birth date", "onset"):
        rules = [{**rule, **date_rule(action.value)} for rule in rules]
    if hit.role == "identifier":
        rules.append({"path": "identifier[0].system", "constant": f"urn:{source_id}:mrn"})
    if hit.role == "ICD-10 code":
        rules.append({"path": "code.coding[0].system", "constant": ICD10, "if_present": name})
    return rules


def draft_bindings(records: list[Record], source_id: str) -> BindingDraft:
    draft = BindingDraft()
    suggestions = _suggestions(records)
    draft.resource = _choose_resource(records, suggestions)
    identities = {
        name: action
        for _, fields, is_table, _ in records
        for name, action in fields.items()
        if not is_table and name in suggestions and suggestions[name].identifies
    }
    for record, fields, is_table, screen in records:
        if is_table:
            draft.extras[record] = {
                name: f"{{{other}.{name}}}"
                for other, other_fields, other_table, other_screen in records
                if not other_table and other_screen == screen
                for name in other_fields
            }
        available = set(fields) | set(draft.extras.get(record, {}))
        own_id = next((name for name in fields if name in suggestions and suggestions[name].identifies), None)
        id_field = own_id or next((name for name in identities if name in available), None)
        names = _bind_record(draft, record, fields, suggestions, id_field, identities, source_id)
        if names:
            draft.emits.append((record, names))
    bound = {rule.get("field") for binding in draft.bindings.values() for rule in binding["rules"]}
    draft.unbound = sorted({name for _, fields, _, _ in records for name in fields} - bound - set(identities))
    return draft


def _bind_record(
    draft: BindingDraft,
    record: str,
    fields: dict[str, RecordedAction],
    suggestions: dict[str, Suggestion],
    id_field: str | None,
    identities: dict[str, RecordedAction],
    source_id: str,
) -> list[str]:
    resource = draft.resource
    matched = {name: suggestions[name] for name in fields if name in suggestions}
    matched = {name: hit for name, hit in matched.items() if hit.resource == resource}
    if not matched or resource is None:
        return []
    subject = [{"path": "subject.reference", "template": f"Patient/{{{id_field}}}"}] if id_field else []
    id_value = (identities.get(id_field) or fields.get(id_field or "")) if id_field else None
    expected_subject = {"subject": {"reference": f"Patient/{id_value.value}"}} if id_value and id_value.value else {}
    names: list[str] = []
    plain = {name: hit for name, hit in matched.items() if hit.vital is None}
    for name, hit in matched.items():
        if hit.vital is None:
            continue
        binding_name = re.sub(r"[^a-z0-9]+", "_", name.lower())
        rules = [*vital_rules(name, hit.vital), *subject]
        first = f"-{{{id_field}}}" if id_field else ""
        draft.bindings[binding_name] = {
            "resource": "Observation",
            "id": f"{binding_name}{first}-{{{name}|hash}}",
            "rules": rules,
            "when": name,
        }
        names.append(binding_name)
    if plain:
        binding_name = resource.lower()
        rules = [rule for name, hit in plain.items() for rule in _rules_for(name, fields[name], hit, source_id)]
        if resource == "Patient":
            key = id_field if id_field in plain else next(iter(plain))
            identifier = f"{{{key}}}" if key == id_field else f"{{{key}|slug}}"
        else:
            rules += subject
            first = next(iter(plain))
            identifier = f"{{{id_field}}}-{{{first}|hash}}" if id_field else f"{{{first}|hash}}"
        draft.bindings[binding_name] = {"resource": resource, "id": identifier, "rules": rules}
        names.append(binding_name)
        subject_expected = expected_subject if resource != "Patient" else {}
        expected: dict[str, Any] = {"resourceType": resource, **subject_expected}
        for rule in rules:
            value = (fields[rule["field"]].value or "").strip() if rule.get("field") in fields else ""
            if value and set(rule) == {"path", "field"}:
                _merge(expected, _nest(rule["path"], value))
        draft.expected.append(expected)
    return names
