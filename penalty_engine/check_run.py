"""``rules check`` end to end: the static checks, then the invariant search, with progress."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from .check import Report, check_pack
from .engine import Engine


def run_check(pack: str | Path, *, max_examples: int = 100, seed: int = 0, progress: bool = False) -> Report:
    """Check a pack: load and static findings for every rule, then (when ``max_examples`` > 0) the
    invariant search on every rule that loads. Deterministic for a given seed."""
    report = check_pack(pack, seed=seed)
    if max_examples <= 0 or report.errors:
        return report  # a pack with static errors is fixed first; the search would report their echoes
    from .invariants import search  # Hypothesis loads only when a search runs

    engine = Engine.load(pack)
    rules = engine.rules()
    with Progress(console=Console(stderr=True), transient=True, disable=not progress) as bar:
        task = bar.add_task("invariants", total=len(rules))
        for rule in rules:
            report.findings.extend(search(engine, rule, max_examples=max_examples, seed=seed))
            bar.advance(task)
    return report
