"""Replay past decisions against the rules in force at their dates (DESIGN.md "Replay output").

from penalty_engine.replay import Outputs, Settings, replay
state = replay(["cases.csv"], Settings(mapping=load_mapping("map.yaml")), Outputs(json=Path("s.json")))
"""

from __future__ import annotations

from .draft import Draft, draft_mapping
from .job import Outputs, replay
from .mapping import Mapping, load_mapping
from .readers import Row, estimate_rows
from .run import Replay, Settings, batches, default_workers, evaluate_rows, iter_inputs, json_error

__all__ = [
    "Draft",
    "Mapping",
    "Outputs",
    "Replay",
    "Row",
    "Settings",
    "batches",
    "default_workers",
    "draft_mapping",
    "estimate_rows",
    "evaluate_rows",
    "iter_inputs",
    "json_error",
    "load_mapping",
    "replay",
]
