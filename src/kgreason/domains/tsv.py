"""Reading a domain pack's TSV data files: header line, tab-separated cells, ``#`` comments, ``|`` lists.

Every pack data file follows the same conventions (UTF-8, one header line, no quoting, an empty cell means
none, several values in one cell are ``|``-separated). ``read_tsv`` yields one ``Row`` per data line with
its line number, so a validation error can name ``file:line`` (``InputError``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgreason.errors import InputError


@dataclass(frozen=True)
class Row:
    """One data line of a TSV file: cells by column name, with where it came from."""

    path: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The stripped cell of ``column`` (``""`` when empty)."""
        return self.cells.get(column, "").strip()

    def required(self, column: str) -> str:
        """The cell of ``column``; an empty one is an ``InputError`` naming the line."""
        value = self.get(column)
        if not value:
            raise self.error(f"empty {column!r}")
        return value

    def items(self, column: str) -> tuple[str, ...]:
        """The ``|``-separated values of ``column`` (empty parts dropped)."""
        return tuple(v.strip() for v in self.get(column).split("|") if v.strip())

    def error(self, reason: str) -> InputError:
        """An ``InputError`` pointing at this line."""
        return InputError(reason, path=self.path, line=self.line)


def read_tsv(path: Path, columns: Sequence[str]) -> Iterator[Row]:
    """Rows of ``path``; the header must contain every name in ``columns`` (extra columns are allowed).

    Raises:
        InputError: missing file, bad UTF-8, a missing column, or a line with more cells than the header.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason})", path=str(path)) from None
    header: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if header is None:
            header = [p.strip() for p in parts]
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(
                    f"missing column(s) {missing} in header {header}", path=str(path), line=number
                )
            continue
        if len(parts) > len(header) and any(p.strip() for p in parts[len(header) :]):
            raise InputError(
                f"{len(parts)} cells but the header has {len(header)} columns", path=str(path), line=number
            )
        cells = dict(zip(header, parts, strict=False))
        yield Row(str(path), number, cells)
    if header is None:
        raise InputError("empty file (no header line)", path=str(path))
