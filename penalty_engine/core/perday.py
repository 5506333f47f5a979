"""The stage of a per-day continuous fine (按日连续处罚; issue #17, ADR 0023).

Pure: no file, clock, environment or randomness; dates are ``datetime.date`` and money Decimal. For a
version with ``per_day``, after the statutory branch ``VersionRun.run`` calls ``_per_day``::

    the day the count runs from (the pack's setting: 责令改正之日 in 环境保护法 第五十九条, or the day
    the order was served in 按日连续处罚办法 第十七条) → each re-inspection in date order: continuing,
    the days from the day after the last date up to it (both ends counted) are added; corrected,
    the count ends → days (累计, 第十七条) → amount = the original fine × days (第十九条)

No days (the first re-inspection found the violation corrected, 第十二条第二款): no per-day fine,
and the trail says so. The decision's fine is a ``fine`` penalty with its ``days`` and ``daily``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

from ..errors import CaseError, field_name, msg
from ..models import Correction, CountFrom, PerDay, SettingRef
from ..money import CTX, dec_str
from .general_stages import cites
from .texts import both
from .weighted import WeightedStages

_START = {
    CountFrom.ordered: ("责令改正之日", "the day the order to correct was made"),
    CountFrom.served: ("责令改正违法行为决定书送达之日", "the day the order to correct was served"),
}


class PerDayFine(NamedTuple):
    """What the per-day stage decides: the days counted, the daily amount and the total."""

    days: int
    daily: Decimal
    amount: Decimal


class PerDayStages(WeightedStages):
    """The per-day stage of a version run (``version.VersionRun`` builds on it)."""

    __slots__ = ()

    def _per_day(self, spec: PerDay) -> PerDayFine | None:
        """The days and the fine (``None``: no day counted, no per-day fine)."""
        corr = self._correction()
        count_from = CountFrom(self._setting(spec.count_from))
        start = corr.served_on if count_from is CountFrom.served else corr.ordered_on
        if start is None:
            message = msg(
                "{field}: required when the days of a per-day fine count from the day the order was served",
                field=field_name("correction.served_on"),
            )
            raise CaseError("PE-C002", message, self.ev.where("correction"))
        counting = cites(spec.counting_basis)
        start_zh, start_en = _START[count_from]
        inputs = {
            "count_from": count_from.value,
            "start_zh": start_zh,
            "start_en": start_en,
            "ordered_on": corr.ordered_on.isoformat(),
            "served_on": corr.served_on.isoformat() if corr.served_on else "none",
            "start": start.isoformat(),
            "first_day": (start + dt.timedelta(days=1)).isoformat(),
        }
        self.trail.add("per_day.start", inputs, result=inputs["first_day"], basis=[*cites(spec.basis), *counting])
        days, last, terms = 0, start, []
        for r in corr.reinspections:
            if r.date > self.ev.decided_on:
                message = msg(
                    "{field}: the re-inspection on {day} is after the decision date {decided}",
                    field=field_name("correction.reinspections"),
                    day=r.date,
                    decided=self.ev.decided_on,
                )
                raise CaseError("PE-C004", message, self.ev.where("correction", "reinspections"))
            if not r.continuing:
                if days == 0:
                    self.trail.add("per_day.none", {"date": r.date.isoformat()}, result=0, basis=cites(spec.none_basis))
                    return None
                self.trail.add("per_day.corrected", {"date": r.date.isoformat(), "total": days}, result=days)
                break
            span = (r.date - last).days  # from the day after ``last`` to ``r.date``, both counted
            days += span
            terms.append(str(span))
            row: dict[str, Any] = {
                "date": r.date.isoformat(),
                "from": (last + dt.timedelta(days=1)).isoformat(),
                "days": span,
                "total": days,
            }
            self.trail.add("per_day.reinspection", row, result=span, basis=counting)
            last = r.date
        self.trail.add(
            "per_day.days",
            {"terms": " + ".join(terms), "days": days, "start": start.isoformat(), "last": last.isoformat()},
            result=days,
            basis=counting,
        )
        daily: Decimal = self.ev.facts[spec.daily]
        amount = CTX.multiply(daily, Decimal(days))  # two decimals at most × a whole number: exact
        zh, en = self.rule.fact_labels[spec.daily]
        amount_inputs: dict[str, Any] = {
            "fact": spec.daily,
            "fact_zh": zh,
            "fact_en": en,
            "daily": dec_str(daily),
            "days": days,
            "amount": dec_str(amount),
            "currency": self.pack.currency,
        }
        self.trail.add("per_day.amount", amount_inputs, result=dec_str(amount), basis=cites(spec.amount_basis))
        return PerDayFine(days, daily, amount)

    def _per_day_options(self, spec: PerDay) -> list[dict[str, Any]]:
        """An article that says the authority 可以 (may) fine per day (大气污染防治法 第一百二十三条): the
        decision offers not to (``not_per_day``, 不按日连续处罚: not the general part's 不予行政处罚,
        which a provision of Art. 33 may offer beside it), citing it; the amount is the fine if the
        authority does."""
        if not spec.optional:
            return []
        options: dict[str, dict[str, Any]] = {}
        cited = cites(spec.basis)
        self._option(options, "not_per_day", cited, both("reason.per_day_optional", basis=cited[0]))
        return list(options.values())

    def _setting(self, value: Any) -> Any:
        """A pack setting's value (noting its assumption), or ``value`` itself when it is not a setting."""
        if isinstance(value, SettingRef):
            setting = self.pack.settings[value.setting]
            self.assume(setting.assumption)
            return setting.value
        return value

    def _correction(self) -> Correction:
        """The case's order to correct and re-inspections (required by a per-day fine)."""
        corr = self.ev.case.correction
        if corr is None:
            message = msg(
                "{field}: a per-day fine needs the order to correct (ordered_on, served_on) and the re-inspections",
                field=field_name("correction"),
            )
            raise CaseError("PE-C002", message, self.ev.where("correction"))
        return corr


__all__ = ["PerDayFine", "PerDayStages"]
