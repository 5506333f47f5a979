"""Built-in names of the contract's values and fields, for reading real exports (issue #14).

The data is ``names.yaml`` next to this module: for each kind of value (``outcome``, ``tier``,
``duty``, ``penalty_kind``, ``party_kind``, ``bool``) the Chinese and English names of each
contract value, the procedural steps a duties column may list that the engine does not check
(``duty_other``, kept as written), and the header names of each case field (used by
``--init-mapping`` to guess columns).

A cell matches a name after ``normalise``: NFKC (full-width letters, digits and punctuation become
half-width), surrounding whitespace removed, Latin compared case-insensitively. Pure apart from
reading the data file once per process (cached); a lookup is one dict access.
"""

from __future__ import annotations

import difflib
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

import yaml

KINDS = ("outcome", "tier", "duty", "penalty_kind", "party_kind", "bool")
"""The kinds of value with built-in names."""

WHAT = {
    "outcome": "an outcome (处罚/不予处罚)",
    "tier": "a tier (从轻/一般/从重/减轻/固定)",
    "duty": "a duty (责令改正/教育/告知听证权利/法制审核/集体讨论)",
    "penalty_kind": "a penalty kind (警告/罚款/没收违法所得/吊销许可证件/…)",
    "party_kind": "a party kind (个人/单位)",
    "bool": "yes/no (是/否)",
}
"""How an error names what a cell of each kind should be."""


def normalise(text: str) -> str:
    """The form names are compared in: NFKC, stripped, case-folded (``" ＹＥＳ "`` → ``"yes"``)."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


class Names:
    """The built-in names: ``value(kind, text)``, ``nearest(kind, text)``, ``field(header)``."""

    def __init__(self, data: dict[str, Any]) -> None:
        values = data["values"]
        self._by_kind: dict[str, dict[str, Any]] = {}
        self._first: dict[str, dict[str, Any]] = {}
        for kind in KINDS:
            table: dict[str, Any] = {}
            first: dict[str, Any] = {}
            for canonical, names in values[kind].items():
                value: Any = (
                    {"true": True, "false": False}.get(str(canonical), canonical) if kind == "bool" else canonical
                )
                first[str(names[0]) if names else str(canonical)] = value
                for name in (str(canonical), *(str(n) for n in names)):
                    table[normalise(name)] = value
            self._by_kind[kind] = table
            self._first[kind] = first
        self._other_duties = {normalise(str(n)) for n in values.get("duty_other", [])}
        self._headers: dict[str, str] = {}
        for field_name, headers in data["headers"].items():
            for h in (field_name, *headers):
                self._headers[normalise(str(h))] = str(field_name)

    def value(self, kind: str, text: str) -> Any:
        """The contract value ``text`` names, or ``None``. A ``duty_other`` step is its own text."""
        key = normalise(text)
        found = self._by_kind[kind].get(key)
        if found is None and kind == "duty" and key in self._other_duties:
            return text.strip()
        return found

    def nearest(self, kind: str, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` known names closest to ``text`` (for error messages), best first."""
        return difflib.get_close_matches(normalise(text), list(self._by_kind[kind]), n=n, cutoff=0.4)

    def known(self, kind: str) -> dict[str, Any]:
        """The main name of each value of ``kind`` → the value (``{"从轻": "lighter", …}``)."""
        return dict(self._first[kind])

    def field(self, header: str) -> str | None:
        """The case field a header names (``案号`` → ``case_id``), or ``None``."""
        return self._headers.get(normalise(header))


@cache
def names() -> Names:
    """The built-in names, read once from ``names.yaml``."""
    text = resources.files(__package__ or "penalty_engine.replay").joinpath("names.yaml").read_text(encoding="utf-8")
    return Names(yaml.safe_load(text))
