"""The weighted-factor mode of a rule version (权重累加模式; issue #17, ADR 0020).

A published table gives a start weight (裁量起点) and factors (裁量要素), each with levels (违法程度)
that carry a weight (裁量权重, a percentage). One level is chosen per factor (the first whose
condition holds; a factor none of whose levels holds counts at its lowest level, as 粤环发〔2021〕7号
第五条 says for a factor that cannot be established); the sum of the start and the chosen weights,
capped (at most 100%) and optionally floored, times the statutory maximum of the branch that
applies, is the fine, kept inside the statutory range and rounded. The evaluation is in
``core/weighted.py``; the authoring guide's "The weighted mode" section explains the format.
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import Field, model_validator

from ..errors import msg
from ..money import is_terminating
from .common import Basis, Condition, Frozen, Ratio, Text

__all__ = ["StageFactor", "StageLevel", "Staged", "WeightFactor", "WeightLevel", "WeightStage", "Weighted", "tables"]


def _percent(value: Fraction, what: str) -> None:
    if not is_terminating(value):
        raise ValueError(
            msg("{field} is a percentage written as a decimal or n/100, such as 0.05 or 5/100", field=what)
        )


class WeightLevel(Frozen):
    """One level (违法程度) of a factor with its weight (裁量权重): 报告书类 … 5% →
    ``{id: report, label: {zh: 报告书类…}, weight: 5/100, when: eia_category == "report"}``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text = Field(description="the level as the table prints it (违法程度)")
    weight: Ratio = Field(ge=0, le=1, description="the weight as a fraction: 5% → 5/100")
    when: Condition | None = Field(default=None, description="when the level holds; absent: never chosen by facts")

    @model_validator(mode="after")
    def _exact(self) -> WeightLevel:
        _percent(self.weight, f"levels.{self.id}.weight")
        return self


