"""Replay past decisions against the rules in force at their dates (DESIGN.md "Replay output").

from penalty_engine.replay import Outputs, Settings, replay
state = replay(["cases.csv"], Settings(mapping=load_mapping("map.yaml")), Outputs(json=Path("s.json")))
"""

from __future__ import annotations

from .aggregate import Aggregates
from .draft import Draft, draft_mapping
from .groups import SAMPLE, Group, Groups
from .job import Outputs, replay
from .mapping import Mapping, load_mapping
from .readers import MAX_RECORD_LINES, Part, Row, bad_row, check_encoding, detect_encoding, estimate_rows, read_rows
from .run import (
    Evaluated,
    Evaluator,
    Outcome,
    Rejected,
    Replay,
    Settings,
    batches,
    dates_after,
    default_workers,
    duplicate_id,
    evaluate_rows,
    iter_inputs,
    json_error,
    pooled,
    remove_stale_workdirs,
    unexpected,
)

__all__ = [
    "MAX_RECORD_LINES",
    "SAMPLE",
    "Aggregates",
    "Draft",
    "Evaluated",
    "Evaluator",
    "Group",
    "Groups",
    "Mapping",
    "Outcome",
    "Outputs",
    "Part",
    "Rejected",
    "Replay",
    "Row",
    "Settings",
    "bad_row",
    "batches",
    "check_encoding",
    "dates_after",
    "default_workers",
    "detect_encoding",
    "draft_mapping",
    "duplicate_id",
    "estimate_rows",
    "evaluate_rows",
    "iter_inputs",
    "json_error",
    "load_mapping",
    "pooled",
    "read_rows",
    "remove_stale_workdirs",
    "replay",
    "unexpected",
]
