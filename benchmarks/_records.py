"""One JSON record per benchmark run, under ``benchmarks/records/``.

Every script in ``benchmarks/`` ends with :func:`write_record`; ``benchmarks/summarize.py`` turns the
newest record of each benchmark into ``benchmarks/RESULTS.md``. A record is a plain JSON object::

    {
      "schema": 1,
      "benchmark": "ddi",                       # the script's name (benchmarks/<name>.py)
      "variant": null,                          # optional: what this run covered ("nations", "atlas-test")
      "title": "DDI pack",                      # section heading in the summary
      "date": "2026-12-03T01:48:00Z",           # UTC, when the run ended
      "machine": {"platform": "...", "cpus": 2, "python": "3.11.7",
                  "load_average": {"start": 4.1, "end": 3.9}},
      "command": "benchmarks/ddi.py --repeat 20",
      "commit": "919fd0c" | null,               # git HEAD, "+dirty" when the tree had changes
      "results": {...},                         # every figure the run measured (free-form JSON)
      "headline": [                             # optional: the rows the summary shows
        {"metric": "golden recall", "value": 1.0, "bar": ">= 0.95", "met": true}
      ],
      "notes": "optional markdown shown under the table"
    }

``value`` is a number or a short string (e.g. ``"37 ms (best 35)"``); ``bar`` is text or null; ``met``
is true, false or null (no bar). The summary shows the newest record of each (benchmark, variant).
Files are named ``<benchmark>[-<variant>]-<YYYYMMDDTHHMMSSZ>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = 1
RECORDS = Path(__file__).resolve().parent / "records"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def load_average() -> float:
    """The 1-minute load average (0.0 where the platform has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return 0.0


def machine(load_at_start: float | None = None) -> dict[str, Any]:
    """What the run ran on: platform, CPU count, Python version and the load average (start and end)."""
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": {
            "start": None if load_at_start is None else round(load_at_start, 2),
            "end": load_average(),
        },
    }


def git_commit(root: Path | None = None) -> str | None:
    """The checkout's HEAD (short), with ``+dirty`` when tracked files changed; None outside git."""
    cwd = root or Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def headline(metric: str, value: Any, bar: str | None = None, met: bool | None = None) -> dict[str, Any]:
    """One summary row. ``met`` defaults to None (no verdict) when there is no bar."""
    return {"metric": metric, "value": value, "bar": bar, "met": met}


def validate(record: Mapping[str, Any], where: str = "record") -> None:
    """Raise ValueError naming ``where`` and the field when ``record`` is not a valid record."""
    for key, kind in (("benchmark", str), ("date", str), ("machine", dict), ("results", dict)):
        if not isinstance(record.get(key), kind):
            raise ValueError(f"{where}: field {key!r} must be a {kind.__name__}")
    for key in ("benchmark", "variant"):
        name = record.get(key)
        if name is not None and not (isinstance(name, str) and _NAME.match(name)):
            raise ValueError(f"{where}: {key} {name!r} must match {_NAME.pattern}")
    try:
        datetime.strptime(record["date"], "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise ValueError(f"{where}: date {record['date']!r} is not YYYY-MM-DDTHH:MM:SSZ") from None
    rows = record.get("headline") or []
    if not isinstance(rows, list):
        raise ValueError(f"{where}: 'headline' must be a list")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("metric"), str) or "value" not in row:
            raise ValueError(f"{where}: headline row {i} needs 'metric' (text) and 'value'")
        if row.get("met") not in (True, False, None):
            raise ValueError(f"{where}: headline row {i}: 'met' must be true, false or null")


def write_record(
    benchmark: str,
    results: Mapping[str, Any],
    *,
    variant: str | None = None,
    title: str | None = None,
    headline: Sequence[Mapping[str, Any]] = (),
    notes: str | None = None,
    load_at_start: float | None = None,
    command: str | None = None,
    records_dir: Path | None = None,
    now: datetime | None = None,
) -> Path:
    """Write one run's record to ``benchmarks/records/<benchmark>-<UTC timestamp>.json``; return its path.

    ``variant`` names what a partial run covered (one data set, one split): the summary keeps the newest
    record per (benchmark, variant). ``results`` holds every figure the run measured; ``headline`` the rows the summary shows (see
    :func:`headline`). Pass ``load_at_start`` (from :func:`load_average` before the measuring) so the record
    says how busy the machine was. Then run ``benchmarks/summarize.py`` to regenerate RESULTS.md.
    """
    when = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    record: dict[str, Any] = {
        "schema": SCHEMA,
        "benchmark": benchmark,
        "variant": variant,
        "title": title or benchmark,
        "date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(load_at_start),
        "command": command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "commit": git_commit(),
        "results": json.loads(json.dumps(dict(results), default=str)),
        "headline": [dict(row) for row in headline],
    }
    if notes:
        record["notes"] = notes
    validate(record, benchmark)
    directory = records_dir or RECORDS
    directory.mkdir(parents=True, exist_ok=True)
    stem = benchmark + (f"-{variant}" if variant else "")
    path = directory / f"{stem}-{when.strftime('%Y%m%dT%H%M%SZ')}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    print(f"record: {path} (run benchmarks/summarize.py to update RESULTS.md)", file=sys.stderr)
    return path
