"""Replay outputs: the summary JSON (contract) and a short Markdown summary here; the HTML report
(``html``) and the CSV/XLSX exports (``exports``), re-exported under their names.

Everything is written by streaming the spilled flagged cases, so memory does not grow with them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..render import environment
from .classify import STATUSES
from .exports import write_csv, write_flagged_csv, write_flagged_xlsx, write_xlsx
from .groups import group_json
from .html import GROUPS_MAX, flagged_entries, group_views, jsonl, write_html
from .present import Presenter
from .run import Replay

SCHEMA = "penalty-engine/replay@1"

__all__ = [
    "GROUPS_MAX",
    "SCHEMA",
    "flagged_entries",
    "group_views",
    "groups",
    "summary",
    "write_csv",
    "write_flagged_csv",
    "write_flagged_xlsx",
    "write_html",
    "write_json",
    "write_markdown",
    "write_xlsx",
]

_env = environment("penalty_engine.replay", strict=True)


def summary(state: Replay) -> dict[str, int]:
    return dict(state.counts)


def groups(state: Replay, limit: int | None = None) -> list[dict[str, object]]:
    """Flagged similar groups, widest spread first (all of them unless ``limit``)."""
    flagged = state.groups.flagged()
    return [group_json(g) for g in (flagged if limit is None else flagged[:limit])]


def write_json(state: Replay, path: Path) -> None:
    """The replay JSON contract, written incrementally (``flagged`` and ``rejects`` streamed)."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"schema": "penalty-engine/replay@1",\n"engine": ' + json.dumps(f"penalty-engine {__version__}"))
        out.write(',\n"summary": ' + json.dumps(summary(state)))
        for name, items in (
            ("flagged", flagged_entries(state)),
            ("similar_groups", iter(groups(state))),
            ("rejects", jsonl(state.rejects_path)),
        ):
            out.write(f',\n"{name}": [')
            for i, item in enumerate(items):
                out.write(("\n" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
            out.write("]")
        out.write(',\n"aggregates": ' + json.dumps(state.aggregates.as_json(), ensure_ascii=False) + "}\n")


def write_markdown(state: Replay, path: Path, *, lang: str = "zh") -> None:
    """A short summary in ``lang``: the counts, findings by kind, units, the ten widest groups."""
    p = Presenter(lang, state.names)
    agg: dict[str, Any] = state.aggregates.as_json()
    statuses = [(s, agg["statuses"][s]) for s in STATUSES if agg["statuses"].get(s)]
    text = _env.get_template("replay.md.j2").render(
        t=p.t,
        p=p,
        summary=summary(state),
        date_errors=state.date_errors,
        groups_total=len(state.groups.flagged()),
        statuses=statuses,
        agg=agg,
        groups=group_views(state, p, 10),
        engine=f"penalty-engine {__version__}",
    )
    path.write_text(text, encoding="utf-8")
