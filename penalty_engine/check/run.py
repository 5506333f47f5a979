"""``rules check`` end to end: the static checks, then the invariant search on every rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..core import Engine
from .static import Report, check_pack


def run_check(
    pack: str | Path,
    *,
    max_examples: int = 100,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check a pack: load and static findings for every rule, then (when ``max_examples`` > 0) the
    invariant search on every rule that loads. Deterministic for a given seed.

    ``progress(done, total)`` is called after each rule's search, if given.
    """
    report = check_pack(pack, seed=seed)
    if max_examples <= 0 or report.errors:
        return report  # a pack with static errors is fixed first; the search would report their echoes
    from .invariants import search  # Hypothesis loads only when a search runs

    engine = Engine.load(pack)
    rules = engine.rules()
    for i, rule in enumerate(rules, start=1):
        report.findings.extend(search(engine, rule, max_examples=max_examples, seed=seed))
        if progress is not None:
            progress(i, len(rules))
    return report
