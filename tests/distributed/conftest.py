"""A Dask ``LocalCluster`` for the module's tests: 2 workers of one thread each, in this process
(``processes=False``): on the 2-core test machine, worker processes would each load Python, Dask and
the engine again and the pickling between processes would double the run; the outputs do not depend
on where the tasks run (the CLI test runs ``--dask local:2`` with worker processes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c
