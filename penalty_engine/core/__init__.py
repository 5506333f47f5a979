"""The core: the engine and its pure evaluation of a case (stages in ``evaluation``, the general part
of 行政处罚法 in ``general``), and reading case input (``case_io``)."""

from __future__ import annotations

from .case_io import case_where, read_case_file, to_case
from .engine import Engine, combine
from .general import severity

__all__ = ["Engine", "case_where", "combine", "read_case_file", "severity", "to_case"]
