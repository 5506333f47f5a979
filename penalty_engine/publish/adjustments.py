"""The post-amount adjustments of a pack in the published benchmark (ADR 0025): each adjustment with
its condition, its reduction (range, recommended share, floor at the statutory minimum) and each of its
exclusions, how each is found (a condition over facts, the engine's test, the rules that declare it),
and, per rule version, the exclusions the version declares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core import pct
from ..models import Basis, Condition, FactSpec, Pack, RuleVersion, SettingRef
from ..pack import CompiledRule, setting_share
from .view import AssumptionEntry, Cond, Quote

CondFn = Callable[[Condition | None, dict[str, FactSpec]], Cond | None]
QuotesFn = Callable[[Sequence[Basis]], list[Quote]]


@dataclass(frozen=True)
class ExclusionRow:
    id: str
    label: str
    when: Cond | None  # the condition over common facts, if any
    how: list[str]  # the engine's test, the rules that declare it
    basis: list[Quote]


@dataclass(frozen=True)
class AdjustmentView:
    id: str
    label: str
    when: Cond | None
    reduction: str
    basis: list[Quote]
    exclusions: list[ExclusionRow]


@dataclass(frozen=True)
class ExcludedRow:
    """A rule version's declaration that an exclusion holds for it (always, or when ``when`` holds)."""

    adjustment: str
    exclusion: str
    when: Cond | None
    basis: list[Quote]
    assumption: AssumptionEntry | None


def adjustments_view(
    pack: Pack,
    rules: Sequence[CompiledRule],
    lang: str,
    t: Callable[..., str],
    cond: CondFn,
    quotes: QuotesFn,
) -> list[AdjustmentView]:
    """Every adjustment of ``pack`` as the document shows it."""
    out = []
    for adj in pack.adjustments:
        red = adj.reduction
        rec = red.recommended
        if isinstance(rec, SettingRef):
            setting = pack.settings[rec.setting]
            label = setting.label.get(lang) if setting.label else rec.setting
            share = setting_share(setting.value)
            recommended = t("adjustment_setting", label=label, value=pct(share) if share is not None else "—")
        else:
            recommended = pct(rec)
        reduction = t("adjustment_reduction", min=pct(red.min), max=pct(red.max), recommended=recommended)
        rows = []
        for e in adj.exclusions:
            how = [t(f"exclusion_test_{e.test.value}")] if e.test is not None else []
            declared = [
                r.rule.title.get(lang)
                for r in rules
                if any(d.adjustment == adj.id and d.exclusion == e.id for v in r.rule.versions for d in v.excluded_from)
            ]
            if declared:
                how.append(t("exclusion_by_rules", rules=("、" if lang == "zh" else "; ").join(declared)))
            if e.when is None and not how:
                how.append(t("exclusion_no_rule"))
            rows.append(ExclusionRow(e.id, e.label.get(lang), cond(e.when, pack.common_facts), how, quotes(e.basis)))
        out.append(
            AdjustmentView(
                adj.id, adj.label.get(lang), cond(adj.when, pack.common_facts), reduction, quotes(adj.basis), rows
            )
        )
    return out


def excluded_view(
    pack: Pack,
    v: RuleVersion,
    facts: dict[str, FactSpec],
    lang: str,
    cond: CondFn,
    quotes: QuotesFn,
    assume: Callable[[str | None, Cond | None], AssumptionEntry | None],
) -> list[ExcludedRow]:
    """The exclusions ``v`` declares, with the reading each rests on registered as an assumption."""
    by_id = {a.id: a for a in pack.adjustments}
    rows = []
    for d in v.excluded_from:
        adj = by_id[d.adjustment]
        e = adj.exclusion(d.exclusion)
        assert e is not None  # checked at load
        when = cond(d.when, facts)
        rows.append(
            ExcludedRow(adj.label.get(lang), e.label.get(lang), when, quotes(d.basis), assume(d.assumption, when))
        )
    return rows


__all__ = ["AdjustmentView", "ExcludedRow", "ExclusionRow", "adjustments_view", "excluded_view"]
