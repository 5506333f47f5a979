"""Checking a pack: static findings (``static``), the seeded invariant search (``invariants``) and the
golden cases (``golden``)."""

from __future__ import annotations

from .golden import run_pack
from .run import run_check
from .static import Finding, Report, check_pack

__all__ = ["Finding", "Report", "check_pack", "run_check", "run_pack"]
