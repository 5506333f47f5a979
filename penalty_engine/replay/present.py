"""The words of a replay for people, in one language: statuses, headers, violation titles, amounts,
dates, and each similar-case group explained in words.

Every word comes from the text catalog (``replay.*`` and ``decision.*`` of
``penalty_engine/text/{zh,en}.yaml``) or from the rules' own names (``lexicon``); the code never
branches on the language to build a sentence. Pure. ``Presenter`` is what the HTML report, the
Markdown summary and the CSV/XLSX exports share (and what ``penalty impact`` can use: it takes a
language and the rule names, nothing of a replay's state).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..text import words
from ..values import words as value_words
from .classify import STATUSES
from .lexicon import Names, amount_text, date_text

FLAGGED_STATUSES = tuple(s for s in STATUSES if s not in ("consistent", "no_actual"))
_CODE = re.compile(r"\bPE-[A-Z]\d{3}\b")


class Presenter:
    """The words of one language (``zh`` or ``en``) for a replay whose rules are named in ``names``
    (rule id → ``lexicon.Names``)."""

    def __init__(self, lang: str, names: Mapping[str, Names] | None = None) -> None:
        self.lang = lang
        self.words = words(lang)
        self.t = self.words.scope("replay")
        self.names = dict(names or {})

    # ------------------------------------------------------------------ single words

    def status(self, status: str) -> str:
        return self.t(f"status.{status}")

    def col(self, key: str) -> str:
        return self.t(f"col.{key}")

    def tier(self, tier: str | None) -> str:
        return "" if tier is None else self.words(f"decision.{tier}")

    def outcome(self, outcome: str | None) -> str:
        return "" if outcome is None else self.words(f"decision.{outcome}")

    def amount(self, value: Any) -> str:
        return amount_text(value, self.lang)

    def band(self, band: Mapping[str, Any] | None) -> str:
        if not band:
            return ""
        return f"{self.amount(band.get('min'))}–{self.amount(band.get('max'))}"

    def date(self, value: Any) -> str:
        return date_text(value, self.lang)

    def violation(self, vid: str | None) -> str:
        """The title of a violation id (of each, for ``a+b``); the id itself when no name is known."""
        if not vid:
            return ""
        return self.t("groups.item_sep").join(self._title(v) for v in vid.split("+"))

    def _title(self, vid: str) -> str:
        names = self.names.get(vid)
        return names["title"][self.lang] if names else vid

    def level(self, level: Mapping[str, Any] | None) -> str:
        if not level:
            return ""
        name = level.get("name") or {}
        return str(name.get(self.lang) or level.get("id") or "")

    def message(self, reject: Mapping[str, Any]) -> str:
        """A rejected row's error in the report's language (``error_zh`` in Chinese, when there)."""
        return str(reject.get("error_zh") or reject["error"]) if self.lang == "zh" else str(reject["error"])

    def error(self, message: str) -> str:
        """What a reject's message is about, in words: by its error code."""
        m = _CODE.search(message)
        key = f"error.{m.group(0)}" if m else "error.other"
        return self.t(key) if f"replay.{key}" in self.words.texts else self.t("error.other")

    # ------------------------------------------------------------------ similar groups in words

    def alike(self, alike: Mapping[str, Any] | None) -> list[str]:
        """What makes a group's cases alike, one sentence per aspect (rule and version, branch, tier or
        level, factors, the facts compared); several violations give one line each, numbered."""
        if not alike:
            return []
        parts = list(alike.get("parts") or [])
        if alike.get("same_act") is None and len(parts) == 1:
            return self._part(parts[0])
        sep = self.t("groups.sep")
        lines = [self.t("groups.part", n=i, text=sep.join(self._part(p))) for i, p in enumerate(parts, 1)]
        key = "groups.same_act" if alike.get("same_act") else "groups.separate_acts"
        return [self.t(key, parts=sep.join(lines))]

    def _part(self, part: Mapping[str, Any]) -> list[str]:
        rid = str(part.get("rule"))
        names: Names = self.names.get(rid) or {}
        version = str(part.get("version"))
        lines = [self.t("groups.rule", title=self._title(rid), version=self.date(version))]
        branch = part.get("branch")
        if branch is not None:
            said = (names.get("branches") or {}).get(f"{version}|{branch}")
            lines.append(
                self.t("groups.branch", branch=said[self.lang])
                if said
                else self.t("groups.branch_other", branch=branch)
            )
        level = part.get("level")
        if level is not None:
            lv = (names.get("levels") or {}).get(level)
            lines.append(self.t("groups.level", level=lv[self.lang] if lv else level))
        else:
            lines.append(self.t("groups.tier", tier=self.tier(part.get("tier"))))
        factors = [self._named(names, "factors", f) for f in part.get("factors") or ()]
        sep = self.t("groups.item_sep")
        lines.append(self.t("groups.factors", factors=sep.join(factors)) if factors else self.t("groups.no_factors"))
        facts = [self._fact(names, k, v) for k, v in (part.get("facts") or {}).items()]
        lines.append(self.t("groups.facts", facts=sep.join(facts)) if facts else self.t("groups.no_facts"))
        return lines

    def _named(self, names: Names, kind: str, key: str) -> str:
        found = (names.get(kind) or {}).get(key)
        return found[self.lang] if found else key

    def _fact(self, names: Names, name: str, value: Any) -> str:
        spec = (names.get("facts") or {}).get(name)
        if name == "party.kind":
            label = self.t("party_kind")
            shown = self.t(value) if value in ("individual", "organization") else str(value)
        elif name == "party.age":
            label, shown = self.t("party_age"), str(value)
        elif name == "per_day.days":  # a per-day fine's days (ADR 0023)
            label, shown = self.t("per_day_days"), str(value)
        else:
            label = spec[self.lang] if spec else name
            shown = self._value(spec, value)
        return self.t("groups.fact", label=label, value=shown)

    def _value(self, spec: Mapping[str, Any] | None, value: Any) -> str:
        if isinstance(value, bool):
            return self.t("yes" if value else "no")
        if value is None:
            return "—"
        kind = spec.get("type") if spec else None
        if kind == "money":
            return self.amount(value)
        if kind == "enum":  # the rule format names enum values by id: in Chinese, the value's main name
            name = value_words().main("enum", value) if self.lang == "zh" else None
            return self.t("groups.enum", value=name or value)
        unit = spec.get("unit") if spec else None
        return f"{value}{unit}" if unit else str(value)
