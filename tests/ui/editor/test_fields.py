"""The one table of single-line fields drives the draft, the form and finding navigation."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from regal_desktop.ui.editor.draft import Draft, from_body, to_raw
from regal_desktop.ui.editor.fields import FIELDS, Field, field_at
from tests.helpers.desk import Desk


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.attribute)
def test_each_field_goes_to_its_place_in_the_body_and_back(field: Field) -> None:
    draft = dataclasses.replace(Draft(), **{field.attribute: "Value 1"})
    raw = to_raw(draft)
    value = raw
    for key in field.path:
        value = value[key]
    assert value == "Value 1"
    assert getattr(from_body(raw), field.attribute) == "Value 1"


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.attribute)
def test_a_finding_inside_a_field_leads_to_that_field(field: Field) -> None:
    assert field_at(field.path) is field
    assert field_at((*field.path, "deeper")) is field


def test_a_path_outside_every_field_leads_nowhere() -> None:
    assert field_at(("traits", "phones", "+19545582399")) is None
    assert field_at(("traits",)) is None


def test_the_form_has_one_labelled_input_per_field(desk: Desk) -> None:
    for field in FIELDS:
        edit = desk.editor.findChild(QLineEdit, field.object_name)
        assert isinstance(edit, QLineEdit), field.object_name
        assert edit.accessibleName() == field.label
        assert desk.editor.form.focus_path(list(field.path))
        assert QApplication.focusWidget() is edit
