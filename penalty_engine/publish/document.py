"""Publishing a rule pack as the public benchmark document (行政处罚法 Art. 34).

``publish(pack, fmt, lang)`` loads and compiles a pack (a pack with errors is not published),
builds a plain view of it here, and lays that view out with one of two jinja2 templates:
``publish.html.j2`` (one self-contained, printable HTML file: inline CSS, no external resource,
autoescaped) or ``publish.md.j2`` (the same content in Markdown).

The document gives the pack's identity, the general part with every provision quoted, the tier
scheme and rounding, then each rule and version: provisions quoted, dates, statutory branches,
tiers (with band amounts for fixed ranges, computed exactly as the engine does) or named levels
(``levels.py``: each band exactly as the published table gives it, ADR 0010), factors; and at
the end a register of every assumption of the pack, each marked as an assumption, not law. For a
layer (ADR 0011, ``layer.py``) the document is the merged benchmark: the identity says which pack
and version it extends, each part the layer set is marked, and the base rules it does not apply
are listed with their reason and basis.
Output is deterministic: no date or clock is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..models import (
    Basis,
    Benchmark,
    Branch,
    Condition,
    EdgeMultiple,
    Effect,
    FactSpec,
    LawRef,
    MultipleFine,
    Pack,
    PartialCount,
    PerUnitFine,
    RangeFine,
    RuleVersion,
    SettingRef,
    Tier,
    TrancheFine,
)
from ..money import band_edge, dec_str, frac_str
from ..pack import CompiledRule, LoadedPack, compile_pack, load_pack_files
from ..render import environment
from ..text import Scope, other_language, words
from ..values import words as value_words
from .adjustments import adjustments_view, excluded_view
from .banded import banded_view
from .conditions import cel_text, condition_view
from .labels import labels
from .layer import Marks, layer_view
from .levels import LevelTable
from .view import BandAmounts, BranchRow, Cond, FactorRow, FactRow, Quote, Register, RuleView, TierRow, VersionView
from .weighted import weighted_view

FORMATS = ("html", "markdown")

_env = environment("penalty_engine.publish")

# ---------------------------------------------------------------- amounts


def _fine_kind(branch: Branch) -> str | None:
    if isinstance(branch.fine, RangeFine):
        return "range"
    if isinstance(branch.fine, MultipleFine):
        return "multiple"
    if isinstance(branch.fine, PerUnitFine):
        return "per_unit"
    return None


def _money(amount: Decimal, currency: str, t: Scope) -> str:
    return t("money_cny" if currency == "CNY" else "money", amount=dec_str(amount), currency=currency)


# ---------------------------------------------------------------- building the view


class _Builder:
    def __init__(self, pack: Pack, rules: Sequence[CompiledRule], lang: str, loaded: LoadedPack | None) -> None:
        self.pack = pack
        self.rules = rules
        self.lang = lang
        self.words = words(lang)
        self.t = self.words.scope("publish")
        self.register = Register()
        self.common = dict(pack.common_facts)
        self.loaded = loaded
        self.marks = Marks(loaded, self.t)
        self.levels = LevelTable(pack, self.t, lang, self.cond, self.quotes)

    # -- small pieces

    def quotes(self, basis: Sequence[Basis]) -> list[Quote]:
        out = []
        for b in basis:
            if isinstance(b, LawRef):
                out.append(Quote(b.citation, " ".join(b.text.split())))
            else:
                assert isinstance(b, Benchmark)
                out.append(Quote(self.t("benchmark"), None, " ".join(b.benchmark.split())))
        return out

    def cond(self, cond: Condition | None, facts: dict[str, FactSpec]) -> Cond | None:
        return condition_view(cond, facts, self.lang, self.pack.currency)

    def enum_word(self, value: str) -> str:
        """An enum value as the document shows it: in Chinese its main name (case files accept it too)."""
        return (value_words().main("enum", value) or value) if self.lang == "zh" else value

    def fact_rows(self, facts: dict[str, FactSpec]) -> list[FactRow]:
        rows = []
        for name, s in facts.items():
            if s.values:
                bounds = ", ".join(self.enum_word(v) for v in s.values)
            elif s.min is not None or s.max is not None:
                lo = dec_str(s.min) if s.min is not None else ""
                hi = dec_str(s.max) if s.max is not None else ""
                bounds = f"{lo} – {hi}"
            else:
                bounds = ""
            if s.required:
                default = self.t("required")
            elif isinstance(s.default, bool):
                default = ("是" if s.default else "否") if self.lang == "zh" else ("true" if s.default else "false")
            elif s.values and isinstance(s.default, str):
                default = self.enum_word(s.default)
            else:
                default = str(s.default)
            rows.append(
                FactRow(
                    name,
                    s.label.get(self.lang),
                    self.words(f"newcase.{s.type.value}") if self.lang == "zh" else s.type.value,
                    s.unit or "",
                    bounds,
                    default,
                    self.t(s.direction) if s.direction else "",
                )
            )
        return rows

    def span(self, start: Any, end: Any | None) -> str:
        if end is None:
            return self.t("version_open", start=start)
        return self.t("version_span", start=start, end=end)

    # -- pack level

    def identity(self) -> dict[str, Any]:
        p = self.pack
        other = other_language(self.lang)
        return {
            "id": p.id,
            "title": p.title.get(self.lang),
            "other_title": p.title.get(other),
            "title_zh": p.title.zh,
            "title_en": p.title.en,
            "jurisdiction": p.jurisdiction,
            "authority": p.authority.get(self.lang),
            "currency": p.currency,
            "version": p.version,
            "rule_count": len(self.rules),
            "engine": f"penalty-engine {__version__}",
        }

    def not_in(self, names: tuple[str, ...], v: RuleVersion) -> str:
        """The tiers (levels) a factor is not weighed in again, in words; empty when there are none."""
        if not names:
            return ""
        levels = {lv.id: lv.name.get(self.lang) for lv in v.levels}
        words = [self.t(n) if n in ("lighter", "standard", "heavier") else levels.get(n, n) for n in names]
        return self.t("not_in_tiers", tiers="、".join(words) if self.lang == "zh" else ", ".join(words))

    def scheme(self) -> dict[str, Any]:
        """Tier scheme, start position, rounding, 以上/以下 and settings, in the document's order."""
        p, t, reg = self.pack, self.t, self.register
        scope = t("scope_pack")
        bands = [
            {
                "tier": t(name),
                "lower": frac_str(p.tier_scheme.band(name).lower),
                "upper": frac_str(p.tier_scheme.band(name).upper),
            }
            for name in ("lighter", "standard", "heavier")
        ]
        tiers = {
            "bands": bands,
            "basis": self.quotes(p.tier_scheme.basis),
            "assumption": reg.add(scope, t("tier_scheme"), p.tier_scheme.assumption),
            "mark": self.marks.one("tier_scheme"),
        }
        factor_start = {
            "text": t("factor_start_text", start=frac_str(p.factor_start)),
            "assumption": reg.add(scope, t("factor_start"), p.factor_start_assumption),
            "mark": self.marks.one("factor_start"),
        }
        rounding = {
            "text": t(
                "rounding_text", unit=dec_str(p.rounding.unit), currency=p.currency, mode=t(p.rounding.mode.value)
            ),
            "assumption": reg.add(scope, t("rounding"), p.rounding.assumption),
            "mark": self.marks.one("rounding"),
        }
        boundaries = {
            "above": t(p.boundaries.above),
            "below": t(p.boundaries.below),
            "assumption": reg.add(scope, t("boundaries"), p.boundaries.assumption),
            "mark": self.marks.one("boundaries"),
        }
        settings = []
        for name, s in p.settings.items():
            label = s.label.get(self.lang) if s.label else name
            settings.append(
                {
                    "name": name,
                    "label": label,
                    "value": str(s.value),
                    "assumption": reg.add(scope, f"{t('settings')}: {label}", s.assumption),
                    "mark": self.marks.one(f"settings.{name}"),
                }
            )
        return {
            "tiers": tiers,
            "factor_start": factor_start,
            "rounding": rounding,
            "boundaries": boundaries,
            "settings": settings,
        }

    def general(self) -> dict[str, Any]:
        g, t, reg, scope = self.pack.general, self.t, self.register, self.t("scope_pack")
        shared = self.loaded.shared if self.loaded is not None else None
        provisions = []
        for prov in g.provisions:
            notes = []
            if shared is not None and f"local_basis.{prov.id}" in shared.origin:
                notes.append(t("local_basis_note"))
            if prov.education:
                notes.append(t("education"))
            if prov.recommend_for:
                notes.append(t("recommend_for", name=prov.recommend_for))
            provisions.append(
                {
                    "id": prov.id,
                    "label": prov.label.get(self.lang),
                    "effect": t(f"{prov.effect.value}_effect"),
                    "when": self.cond(prov.when, self.common),
                    "basis": self.quotes(prov.basis),
                    "notes": notes,
                    "mandatory": prov.effect in (Effect.no_penalty, Effect.mitigate),
                    "mark": t("own_provision")
                    if shared and shared.origin[f"provisions.{prov.id}"] != shared.id
                    else None,
                }
            )
        lists = [
            {
                "name": name,
                "rules": list(lst.rules),
                "basis": self.quotes(lst.basis),
                "assumption": reg.add(scope, f"{t('lists')}: {name}", lst.assumption),
                "mark": self.marks.one(f"lists.{name}"),
            }
            for name, lst in g.lists.items()
        ]
        below = None
        if g.below_minimum is not None:
            b = g.below_minimum
            below = {
                "text": t("below_minimum_text", lower=frac_str(b.lower), upper=frac_str(b.upper)),
                "basis": self.quotes(b.basis),
                "assumption": reg.add(scope, t("below_minimum"), b.assumption),
            }
        limitation = None
        if g.limitation is not None:
            lim = g.limitation
            limitation = {
                "text": t("limitation_text", years=lim.years, extended=lim.extended_years),
                "basis": self.quotes(lim.basis),
                "assumption": reg.add(scope, t("limitation"), lim.assumption),
            }
        hearing = []
        for h in g.hearing:
            hearing.append(
                {
                    "party": t(h.party),
                    "amount": _money(h.amount, self.pack.currency, t),
                    "inclusive": t("inclusive_yes" if h.inclusive else "inclusive_no"),
                    "span": self.span(h.effective_from, h.effective_to),
                    "assumption": reg.add(scope, f"{t('hearing')} ({t(h.party)})", h.assumption),
                }
            )
        review = None
        if g.legal_review_with_hearing is not None:
            s = g.legal_review_with_hearing
            review = {
                "text": t("legal_review_yes" if s.value is True else "legal_review_no"),
                "assumption": reg.add(scope, t("legal_review_with_hearing"), s.assumption),
            }
        other = [
            {"label": t(key), "basis": self.quotes(getattr(g, key))}
            for key in (
                "hearing_basis",
                "collective_discussion_basis",
                "education_basis",
                "legal_review_basis",
                "lenient_law_basis",
            )
            if getattr(g, key)
        ]
        written_in = None
        if shared is not None:
            title = shared.title.get(self.lang)
            written_in = {"text": t("shared_general", title=title, version=shared.version), "file": shared.file}
        return {
            "written_in": written_in,
            "precedence": t("precedence_text"),
            "provisions": provisions,
            "lists": lists,
            "below_minimum": below,
            "limitation": limitation,
            "hearing": hearing,
            "hearing_mark": self.marks.one("hearing"),
            "hearing_kinds": t("hearing_kinds"),
            "legal_review": review,
            "other_bases": other,
        }

    # -- rules

    def fine_text(self, branch: Branch, facts: dict[str, FactSpec]) -> tuple[str | None, str | None]:
        """The fine of a branch in words, and the note that goes with it."""
        fine, cur, t = branch.fine, self.pack.currency, self.t
        if branch.no_penalty is not None:  # a branch that gives no penalty (给予批评教育，可以不予处罚)
            education = t("fine_no_penalty_education") if branch.no_penalty.education else ""
            key = "fine_may_no_penalty" if branch.no_penalty.optional else "fine_no_penalty"
            return t(key, education=education), None
        if fine is None:
            return None, None
        if isinstance(fine, RangeFine):
            lo, hi = _money(fine.min, cur, t), _money(fine.max, cur, t)
            return t("fine_range" if fine.min > 0 else "fine_up_to", lo=lo, hi=hi), None
        if isinstance(fine, MultipleFine):
            label = facts[fine.times].label.get(self.lang) if fine.times in facts else fine.times
            text = t("fine_multiple", label=label, lo=frac_str(fine.min), hi=frac_str(fine.max))
            note = t("multiple_note", label=label)
            if fine.base_min is not None:  # the statute's floor on the base (所需处置费用不足二十万元的…)
                floor = t("multiple_base_min_note", label=label, base_min=_money(fine.base_min, cur, t))
                note = f"{note}{floor}" if self.lang == "zh" else f"{note} {floor}"
            return text, note
        counted = fine.per if isinstance(fine, PerUnitFine) else fine.parts_of
        spec = facts.get(counted)
        label = spec.label.get(self.lang) if spec else counted
        unit_name = (spec.unit or "") if spec else ""
        if isinstance(fine.partial, SettingRef):
            setting = self.pack.settings.get(fine.partial.setting)
            value = PartialCount(setting.value) if setting else PartialCount.exact
            name = setting.label.get(self.lang) if setting and setting.label else fine.partial.setting
            partial = t("partial_setting", partial=t(f"partial.{value.value}"), name=name)
        else:
            partial = t(f"partial.{fine.partial.value}")
        cap = "" if fine.cap is None else t("fine_cap", cap=_money(fine.cap, cur, t))
        if isinstance(fine, TrancheFine):

            def edge(e: Decimal | EdgeMultiple) -> str:
                if isinstance(e, EdgeMultiple):
                    of = facts[e.of].label.get(self.lang) if e.of in facts else e.of
                    return t("fine_tranche_edge_times", label=of, times=frac_str(e.times))
                return t("fine_tranche_edge", value=dec_str(e), unit_name=unit_name).strip()

            parts = [
                t(
                    "fine_tranche" if tr.up_to is not None else "fine_tranche_open",
                    lo=edge(tr.above),
                    hi=edge(tr.up_to) if tr.up_to is not None else "",
                    unit=dec_str(fine.unit),
                    unit_name=unit_name,
                    rate=_money(tr.rate, cur, t),
                ).replace("  ", " ")
                for tr in fine.tranches
            ]
            tranches = t("fine_tranche_sep").join(parts)
            return t("fine_tranches", label=label, tranches=tranches, cap=cap, partial=partial), t("fixed_note")
        text = t(
            "fine_per_unit" if unit_name else "fine_per_unit_no_name",
            label=label,
            unit=dec_str(fine.unit),
            unit_name=unit_name,
            rate=_money(fine.rate, cur, t),
            cap=cap,
            partial=partial,
        )
        return text, t("fixed_note")

    def branch_row(self, b: Branch, facts: dict[str, FactSpec]) -> BranchRow:
        fine, note = self.fine_text(b, facts)
        confiscate = []
        for name in b.confiscate:
            label = facts[name].label.get(self.lang) if name in facts else name
            confiscate.append(self.t("confiscate", label=label))
        also = []
        for o in b.also:
            kind = self.words(f"decision.{o.kind.value}")
            also.append(
                kind if o.object is None else self.t("penalty_object", kind=kind, object=o.object.get(self.lang))
            )
        return BranchRow(
            id=b.id,
            kind=_fine_kind(b),
            label=b.label.get(self.lang) if b.label else None,
            when=self.cond(b.when, facts),
            fine=fine,
            note=note,
            confiscate=confiscate,
            also=also,
            basis=self.quotes(b.basis),
        )

    def tier_rows(self, v: RuleVersion, facts: dict[str, FactSpec]) -> tuple[list[TierRow], bool]:
        tiers: list[Tier] = list(v.tiers) or [Tier(tier="standard")]
        ranges = [(b.id, b.fine) for b in v.frame if isinstance(b.fine, RangeFine)]
        rows = []
        for tier in tiers:
            band = tier.band or self.pack.tier_scheme.band(tier.tier)
            amounts = []
            for branch_id, fine in ranges:
                unit = self.pack.rounding.unit
                lo = band_edge(fine.min, fine.max, band.lower, unit, self.pack.rounding.mode)
                hi = band_edge(fine.min, fine.max, band.upper, unit, self.pack.rounding.mode)
                amounts.append(
                    BandAmounts(
                        branch_id, _money(lo, self.pack.currency, self.t), _money(hi, self.pack.currency, self.t)
                    )
                )
            rows.append(
                TierRow(
                    tier=self.t(tier.tier),
                    label=tier.label.get(self.lang) if tier.label else None,
                    when=self.cond(tier.when, facts),
                    lower=frac_str(band.lower),
                    upper=frac_str(band.upper),
                    own_band=tier.band is not None,
                    basis=self.quotes(tier.basis),
                    amounts=amounts,
                )
            )
        return rows, not v.tiers

    def version_view(self, rule: CompiledRule, v: RuleVersion, marked: bool) -> VersionView:
        facts = rule.facts
        origin = next((cv.origin for cv in rule.versions if cv.version.key == v.key), {})
        marks = {} if marked else self.marks.of(origin, "tiers", "levels", "factors", "start", "assumptions")
        columns, levels = self.levels.rows(v, facts) if v.levels else ([], [])
        scope = self.t("scope_rule", rule=rule.rule.id, version=v.key)
        entries = []
        for a in v.assumptions:
            if isinstance(a, str):
                entry = self.register.add(scope, self.t("assumptions"), a)
            else:
                entry = self.register.add(scope, self.t("assumptions"), a.text, self.cond(a.when, facts))
            if entry is not None:
                entries.append(entry)
        if v.banded is not None:  # the band table's own assumptions (ADR 0024)
            texts = [(v.banded.assumption, None)] + [(c.assumption, c.when) for c in v.banded.heavier if c.assumption]
            for text, when in texts:
                entry = self.register.add(scope, self.t("banded"), text, self.cond(when, facts) if when else None)
                if entry is not None:
                    entries.append(entry)
        tiers, implied = self.tier_rows(v, facts) if not v.levels else ([], False)
        start = self.t(
            "start_rule" if v.start is not None else "start_pack",
            start=frac_str(v.start if v.start is not None else self.pack.factor_start),
        )
        return VersionView(
            key=v.key,
            span=self.span(v.effective_from, v.effective_to),
            basis=self.quotes(v.basis),
            branches=[self.branch_row(b, facts) for b in v.frame],
            tiers=tiers,
            implied_tier=implied,
            tiers_apply=not (v.weighted or v.banded)
            and any(isinstance(b.fine, (RangeFine, MultipleFine)) for b in v.frame),
            factors=[
                FactorRow(
                    f.id,
                    f.label.get(self.lang),
                    self.t(f.effect),
                    frac_str(f.weight),
                    self.cond(f.when, facts) or Cond(None, cel_text(f.when)),
                    self.quotes(f.basis),
                    self.not_in(f.not_in_tiers, v),
                )
                for f in v.factors
            ],
            start=start,
            assumptions=entries,
            levels=levels,
            level_columns=columns,
            marks=marks,
            weighted=weighted_view(v.weighted, facts, self.lang, self.t, self.cond, self.quotes)
            if v.weighted
            else None,
            excluded=excluded_view(
                self.pack,
                v,
                facts,
                self.lang,
                self.cond,
                self.quotes,
                partial(self.register.add, scope, self.t("excluded")),
            ),
            banded=banded_view(v.banded, facts, self.lang, self.t, self.cond, self.quotes) if v.banded else None,
        )

    def rule_view(self, rule: CompiledRule) -> RuleView:
        r = rule.rule
        other = other_language(self.lang)
        versions = sorted(r.versions, key=lambda v: v.effective_from)
        marks = self.marks.of(rule.origin, "rule", "facts")
        if "rule" in marks:  # a rule the layer added: one mark for the whole rule
            marks.pop("facts", None)
        return RuleView(
            id=r.id,
            full_id=rule.id,
            title=r.title.get(self.lang),
            other_title=r.title.get(other),
            anchor=f"rule-{r.id}",
            facts=self.fact_rows(dict(r.facts)),
            notes=r.notes.get(self.lang) if r.notes else None,
            life_health=r.life_health_or_financial_safety,
            special_provisions=[(sp.sets_aside, self.quotes(sp.basis)) for sp in r.special_provisions],
            versions=[self.version_view(rule, v, "rule" in marks) for v in versions],
            marks=marks,
        )

    def build(self) -> dict[str, Any]:
        identity = self.identity()
        for text in self.pack.assumptions:
            self.register.add(self.t("scope_pack"), self.t("identity"), text)
        pack_assumptions = list(self.register.entries)
        general = self.general()
        scheme = self.scheme()
        rules = [self.rule_view(r) for r in self.rules]
        return {
            "lang": self.lang,
            "pack": identity,
            "general": general,
            "scheme": scheme,
            "common_facts": self.fact_rows(self.common),
            "adjustments": adjustments_view(self.pack, self.rules, self.lang, self.t, self.cond, self.quotes),
            "rules": rules,
            "assumptions": self.register.entries,
            "pack_assumptions": pack_assumptions,
            "layer": layer_view(self.loaded, self.t, self.lang, self.quotes),
        }


