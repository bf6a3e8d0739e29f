"""Example expectations are subsets: keys present, list items matched somewhere, numbers by value."""

from __future__ import annotations

from bots.examples import subset_problems


def test_subsets() -> None:
    actual = {"name": [{"family": "Smith", "given": ["John", "A"]}], "value": 150.0, "extra": True}
    assert subset_problems({"name": [{"given": ["A"]}], "value": 150}, actual) == []
    assert subset_problems({"name": [{"family": "Smyth"}]}, actual) == ["name[0]: no item matches"]
    assert subset_problems({"gender": "male"}, actual) == ["gender: missing"]
    assert subset_problems({"value": 151}, actual) == ["value: differs"]
