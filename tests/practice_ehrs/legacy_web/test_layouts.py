"""UI version 2 keeps every form field and grid column of version 1, renamed and reordered."""

from __future__ import annotations

from practice_ehrs.legacy_web.layouts import FORMS, GRIDS


def test_version_2_has_the_same_fields_in_another_order() -> None:
    for spec in FORMS.values():
        v1 = [field.name for field in spec.fields_for(1)]
        v2 = [field.name for field in spec.fields_for(2)]
        assert sorted(v1) == sorted(v2)
        assert v1 != v2
    for grid in GRIDS.values():
        assert sorted(key for key, _ in grid.columns_for(1)) == sorted(key for key, _ in grid.columns_for(2))


def test_version_2_renames_labels() -> None:
    assert FORMS["search"].label("last", 2) == "Surname"
    assert FORMS["register"].label("dob", 2) == "Birth Date"
    assert FORMS["vitals"].label("weight_lb", 2) == "Wt (lbs)"
