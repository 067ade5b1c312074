"""The table models and the document, without any widget."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.domain.findings import Level
from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.ui.editor.contact_points import (
    BODY_KEY_ROLE,
    LABEL,
    POINT,
    PRIMARY,
    EmailTableModel,
    PhoneTableModel,
)
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import Consent, Draft, EmailRow, PhoneRow, TypedRow, ValueType
from regal_desktop.ui.editor.typed_rows import CustomTraitsModel
from regal_desktop.ui.shell.icons import level_icon

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone(timedelta(hours=1)))

# The models draw their error icons from the application's style: without a QApplication
# (a test run first, alone or in random order) there is none.
pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def document() -> ContactDocument:
    doc = ContactDocument(clock=lambda: NOW)
    doc.load(
        Draft(
            phones=(
                PhoneRow("+19545582399", "Mobile", True, voice=Consent(ConsentState.SUBSCRIBED)),
                PhoneRow("305 555 0142", "Work"),
                PhoneRow("+144455555555"),
            ),
            emails=(EmailRow("jane@EXAMPLE.com", "Personal", True),),
            traits=(TypedRow("plan", ValueType.TEXT, "Gold"),),
        )
    )
    return doc


def test_models_pass_the_qt_model_tester(
    qtmodeltester: ModelTester, document: ContactDocument
) -> None:
    for model in (
        PhoneTableModel(document),
        EmailTableModel(document),
        CustomTraitsModel(document),
    ):
        qtmodeltester.check(model, force_py=True)
        # Edits, inserts, removals and moves keep the model consistent too.
        document.add_row(model.table)
        if model.table == "traits":
            document.update_row("traits", 0, value="Silver")
        else:
            document.update_row(model.table, 0, label="Home")
        document.move_row(model.table, 0, 1)
        document.remove_rows(model.table, [0])
        document.undo_stack.undo()
        qtmodeltester.check(model, force_py=True)


def test_phone_model_shows_e164_and_keeps_what_was_typed(document: ContactDocument) -> None:
    model = PhoneTableModel(document)
    work = model.index(1, POINT)
    assert work.data() == "+13055550142"
    assert work.data(Qt.ItemDataRole.EditRole) == "305 555 0142"
    assert "Typed as: 305 555 0142" in work.data(Qt.ItemDataRole.ToolTipRole)
    assert work.data(Qt.ItemDataRole.DecorationRole) is None
    bad = model.index(2, POINT)
    assert "too many digits" in bad.data(Qt.ItemDataRole.ToolTipRole)
    assert bad.data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.row_for_key("+144455555555") == 2
    assert model.row_for_key("+13055550142") == 1  # a finding may name the sent form
    assert model.index(0, 3).data() == "Subscribed"
    assert model.index(0, 4).data() == "No status"
    assert model.index(2, 0).data(BODY_KEY_ROLE) == "+144455555555"


def test_a_number_written_otherwise_is_information_not_a_warning(
    document: ContactDocument,
) -> None:
    document.add_row("phones", PhoneRow("+11115555555"))  # possible, but not assigned
    model = PhoneTableModel(document)
    work = model.index(1, POINT).data(Qt.ItemDataRole.ToolTipRole)
    # "will be sent as +1…" is information, as in the findings: no mark, no warning line.
    assert model.index(1, POINT).data(Qt.ItemDataRole.DecorationRole) is None
    assert "will be sent as" not in work and "Typed as: 305 555 0142" in work
    unassigned = model.index(3, POINT)
    assert "not in an assigned range" in unassigned.data(Qt.ItemDataRole.ToolTipRole)
    icon = unassigned.data(Qt.ItemDataRole.DecorationRole)
    warning = level_icon(Level.WARNING).pixmap(16).toImage()
    assert icon is not None and icon.pixmap(16).toImage() == warning
    error = model.index(2, POINT).data(Qt.ItemDataRole.DecorationRole).pixmap(16).toImage()
    assert error == level_icon(Level.ERROR).pixmap(16).toImage() != warning


def test_setting_primary_clears_the_others_in_one_undo_step(
    qtbot: QtBot, document: ContactDocument
) -> None:
    model = PhoneTableModel(document)
    with qtbot.waitSignal(model.dataChanged):
        model.setData(
            model.index(1, PRIMARY), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
    assert [p.primary for p in document.draft.phones] == [False, True, False]
    document.undo_stack.undo()
    assert [p.primary for p in document.draft.phones] == [True, False, False]


def test_editing_a_cell_goes_through_the_undo_stack(document: ContactDocument) -> None:
    model = EmailTableModel(document)
    assert model.setData(model.index(0, LABEL), "Work")
    assert document.draft.emails[0].label == "Work"
    assert document.is_modified
    document.undo_stack.undo()
    assert document.draft.emails[0].label == "Personal"
    assert not document.is_modified
    assert not model.setData(model.index(0, 3), "Subscribed")  # consent is edited elsewhere


def test_keystrokes_in_one_field_merge_until_the_field_is_left() -> None:
    document = ContactDocument()
    for text in ("J", "Ja", "Jan"):
        document.set_field("first_name", text)
    assert document.undo_stack.count() == 1
    document.end_typing()
    document.set_field("first_name", "Jane")
    document.set_field("last_name", "D")
    assert document.undo_stack.count() == 3
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.draft.first_name == "Jan"


def test_typing_and_deleting_leaves_nothing_to_undo() -> None:
    document = ContactDocument()
    document.set_field("city", "M")
    document.set_field("city", "")
    assert document.undo_stack.count() == 0
    assert not document.is_modified


def test_choosing_a_state_never_fills_the_time(document: ContactDocument) -> None:
    document.set_consent("phones", 1, Channel.SMS, state=ConsentState.SUBSCRIBED)
    assert document.consent("phones", 1, Channel.SMS).timestamp == ""
    assert "timestamp" not in document.to_raw()["traits"]["phones"]["305 555 0142"]["smsOptIn"]
    document.fill_timestamp_now("phones", 1, Channel.SMS)
    assert document.consent("phones", 1, Channel.SMS).timestamp == "2026-11-25T09:30:00+01:00"
    document.set_consent("phones", 1, Channel.VOICE, timestamp="2020-01-01T00:00:00Z")
    document.set_consent("phones", 1, Channel.VOICE, state=ConsentState.UNSUBSCRIBED)
    assert document.consent("phones", 1, Channel.VOICE).timestamp == "2020-01-01T00:00:00Z"
    document.undo_stack.undo()
    assert document.consent("phones", 1, Channel.VOICE).state is ConsentState.NO_STATUS


def test_model_reports_only_the_rows_that_changed(qtbot: QtBot, document: ContactDocument) -> None:
    model = PhoneTableModel(document)
    seen: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom: seen.append((top.row(), bottom.row())))
    document.update_row("phones", 2, label="Home")
    assert seen == [(2, 2)]
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        document.add_row("phones")
    assert inserted.args[1:] == [3, 3]
    with qtbot.waitSignal(model.rowsRemoved) as removed:
        document.remove_rows("phones", [1])
    assert removed.args[1:] == [1, 1]
