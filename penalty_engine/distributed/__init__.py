"""Replay on a Dask cluster (``penalty replay --dask local:N`` or ``--dask tcp://host:8786``).

Partitions of the inputs are read and evaluated on the workers, duplicates found and similar-case
groups and aggregates reduced on the cluster, and each partition's output lines written by the
workers to a shared folder, which the driver concatenates in partition order: the outputs are
byte for byte those of a local run (docs/replay.md "On a Dask cluster", ADR 0021). Needs the
``distributed`` extra (``dask[distributed]``, ``pyarrow`` for Parquet); nothing in ``replay`` or
below imports this package.

    from penalty_engine.distributed import runner
    from penalty_engine.replay import Outputs, Settings, replay
    replay(["past.jsonl"], Settings(), Outputs(json=Path("s.json")), runner=runner("local:2"))

``penalty impact --dask`` compares the partitions on the workers the same way; the driver streams
their outcomes in input order into the impact totals (``impact_runner``).
"""

from __future__ import annotations

from .driver import Stats, connect, run_on_dask, runner
from .impact import runner as impact_runner

__all__ = ["Stats", "connect", "impact_runner", "run_on_dask", "runner"]
