"""Reading files and folders, and chunking."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from docs_fixtures import write_corpus

from kgreason.documents import chunk_text, read_sources, split_sentences
from kgreason.documents.chunking import count_tokens


def test_folder_is_read_recursively_with_every_kind(corpus: Path) -> None:
    found = read_sources([corpus])
    ids = sorted(d.id for d in found.documents)
    assert ids == sorted(
        [
            "label-1",
            "label-2",
            str(corpus / "notes.txt"),
            str(corpus / "statins" / "page.html"),
            str(corpus / "warfarin.md"),
        ]
    )
    assert found.problems == []
    assert found.collections == [str(corpus.resolve())]
    html = next(d for d in found.documents if d.id.endswith("page.html"))
    assert html.text == "Clarithromycin inhibits CYP3A4.\n\nSimvastatin is metabolized by cyp3a4."
    label = next(d for d in found.documents if d.id == "label-1")
    assert label.metadata == {"source": "fda"} and label.path == str(corpus / "labels.jsonl")


def test_bad_files_are_reported_and_the_others_read(tmp_path: Path) -> None:
    root = write_corpus(
        tmp_path / "c",
        {
            "good.txt": "Fluconazole inhibits CYP2C9.",
            "binary.txt": b"\x00\x01\x02abc",
            "latin1.md": "Caf\xe9".encode("latin-1"),
            "empty.txt": "   \n",
            "broken.jsonl": '{"id": "a", "text": "ok"}\nnot json\n{"text": "no id"}\n',
            "image.png": b"\x89PNG",
        },
    )
    found = read_sources([root, tmp_path / "missing"])
    assert sorted(d.id for d in found.documents) == sorted(["a", str(root / "good.txt")])
    reasons = {(Path(p.path).name, p.line): p.reason for p in found.problems}
    assert reasons == {
        ("binary.txt", None): "binary file (NUL bytes)",
        ("latin1.md", None): "not UTF-8 text (byte 3)",
        ("empty.txt", None): "empty file",
        ("broken.jsonl", 2): reasons[("broken.jsonl", 2)],
        ("broken.jsonl", 3): "a record needs an 'id' (string or integer)",
        ("missing", None): "no such file or directory",
    }
    assert reasons[("broken.jsonl", 2)].startswith("invalid JSON")


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in its text layer (hand-built, offsets computed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_layer_and_pdf_without_one(tmp_path: Path) -> None:
    pytest.importorskip("pdfminer")
    root = write_corpus(
        tmp_path / "p",
        {"label.pdf": _minimal_pdf("Ketoconazole inhibits CYP3A4."), "scan.pdf": _minimal_pdf("")},
    )
    found = read_sources([root])
    [doc] = found.documents
    assert doc.text.strip() == "Ketoconazole inhibits CYP3A4."
    [problem] = found.problems
    assert Path(problem.path).name == "scan.pdf" and problem.reason == "no text layer (a scanned PDF?)"


def test_sentences_respect_abbreviations_and_quotes() -> None:
    text = 'Dr. Smith gave warfarin, e.g. 5 mg. daily. "It works." Next!'
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Dr. Smith gave warfarin, e.g. 5 mg. daily.",
        '"It works."',
        "Next!",
    ]


def test_chunks_stay_in_their_paragraph_fit_the_budget_and_overlap() -> None:
    sentences = [f"Drug{i} inhibits enzyme number {i}." for i in range(6)]
    text = "# Title\n\n" + " ".join(sentences) + "\n\nAnother paragraph here."
    chunks = chunk_text(text, max_tokens=16, overlap=1)
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= 16 or len(c.sentences) == 1
    assert chunks[0].text.startswith("# Title")  # the heading joins its paragraph
    assert chunks[-1].text == "Another paragraph here."
    body = [c for c in chunks if "inhibits" in c.text]
    # each chunk after the first repeats the last sentence of the one before
    for a, b in itertools.pairwise(body):
        last = a.text[a.sentences[-1][0] : a.sentences[-1][1]]
        assert b.text.startswith(last)
    # editing one paragraph changes only its own chunks
    edited = text.replace("Another paragraph here.", "Another paragraph, edited.")
    before = {c.id for c in chunks}
    after = {c.id for c in chunk_text(edited, max_tokens=16, overlap=1)}
    assert len(after - before) == 1 and len(before - after) == 1


def test_chunk_id_is_a_hash_of_the_text() -> None:
    a = chunk_text("Fluconazole inhibits CYP2C9.")[0]
    b = chunk_text("\n\nFluconazole inhibits CYP2C9.   ")[0]
    assert a.id == b.id and a.start != b.start
