"""QA files share the loaders' JSON-lines reader: bad bytes and bad JSON name their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgreason.errors import InputError
from kgreason.qa_file import read_qa


def test_bad_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_bytes(b'{"question": "q1", "answers": ["a"]}\n\n{"question": "q\xff", "answers": ["b"]}\n')
    with pytest.raises(InputError) as info:
        read_qa(path)
    assert info.value.line == 3 and "UTF-8" in info.value.reason


def test_bad_json_names_its_line_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text('{"question": "q1", "answers": ["a"]}\n\n{"question": \n')
    with pytest.raises(InputError) as info:
        read_qa(path)
    assert info.value.line == 3 and "invalid JSON" in info.value.reason
    path.write_text('{"question": "q1", "answers": ["a"]}\n\n')
    assert [i.question for i in read_qa(path)] == ["q1"]
