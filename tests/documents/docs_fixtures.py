"""Files for the documents tests: the schema and a small corpus (real files written to tmp_path)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

SCHEMA_YAML = """\
entities:
  - name: Drug
    description: a medicine
  - Enzyme
relations:
  - {name: INHIBITS, domain: Drug, range: Enzyme}
  - {name: INDUCES, domain: Drug, range: Enzyme}
  - name: IS_METABOLISED_BY
    domain: Drug
    range: Enzyme
    phrases: [is metabolised by, is metabolized by]
"""

CORPUS = {
    "warfarin.md": (
        "# Warfarin\n\nWarfarin is metabolised by CYP2C9. Fluconazole inhibits CYP2C9 and CYP3A4.\n\n"
        "## Other drugs\n\nAmiodarone inhibits CYP2C9.\n"
    ),
    "statins/page.html": (
        "<html><head><style>p {color: red}</style><script>var x = 'Aspirin inhibits COX1.';</script></head>"
        "<body><p>Clarithromycin inhibits CYP3A4.</p>"
        "<p>Simvastatin is metabolized by cyp3a4.</p></body></html>"
    ),
    "labels.jsonl": (
        '{"id": "label-1", "text": "Rifampicin induces CYP3A4. Fluconazole inhibits CYP2C19.", '
        '"metadata": {"source": "fda"}}\n'
        '{"id": "label-2", "text": "Fluconazole inhibits CYP2C9."}\n'
    ),
    "notes.txt": "Carbamazepine induces CYP3A4.\n",
}


def write_corpus(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root
