"""Watching a scanner's folder (no Qt): a file is handed out once, only when complete."""

from __future__ import annotations

import cv2
import numpy as np

from evalapp.scan.watch import GIVE_UP_POLLS, FolderWatch, is_complete


def _jpeg() -> bytes:
    image = np.full((400, 300), 255, np.uint8)
    cv2.circle(image, (150, 200), 60, 0, -1)
    return cv2.imencode(".jpg", image)[1].tobytes()


def test_a_complete_file_is_handed_out_once_after_two_polls(tmp_path):
    watch = FolderWatch(tmp_path)
    (tmp_path / "a.jpg").write_bytes(_jpeg())
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "~scan.jpg").write_bytes(_jpeg())  # a scanner's temporary name
    assert watch.poll() == [] and watch.waiting() == 1  # seen once: not yet
    assert watch.poll() == [tmp_path / "a.jpg"]
    assert watch.poll() == [] and watch.waiting() == 0


def test_a_half_written_file_waits_and_is_read_once_when_complete(tmp_path):
    data = _jpeg()
    path = tmp_path / "b.jpg"
    path.write_bytes(data[: len(data) // 2])
    assert not is_complete(path)
    watch = FolderWatch(tmp_path)
    for _ in range(4):  # the same size for a while, but no end marker: not handed out
        assert watch.poll() == []
    with path.open("ab") as f:
        f.write(data[len(data) // 2:])
    assert watch.poll() == []  # it changed: looked at again next time
    assert watch.poll() == [path]
    assert [watch.poll() for _ in range(3)] == [[], [], []]


def test_a_file_that_never_completes_is_handed_out_once_to_be_refused_by_name(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    watch = FolderWatch(tmp_path)
    handed = [watch.poll() for _ in range(GIVE_UP_POLLS + 3)]
    assert sum(handed, []) == [path]


def test_a_rewritten_file_and_files_in_sub_folders_are_handed_out(tmp_path):
    watch = FolderWatch(tmp_path)
    (tmp_path / "day1").mkdir()
    (tmp_path / "day1" / "c.jpg").write_bytes(_jpeg())
    watch.poll()
    assert watch.poll() == [tmp_path / "day1" / "c.jpg"]
    (tmp_path / "day1" / "c.jpg").write_bytes(_jpeg() + b"\0")  # the scanner wrote it again
    watch.poll()
    assert watch.poll() == [tmp_path / "day1" / "c.jpg"]


def test_pdf_completeness(tmp_path):
    path = tmp_path / "s.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n")
    assert not is_complete(path)
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n%%EOF\n")
    assert is_complete(path)
    assert not FolderWatch(tmp_path / "gone").exists()


def test_an_empty_file_waits_for_its_writer(tmp_path):
    path = tmp_path / "d.jpg"
    path.write_bytes(b"")
    watch = FolderWatch(tmp_path)
    assert sum((watch.poll() for _ in range(GIVE_UP_POLLS + 3)), []) == []
    path.write_bytes(_jpeg())
    assert watch.poll() == [] and watch.poll() == [path]
