"""Regenerate the CLI reference in README.md from `kgr ... --help` (``--check`` fails if it is stale)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from kgreason.cli.app import app

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- cli-reference:begin -->", "<!-- cli-reference:end -->"


def _walk(cmd: object, path: list[str]) -> list[list[str]]:
    out = [path]
    for name in sorted(getattr(cmd, "commands", {}) or {}):
        out.extend(_walk(cmd.commands[name], [*path, name]))  # type: ignore[attr-defined]
    return out


def reference() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    os.environ["NO_COLOR"] = "1"
    os.environ["KGR_CONFIG"] = os.devnull  # help shows configured defaults: document the built-in ones
    for key in ("KGR_GRAPH", "KGR_STORE", "KGR_LLM", "KGR_MODEL"):
        os.environ.pop(key, None)
    runner = CliRunner()
    parts = []
    for path in _walk(get_command(app), []):
        result = runner.invoke(app, [*path, "--help"], prog_name="kgr", terminal_width=100)
        text = re.sub(r"[ \t]+\n", "\n", result.output).strip("\n")
        parts.append(f"#### `{' '.join(['kgr', *path])}`\n\n```\n{text}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    new = text[:start] + "\n" + reference() + text[end:]
    if "--check" in sys.argv:
        if new != text:
            print("README.md CLI reference is stale: run `python scripts/cli_reference.py`", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
