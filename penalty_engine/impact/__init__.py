"""Impact analysis: the same archive of cases under two packs or pack versions, and what changes
(docs/replay.md "Impact", ADR 0015).

from penalty_engine.impact import Outputs, Settings, impact
state = impact(["cases.jsonl"], Settings(before=("cn-transport",), after=("rules/cn-gs-transport",)),
               Outputs(json=Path("impact.json"), html=Path("impact.html")))

``compare`` is pure given the two engines (no clock: the day of the run is a setting); ``tally``
counts every row once and keeps the totals; ``job`` reads, runs workers and writes; ``report``
writes JSON (``penalty-engine/impact@1``), HTML and XLSX with words from the text catalog.
"""

from __future__ import annotations

from .compare import ASPECTS, THRESHOLD_DUTIES, Compared, Comparer, OneSided, Outcome, Pair, Rejected, Settings, Side
from .job import Outputs, impact, run_impact
from .report import SCHEMA, Context
from .tally import LARGEST, Impact

__all__ = [
    "ASPECTS",
    "LARGEST",
    "SCHEMA",
    "THRESHOLD_DUTIES",
    "Compared",
    "Comparer",
    "Context",
    "Impact",
    "OneSided",
    "Outcome",
    "Outputs",
    "Pair",
    "Rejected",
    "Settings",
    "Side",
    "impact",
    "run_impact",
]
