"""The stages of a rule version with named levels (阶次) instead of tiers (ADR 0010).

Pure: no file, clock, environment or randomness. For a version with ``levels``, after the
statutory range ``VersionRun.run`` calls::

    level (the first whose condition holds) → mandatory mitigation caps it at the lighter level that
    has a band for this case's statutory branch → the level's band for that branch
    → (the position and the amount, as for tiers) or, when the table gives a range only, no amount

A band given as amounts or as multiples of the branch's base is exact: its edges are never rounded,
only the recommended amount is (inside the band; ``amounts.round_inside`` falls back to whole fen
when no multiple of the pack's unit lies in the band). A band given as fractions of the statutory
range is computed as the tier scheme's (inner edges rounded, ADR 0002). Whatever the table says,
the band is kept inside the statutory range: the law wins, and the trail says so.
"""

from __future__ import annotations

from ..errors import EvaluationError, msg, pair
from ..models import AmountBand, Band, Branch, Level, MultipleBand, MultipleFine
from ..money import dec_str, frac_str, scale
from . import _fast
from .amounts import Interval
from .general import Fired
from .general_stages import GeneralStages
from .texts import provision_labels


class LevelStages(GeneralStages):
    """The level stages of a version run (``version.VersionRun`` builds on them)."""

    __slots__ = ()

    def _level(self, rng: Interval, fired: Fired, branch: Branch) -> tuple[Level, str, Interval]:
        """The level that holds (capped by mandatory mitigation), the tier it counts as, and its band
        for ``branch`` inside the statutory range ``rng``."""
        cv = self.cv
        tried = []
        chosen: Level | None = None
        basis: tuple[str, ...] = ()
        for (level, cond), level_basis in zip(cv.levels, cv.level_basis, strict=True):
            holds = cond is None or cond.holds(self.results)
            tried.append({"level": level.id, "holds": holds, "clauses": self._clauses(cond)})
            if holds:
                chosen, basis = level, level_basis
                break
        if chosen is None:
            message = msg(
                "no level of {rule} (version {version}) applies to these facts: the table has a gap",
                rule=pair(self.rule.id, self.rule.rule.title.zh),
                version=cv.key,
            )
            raise EvaluationError("PE-E003", message, self.ev.where("facts"))
        inputs = {"level": chosen.id, "name_zh": chosen.name.zh, "name_en": chosen.name.en, "tier": chosen.tier}
        self.trail.add("level", {**inputs, "tried": tried}, result=chosen.id, basis=list(basis or cv.basis))
        tier = chosen.tier
        if fired.mitigate and tier != "lighter":
            lighter = next(
                (lv for lv, _ in cv.levels if lv.tier == "lighter" and lv.band_for(branch.id) is not None), None
            )
            if lighter is not None:
                self.trail.add(
                    "level.capped",
                    {
                        "from": chosen.id,
                        "to": lighter.id,
                        "name_zh": lighter.name.zh,
                        "name_en": lighter.name.en,
                        "provisions": [p.id for p in fired.mitigate],
                        **provision_labels(fired.mitigate),
                    },
                    result=lighter.id,
                    basis=self._cites(fired.mitigate),
                )
                chosen, tier = lighter, "lighter"
            else:
                return chosen, "lighter", self._scheme_lighter(chosen, rng, fired)
        return chosen, tier, self._level_band(chosen, branch, rng)

    def _scheme_lighter(self, chosen: Level, rng: Interval, fired: Fired) -> Interval:
        """Mandatory mitigation where the table has no lighter level for this branch: the pack's
        lighter band of the tier scheme (an assumption of the pack)."""
        pack = self.pack
        spec = pack.tier_scheme.band("lighter")
        lower_s, upper_s = self.rule.band_texts["lighter"]
        self.assume(pack.tier_scheme.assumption)
        self._capped(chosen.id, lower_s, upper_s, fired)
        return self._fraction_band(spec, rng, lower_s, upper_s)

    def _capped(self, from_: str, lower_s: str, upper_s: str, fired: Fired) -> None:
        """The step saying mandatory mitigation caps the tier (or level) ``from_`` at the lighter band
        ``lower_s``–``upper_s`` of the statutory range."""
        self.trail.add(
            "tier.capped",
            {
                "from": from_,
                "to": "lighter",
                "provisions": [p.id for p in fired.mitigate],
                **provision_labels(fired.mitigate),
                "lower": lower_s,
                "upper": upper_s,
            },
            result="lighter",
            basis=self._cites(fired.mitigate),
        )

    def _fraction_band(self, spec: Band, rng: Interval, lower_s: str = "", upper_s: str = "") -> Interval:
        """Fractions of the statutory range, computed as the tier scheme's (ADR 0002); ``lower_s`` and
        ``upper_s`` are the fractions' exact texts (computed when not given)."""
        rounding = self.pack.rounding
        self.assume(rounding.assumption)
        lower_s, upper_s = lower_s or frac_str(spec.lower), upper_s or frac_str(spec.upper)
        band, inputs = _fast.band(rng.lo, rng.hi, spec.lower, spec.upper, lower_s, upper_s, rounding)
        self.trail.add("band", dict(inputs), result={"min": inputs["band_min"], "max": inputs["band_max"]})
        return band

    def _level_band(self, level: Level, branch: Branch, rng: Interval) -> Interval:
        """The level's band for ``branch``: exact amounts or multiples of the branch's base (kept
        inside the statutory range), or fractions of the range."""
        spec = level.band_for(branch.id)
        assert spec is not None  # every branch with a fine range has a band in every level (checked at load)
        if isinstance(spec, Band):
            return self._fraction_band(spec, rng)
        currency = self.pack.currency
        if isinstance(spec, AmountBand):
            lo, hi = spec.edges
            code = "level.band.amount"
            inputs: dict[str, object] = {"min": dec_str(lo), "max": dec_str(hi)}
        else:
            assert isinstance(spec, MultipleBand) and isinstance(branch.fine, MultipleFine)
            name = branch.fine.times
            base = branch.fine.base(self.ev.facts[name])  # the statute's floor on the base, if any
            m_lo, m_hi = spec.multiples
            lo, hi = scale(base, m_lo), scale(base, m_hi)  # multiples are finite decimals: exact
            code = "level.band.multiple"
            inputs = {
                "fact": name,
                "fact_zh": self.rule.fact_labels[name][0],
                "fact_en": self.rule.fact_labels[name][1],
                "value": dec_str(base),
                "min_times": frac_str(m_lo),
                "max_times": frac_str(m_hi),
                "min": dec_str(lo),
                "max": dec_str(hi),
            }
        b_lo, b_hi = max(lo, rng.lo), min(hi, rng.hi)
        if b_lo > b_hi:
            message = msg(
                "level '{level}' of {rule} (version {version}) gives {lo}–{hi}, "
                "outside the statutory range {min}–{max}",
                level=pair(level.id, level.name.zh),
                rule=pair(self.rule.id, self.rule.rule.title.zh),
                version=self.cv.key,
                lo=dec_str(lo),
                hi=dec_str(hi),
                min=dec_str(rng.lo),
                max=dec_str(rng.hi),
            )
            raise EvaluationError("PE-E004", message, self.ev.where("facts"))
        inputs.update(
            {
                "range_min": dec_str(rng.lo),
                "range_max": dec_str(rng.hi),
                "band_min": dec_str(b_lo),
                "band_max": dec_str(b_hi),
                "kept": "as given" if (b_lo, b_hi) == (lo, hi) else "cut to the statutory range",
                "currency": currency,
            }
        )
        self.trail.add(
            code, inputs, result={"min": dec_str(b_lo), "max": dec_str(b_hi)}, basis=list(self._level_cites(level))
        )
        return Interval(b_lo, b_hi)

    def _range_only(self, band: Interval) -> None:
        """The table gives this level a range and no amount: the officer decides within the band."""
        b_lo, b_hi = dec_str(band.lo), dec_str(band.hi)
        inputs = {"band_min": b_lo, "band_max": b_hi, "currency": self.pack.currency}
        self.trail.add("level.range_only", inputs, result={"min": b_lo, "max": b_hi})

    def _level_cites(self, level: Level) -> tuple[str, ...]:
        """The citations of ``level``'s own basis (may be empty)."""
        for (lv, _), basis in zip(self.cv.levels, self.cv.level_basis, strict=True):
            if lv is level:
                return basis
        return ()
