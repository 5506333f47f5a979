"""Built-in names for reading exports (issue #14): the values' names and the header names.

The names of values (``outcome``, ``tier``, ``duty``, ``penalty_kind``, ``party_kind``, ``bool``)
are the ones case files and ``penalty new-case`` read too: ``penalty_engine/values/words.yaml``
(ADR 0016), with the procedural steps a duties column may list that the engine does not check
(``duty_other``, kept as written). ``names.yaml`` next to this module holds the header names of
each case field (used by ``--init-mapping`` to guess columns).

A cell matches a name after ``normalise``: NFKC (full-width letters, digits and punctuation become
half-width), surrounding whitespace removed, Latin compared case-insensitively. Pure apart from
reading the data files once per process (cached); a lookup is one dict access.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import msg
from ..values import Words, normalise, words

__all__ = ["KINDS", "WHAT", "Names", "names", "normalise"]

KINDS = ("outcome", "tier", "duty", "penalty_kind", "party_kind", "bool")
"""The kinds of value a column of an export may hold."""

WHAT = {
    "outcome": msg("an outcome (处罚/不予处罚)"),
    "tier": msg("a tier (从轻/一般/从重/减轻/固定)"),
    "duty": msg("a duty (责令改正/教育/告知听证权利/法制审核/集体讨论)"),
    "penalty_kind": msg("a penalty kind (警告/罚款/没收违法所得/吊销许可证件/…)"),
    "party_kind": msg("a party kind (个人/单位)"),
    "bool": msg("yes/no (是/否)"),
}
"""How an error names what a cell of each kind should be (``Msg``: in both languages)."""


class Names:
    """The built-in names: ``value(kind, text)``, ``nearest(kind, text)``, ``known``, ``field(header)``."""

    def __init__(self, values: Words, data: dict[str, Any]) -> None:
        self._values = values
        self._headers: dict[str, str] = {}
        for field_name, headers in data["headers"].items():
            for h in (field_name, *headers):
                self._headers[normalise(str(h))] = str(field_name)

    def value(self, kind: str, text: str) -> Any:
        """The contract value ``text`` names, or ``None``. A ``duty_other`` step is its own text."""
        return self._values.value(kind, text)

    def nearest(self, kind: str, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` known names closest to ``text`` (for error messages), best first."""
        return self._values.nearest(kind, text, n)

    def known(self, kind: str) -> dict[str, Any]:
        """The main name of each value of ``kind`` → the value (``{"从轻": "lighter", …}``)."""
        return self._values.known(kind)

    def field(self, header: str) -> str | None:
        """The case field a header names (``案号`` → ``case_id``), or ``None``."""
        return self._headers.get(normalise(header))


@cache
def names() -> Names:
    """The built-in names: the shared values' names and the headers of ``names.yaml``."""
    text = resources.files(__package__ or "penalty_engine.replay").joinpath("names.yaml").read_text(encoding="utf-8")
    return Names(words(), yaml.safe_load(text))
