"""Budgets of the fuzz tests (issue #16), by the same profile names as tests/property/conftest.py.

* ``ci`` (default): derandomized and small (``CI_EXAMPLES``): the same mutations on every run, a
  few seconds per test;
* ``thorough``: random seeds and ``THOROUGH_EXAMPLES`` per test, for a long search::

      HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/fuzz

The kept, seeded run of 100,000 cases and thousands of files is ``bench/fuzz_run.py``
(docs/robustness.md).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import penalty_engine as pe
from tests.fuzz.mutate import seed_cases

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"


def budget(ci: int, thorough: int = 2000) -> settings:
    """The Hypothesis settings of one fuzz test: ``ci`` examples derandomized, or ``thorough``."""
    return settings(
        max_examples=thorough if THOROUGH else ci,
        derandomize=not THOROUGH,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@pytest.fixture(scope="session")
def seeds() -> list[dict[str, Any]]:
    """The shipped golden cases, as dicts, to mutate."""
    return seed_cases()


@pytest.fixture(scope="session")
def fuzz_engine() -> pe.Engine:
    return pe.Engine.load()