class WeightFactor(Frozen):
    """A factor (裁量要素) of the table: its levels, lowest weight first or not (the lowest weight is
    the one a factor counts at when none of its levels holds)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text = Field(description="the factor as the table prints it (裁量要素)")
    levels: tuple[WeightLevel, ...] = Field(min_length=1)
    basis: tuple[Basis, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> WeightFactor:
        ids = [lv.id for lv in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("factor '{id}': level ids must be unique", id=self.id))
        return self

    @property
    def lowest(self) -> WeightLevel:
        """The level with the lowest weight (the first of them): where a factor not established counts."""
        return min(self.levels, key=lambda lv: lv.weight)


class Weighted(Frozen):
    """The weighted mode of a version: 裁量起点, 裁量要素, the sum's cap and floor, the table's basis.

    The amount is the capped and floored sum × the statutory maximum of the branch that applies (for
    a multiple fine, its fact × the top multiple: 总投资额 × 5%)."""

    start: Ratio = Field(ge=0, le=1, description="the start weight (裁量起点), e.g. 20/100")
    factors: tuple[WeightFactor, ...] = Field(min_length=1)
    cap: Ratio = Field(default=Fraction(1), gt=0, le=1, description="the sum's cap (最高不超过100%)")
    floor: Ratio | None = Field(
        default=None, ge=0, le=1, description="the sum's floor: 裁量百分值总和不足20%的，按20%计算 → 20/100"
    )
    basis: tuple[Basis, ...] = Field(min_length=1, description="the table (its 备注 quoted) and the rule's method")
    floor_basis: tuple[Basis, ...] = Field(default=(), description="where the floor is written (the table's 备注)")
    unknown_basis: tuple[Basis, ...] = Field(
        default=(),
        description="where a factor not established counts at its lowest level (粤环发〔2021〕7号 第五条)",
    )

    @model_validator(mode="after")
    def _check(self) -> Weighted:
        _percent(self.start, "start")
        _percent(self.cap, "cap")
        if self.floor is not None:
            _percent(self.floor, "floor")
            if self.floor > self.cap:
                raise ValueError(msg("'floor' is above 'cap'"))
            if not self.floor_basis:
                raise ValueError(msg("a 'floor' needs its 'floor_basis' (the table's words)"))
        ids = [f.id for f in self.factors]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("weighted factor ids must be unique"))
        return self

    @property
    def lowest_sum(self) -> Fraction:
        """The lowest sum the table gives (start + each factor's lowest weight, capped and floored)."""
        total = min(self.start + sum((f.lowest.weight for f in self.factors), Fraction(0)), self.cap)
        return max(total, self.floor) if self.floor is not None else total

    @property
    def highest_sum(self) -> Fraction:
        """The highest sum the table gives (start + each factor's highest weight, capped)."""
        top = self.start + sum((max(lv.weight for lv in f.levels) for f in self.factors), Fraction(0))
        return min(top, self.cap)


# ---------------------------------------------------------------- the two-stage form (§1.6)


class StageLevel(Frozen):
    """A level of a two-stage table: one weight per stage (its column), ``{in-time: 5/100, overdue: 3/100}``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text = Field(description="the level as the table prints it (违法程度)")
    weights: dict[str, Ratio] = Field(description="per stage id, the weight in that stage's column")
    when: Condition | None = Field(default=None, description="when the level holds; absent: never chosen by facts")


class StageFactor(Frozen):
    """A factor of a two-stage table: its levels, each with a weight per stage."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text
    levels: tuple[StageLevel, ...] = Field(min_length=1)
    basis: tuple[Basis, ...] = ()


class WeightStage(Frozen):
    """One stage (one weight column) of a two-stage table: 限期内改正 (×20万) or 逾期未改正 (×100万). The
    stage applies when its ``branch`` of the frame does; the sum multiplies that branch's maximum."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text = Field(description="the column's head as the table prints it (限期内改正)")
    branch: str = Field(description="the frame branch of this stage (its statutory range is the base)")
    start: Ratio = Field(ge=0, le=1, description="the column's start weight (裁量起点)")
    cap: Ratio = Field(default=Fraction(1), gt=0, le=1)
    floor: Ratio | None = Field(default=None, ge=0, le=1)
    basis: tuple[Basis, ...] = Field(min_length=1, description="the column's formula (备注), quoted")
    floor_basis: tuple[Basis, ...] = ()


class Staged(Frozen):
    """A weighted table with one weight column per stage (附件1 §1.6: 限期内改正 / 逾期未改正): the stage
    whose branch applies gives the start, the weights, the cap and floor; the base is that branch's
    maximum. Each stage reads as a plain ``Weighted`` table (``table``)."""

    stages: tuple[WeightStage, ...] = Field(min_length=2)
    factors: tuple[StageFactor, ...] = Field(min_length=1)
    unknown_basis: tuple[Basis, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Staged:
        ids = [s.id for s in self.stages]
        if len(set(ids)) != len(ids) or len({s.branch for s in self.stages}) != len(ids):
            raise ValueError(msg("the stages of a weighted table have different ids and branches"))
        for f in self.factors:
            for lv in f.levels:
                if set(lv.weights) != set(ids):
                    raise ValueError(
                        msg("level '{id}' gives a weight for each stage: {stages}", id=lv.id, stages=", ".join(ids))
                    )
        for s in self.stages:
            self.table(s)  # each column is a valid table (percentages, floor below cap, …)
        return self

    def table(self, stage: WeightStage) -> Weighted:
        """The plain weighted table of one stage (its column)."""
        factors = tuple(
            WeightFactor(
                id=f.id,
                label=f.label,
                basis=f.basis,
                levels=tuple(
                    WeightLevel(id=lv.id, label=lv.label, weight=lv.weights[stage.id], when=lv.when) for lv in f.levels
                ),
            )
            for f in self.factors
        )
        return Weighted(
            start=stage.start,
            factors=factors,
            cap=stage.cap,
            floor=stage.floor,
            basis=stage.basis,
            floor_basis=stage.floor_basis,
            unknown_basis=self.unknown_basis,
        )

    def stage_of(self, branch: str) -> WeightStage | None:
        """The stage of a frame branch (``None``: the branch has no column)."""
        return next((s for s in self.stages if s.branch == branch), None)


def tables(spec: Weighted | Staged) -> list[tuple[WeightStage | None, Weighted]]:
    """Each column of a weighted table as a plain table: one (no stage) or one per stage."""
    if isinstance(spec, Weighted):
        return [(None, spec)]
    return [(s, spec.table(s)) for s in spec.stages]
