"""Hypothesis profiles for the property suite.

* ``ci`` (default): derandomized, 60 examples per property, no deadline — the same examples on
  every run, so a red CI build is reproducible; the whole suite stays well under a minute.
* ``thorough``: 2000 examples per property, random seed, for a long search before a release::

      HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/property

A failure prints the shrunk example and a ``@reproduce_failure`` blob (``print_blob``).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None, print_blob=True, database=None)
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
