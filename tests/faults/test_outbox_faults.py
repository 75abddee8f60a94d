"""The outbox's disk goes wrong: its path is unusable from the start (its parent is a file),
then usable again; then the disk fills up (a tiny tmpfs), then has room again. Each time the
learner still gets every answer, plus `utter_progress_not_saved` for a turn whose progress
could not be written; the action server keeps running and saves again once the disk allows.

The outbox's own behaviour first (no process), then through the real stack: the action server
is restarted with VIGIE_OUTBOX_PATH on a tiny tmpfs, and restored afterwards. Mounting a tmpfs
needs CAP_SYS_ADMIN (root in the CI container); without it only the disk-full test is skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from actions.outbox import DELIVERED, Outbox, OutboxError
from devtools.wait import wait_for
from tests.conftest import ARTIFACTS, Stack
from tests.faults.helpers import (
    NOT_SAVED,
    Learner,
    pending_in_outbox,
    restart,
    scenario,
    stored_steps,
)
from tests.play import texts

DISK_BYTES = 2 * 1024 * 1024


def event(learner: str = "a" * 64) -> dict:
    return {"id": str(uuid.uuid4()), "type": "hint_used", "learner": learner}


def test_an_outbox_whose_parent_is_a_file_fails_clearly_then_recovers(tmp_path: Path) -> None:
    blocker = tmp_path / "sub"
    blocker.write_text("not a directory")
    sent: list[list[dict]] = []
    outbox = Outbox(blocker / "outbox.db", lambda batch: sent.append(batch) or DELIVERED, 10, 1)
    with pytest.raises(OutboxError):
        outbox.put([event()])
    with pytest.raises(OutboxError):
        outbox.forget("a" * 64)
    blocker.unlink()  # the operator fixes the disk: no restart needed
    outbox.put([event()])
    assert wait_for(lambda: sent and outbox.pending() == 0, 10)  # sent, then crossed off


def fill(directory: Path) -> Path:
    """Write into `directory` until its file system has no byte left."""
    filler = directory / "filler"
    block = os.urandom(64 * 1024)
    with contextlib.suppress(OSError), filler.open("wb") as handle:
        while True:
            handle.write(block)
            handle.flush()
    with contextlib.suppress(OSError), filler.open("ab") as handle:
        while True:  # the last few bytes
            handle.write(b"x")
            handle.flush()
    return filler


def mount_tmpfs(directory: Path, size: int) -> bool:
    directory.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(directory)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def test_a_full_disk_fails_clearly_then_recovers(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if not mount_tmpfs(disk, DISK_BYTES):
        pytest.skip("cannot mount a tmpfs here (needs CAP_SYS_ADMIN)")
    try:
        outbox = Outbox(disk / "outbox.db", lambda batch: DELIVERED, 10, 1)
        outbox.put([event()])
        filler = fill(disk)
        with pytest.raises(OutboxError, match="full"):
            for _ in range(50):  # the first puts may fit in pages SQLite already holds
                outbox.put([event() for _ in range(20)])
        filler.unlink()
        outbox.put([event()])
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
        # The outbox's thread lives on in this process: give it an empty outbox, not an error.
        Outbox(disk / "outbox.db", lambda batch: DELIVERED, 10, 1)


# ----- through the real stack -------------------------------------------------------------
@dataclass
class SmallDisk:
    root: Path
    mounted: bool

    @property
    def parent(self) -> Path:
        return self.root / "outbox-dir"


@pytest.fixture(scope="module")
def small_disk(stack: Stack) -> Iterator[SmallDisk]:
    """The action server restarted with its outbox at <small disk>/outbox-dir/outbox.db, where
    outbox-dir is first a *file*; restored to the normal outbox afterwards."""
    disk = SmallDisk(stack.var_dir / "small-disk", False)
    disk.mounted = mount_tmpfs(disk.root, DISK_BYTES)
    disk.parent.write_text("a file where the outbox directory should be")
    stack.env["VIGIE_OUTBOX_PATH"] = str(disk.parent / "outbox.db")
    try:
        restart(stack, "actions")
        yield disk
    finally:
        stack.env.pop("VIGIE_OUTBOX_PATH", None)
        restart(stack, "actions")
        if disk.mounted:
            subprocess.run(["umount", "-l", str(disk.root)], check=False)


def not_saved(replies: list[dict]) -> bool:
    return NOT_SAVED in texts(replies)


@pytest.mark.integration
def test_unusable_outbox_path_the_learner_is_told_then_it_saves_again(
    stack: Stack, small_disk: SmallDisk
) -> None:
    log = ARTIFACTS / "actions.log"
    learner = Learner(stack, scenario("capture_chanteuse_college"))
    assert not_saved(learner.start())  # scenario_started cannot be written either
    replies = learner.answer_step()  # scored (the learner sees the result) but not saved
    assert not_saved(replies) and learner.scored[-1]["step"] == learner.steps[0][0]
    assert stack.processes["actions"].popen.poll() is None, "the action server must not crash"
    assert "progress outbox cannot be" in log.read_text(encoding="utf-8", errors="ignore")

    small_disk.parent.unlink()  # the disk is fixed: the next turn saves again, no restart
    replies = learner.answer_step()
    assert not not_saved(replies)
    step = learner.steps[1][0]
    assert wait_for(lambda: stored_steps(stack, learner.learner) == [step], 30)


@pytest.mark.integration
def test_full_disk_the_learner_is_told_then_it_saves_again(
    stack: Stack, small_disk: SmallDisk
) -> None:
    if not small_disk.mounted:
        pytest.skip("cannot mount a tmpfs here (needs CAP_SYS_ADMIN)")
    if small_disk.parent.is_file():
        small_disk.parent.unlink()
    learner = Learner(stack, scenario("photo_grele_college"))
    assert not not_saved(learner.start())
    replies = learner.answer_step()
    assert not not_saved(replies)
    saved = [learner.steps[0][0]]

    outbox = small_disk.parent / "outbox.db"

    def delivered() -> bool:  # stored by the API and crossed off the outbox
        stored = stored_steps(stack, learner.learner) == saved
        return stored and pending_in_outbox(stack, [learner.learner], outbox) == 0

    assert wait_for(delivered, 30)
    # An empty write-ahead log: the next commit must grow it, so a full disk refuses it (the WAL
    # kept from earlier commits could otherwise take a few more turns without a new byte).
    with contextlib.closing(sqlite3.connect(outbox, timeout=30)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    filler = fill(small_disk.root)
    try:
        replies = learner.answer_step()
        if not not_saved(replies):  # SQLite may still have had a free page: one more turn
            saved.append(learner.steps[1][0])
            replies = learner.answer_step()
        assert not_saved(replies), texts(replies)
        assert scores_of(replies) == [learner.steps[learner.step - 1][0]]
        assert stack.processes["actions"].popen.poll() is None
    finally:
        filler.unlink()
    replies = learner.answer_step()
    assert not not_saved(replies)
    saved.append(learner.steps[learner.step - 1][0])
    assert wait_for(lambda: stored_steps(stack, learner.learner) == sorted(saved), 60)
    shutil.rmtree(small_disk.parent, ignore_errors=True)


def scores_of(replies: list[dict]) -> list[str]:
    return [m["custom"]["step"] for m in replies if (m.get("custom") or {}).get("type") == "score"]