def publication(
    pack: Pack, rules: Sequence[CompiledRule], lang: str = "zh", *, loaded: LoadedPack | None = None
) -> dict[str, Any]:
    """The document's content as plain data (what both templates lay out).

    ``loaded`` (the pack as loaded) tells a layer apart: what it extends, the parts it set (marked)
    and the base rules it does not apply; without it the document is that of an ordinary pack."""
    return _Builder(pack, rules, lang, loaded).build()


def render_publication(
    pack: Pack,
    rules: Sequence[CompiledRule],
    fmt: str = "html",
    lang: str = "zh",
    *,
    loaded: LoadedPack | None = None,
) -> str:
    """Render the benchmark document of ``pack`` as ``html`` or ``markdown`` in ``lang`` (``zh``/``en``)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    doc = publication(pack, rules, lang, loaded=loaded)
    name = "publish.html.j2" if fmt == "html" else "publish.md.j2"
    return _env.get_template(name).render(doc=doc, t=labels(lang), md=md_escape)


def publish(pack_ref: str | Path, fmt: str = "html", lang: str = "zh") -> str:
    """Load, compile and render a pack (a bundled id or a folder).

    Raises:
        RuleError: (often ``RuleErrors``) when the pack does not load cleanly: an invalid pack
            is not published.
    """
    loaded = load_pack_files(pack_ref)
    rules = compile_pack(loaded)
    return render_publication(loaded.pack, rules, fmt, lang, loaded=loaded)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: Any) -> str:
    """Text for Markdown: one line, with the characters Markdown would interpret backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
