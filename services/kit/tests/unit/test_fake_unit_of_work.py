"""The fake unit of work behaves as the real one: uncommitted work is dropped, and a
block that changes state without committing fails the test."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from lms_kit.domain import Aggregate
from lms_kit.testing.fakes import FakeRepository, FakeStore, FakeUnitOfWork, UncommittedWork


@dataclass
class Note(Aggregate):
    note_id: str
    text: str

    def edit(self, text: str) -> None:
        self.text = text
        self.raise_event(("edited", self.note_id, text))


@dataclass
class NoteState:
    notes: dict[str, Note] = field(default_factory=dict)


class FakeNotes(FakeRepository):
    def __init__(self, notes: dict[str, Note], track) -> None:
        super().__init__(track)
        self._notes = notes

    def add(self, note: Note) -> None:
        self._notes[note.note_id] = self.seen(note)

    def get(self, note_id: str) -> Note:
        return self.seen(self._notes[note_id])


class NotesUnitOfWork(FakeUnitOfWork[NoteState]):
    def bind(self, state: NoteState) -> None:
        self.notes = FakeNotes(state.notes, self.track)


async def test_committed_work_and_its_events_are_kept():
    store = FakeStore(NoteState())
    async with NotesUnitOfWork(store) as uow:
        uow.notes.add(Note("n1", "draft"))
        uow.notes.get("n1").edit("final")
        await uow.commit()
    assert store.state.notes["n1"].text == "final"
    assert store.events == [("edited", "n1", "final")]


async def test_a_block_that_changes_state_without_commit_fails_and_keeps_nothing():
    store = FakeStore(NoteState())
    with pytest.raises(UncommittedWork):
        async with NotesUnitOfWork(store) as uow:
            uow.notes.add(Note("n1", "draft"))
    assert store.state.notes == {} and store.events == []


async def test_an_event_raised_without_commit_fails_too():
    store = FakeStore(NoteState({"n1": Note("n1", "draft")}))
    with pytest.raises(UncommittedWork):
        async with NotesUnitOfWork(store) as uow:
            note = uow.notes.get("n1")
            note.edit("draft")  # same text: the state is unchanged, but an event is pending
    assert store.events == []


async def test_a_failed_block_rolls_back_without_complaint():
    store = FakeStore(NoteState({"n1": Note("n1", "draft")}))
    with pytest.raises(KeyError):
        async with NotesUnitOfWork(store) as uow:
            uow.notes.get("n1").edit("changed")
            uow.notes.get("missing")
    assert store.state.notes["n1"].text == "draft" and store.events == []


async def test_reads_need_no_commit_and_see_only_committed_state():
    store = FakeStore(NoteState({"n1": Note("n1", "draft")}))
    async with NotesUnitOfWork(store) as uow:
        assert uow.notes.get("n1").text == "draft"
