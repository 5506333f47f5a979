"""Replay past decisions against the rules in force at their dates (DESIGN.md "Replay output").

from penalty_engine.replay import Outputs, Settings, replay
state = replay(["cases.csv"], Settings(mapping=load_mapping("map.yaml")), Outputs(json=Path("s.json")))
"""

from __future__ import annotations

from .draft import Draft, draft_mapping
from .job import Outputs, replay
from .mapping import Mapping, load_mapping
from .readers import Row, bad_row, estimate_rows
from .run import (
    Replay,
    Settings,
    batches,
    default_workers,
    duplicate_id,
    evaluate_rows,
    iter_inputs,
    json_error,
    unexpected,
)

__all__ = [
    "Draft",
    "Mapping",
    "Outputs",
    "Replay",
    "Row",
    "Settings",
    "bad_row",
    "batches",
    "default_workers",
    "draft_mapping",
    "duplicate_id",
    "estimate_rows",
    "evaluate_rows",
    "iter_inputs",
    "json_error",
    "load_mapping",
    "replay",
    "unexpected",
]
