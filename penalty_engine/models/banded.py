"""The band mode of a rule version (幅度罚款模式; issue #17, ADR 0024).

粤环发〔2021〕7号 第六条第三款: 幅度罚款模式指根据生态环境违法行为设定若干裁量因素，对相应裁量因素进行全面的
调查取证后，得出最终罚款区间的模式. A published table (附件1 §3.14, VOCs) crosses factors (空间、设备密闭情况 ×
排放口所在区域) and gives each combination a band (罚款: 2万元以上4万元以下 … 20万元). 第十二条（二） gives the
amount inside a band: 一般处罚按平均金额, 从重处罚不得低于平均值, 从轻处罚应当低于平均值.

The format: ``factors`` (each with its ``levels``, **lowest first**: a factor none of whose levels
holds counts at its first level, 第五条) and ``rows``, each naming one level (or several) of every
factor and its band as the table prints it (``{min, max}`` or ``{fixed}``). Rows are a table over
the levels, not free conditions, so whether they overlap or leave a hole is decided exactly
(``check/banded.py``). The evaluation is in ``core/banded.py``; the authoring guide's "The band mode
(幅度罚款模式)" section explains the format.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import product
from typing import Literal

from pydantic import Field, model_validator

from ..errors import msg
from .common import Amount, Basis, Condition, Frozen, ProseText, Text

__all__ = ["BandCircumstance", "BandFactor", "BandLevel", "BandRow", "Banded", "RowBand"]


class BandLevel(Frozen):
    """One level of a factor of the table: ``{id: open-used, label: {zh: 空间、设备未密闭，已安装且按规定
    使用污染防治设施, …}, when: vocs_enclosure == "open_facilities_used"}``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text = Field(description="the level as the table prints it")
    when: Condition | None = Field(default=None, description="when the level holds; absent: never chosen by facts")


class BandFactor(Frozen):
    """A factor (a column of the table) with its levels, lowest first: the first level is where a
    factor that cannot be established counts (粤环发〔2021〕7号 第五条)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text = Field(description="the column's head as the table prints it (空间、设备密闭情况)")
    levels: tuple[BandLevel, ...] = Field(min_length=1)
    basis: tuple[Basis, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> BandFactor:
        ids = [lv.id for lv in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("factor '{id}': level ids must be unique", id=self.id))
        return self

    @property
    def lowest(self) -> BandLevel:
        """The first level: where a factor not established counts."""
        return self.levels[0]


class RowBand(Frozen):
    """A row's band exactly as the table prints it: 2万元以上4万元以下 → ``{min: 20000, max: 40000}``;
    20万元 → ``{fixed: 200000}``. Whether ``max`` belongs to the band is the table's ``below``."""

    min: Amount | None = None
    max: Amount | None = None
    fixed: Amount | None = None

    @model_validator(mode="after")
    def _one_form(self) -> RowBand:
        if self.fixed is not None:
            if self.min is not None or self.max is not None:
                raise ValueError(msg("give either 'fixed' or 'min' and 'max', not both"))
            return self
        if self.min is None or self.max is None:
            raise ValueError(msg("a band needs 'min' and 'max' (or 'fixed')"))
        if self.min >= self.max:
            raise ValueError(msg("a band's 'min' ({min}) is not below its 'max' ({max})", min=self.min, max=self.max))
        return self

    @property
    def edges(self) -> tuple[Decimal, Decimal]:
        """The written lower and upper edge (equal for a fixed amount)."""
        if self.fixed is not None:
            return self.fixed, self.fixed
        assert self.min is not None and self.max is not None
        return self.min, self.max


class BandRow(Frozen):
    """A row of the table: per factor id, the level (or levels) it covers, and its band."""

    levels: dict[str, str | tuple[str, ...]] = Field(description="per factor id, the level id or ids of the row")
    band: RowBand
    label: Text = Field(description="the band as the table prints it (罚款: 2万元以上4万元以下)")
    basis: tuple[Basis, ...] = Field(default=(), description="the row as the table prints it, quoted")

    def covers(self, factor: str, level: str) -> bool:
        named = self.levels.get(factor, ())
        return level == named if isinstance(named, str) else level in named


class BandCircumstance(Frozen):
    """A circumstance the pack treats as 从重处罚 for this table (e.g. 粤环发〔2021〕7号 第十条): when it
    holds, 第十二条（二）'s 从重处罚不得低于平均值 applies."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text
    when: Condition
    basis: tuple[Basis, ...] = Field(min_length=1)
    assumption: ProseText | None = Field(
        default=None, description="what the pack assumes when the source says 可以从重 (listed when it holds)"
    )


class Banded(Frozen):
    """The band mode of a version: the factors, the rows and how the amount inside a band is found."""

    factors: tuple[BandFactor, ...] = Field(min_length=1)
    rows: tuple[BandRow, ...] = Field(min_length=1)
    below: Literal["inclusive", "exclusive"] = Field(
        description="whether a row's 'max' (以下) belongs to it: 第二十三条 以下不包括本数 → exclusive"
    )
    basis: tuple[Basis, ...] = Field(min_length=1, description="the table and 第六条第三款, quoted")
    bounds_basis: tuple[Basis, ...] = Field(default=(), description="the reading of 以上/以下 (第二十三条)")
    average_basis: tuple[Basis, ...] = Field(min_length=1, description="the amount inside a band (第十二条（二）)")
    unknown_basis: tuple[Basis, ...] = Field(default=(), description="a factor not established (第五条)")
    heavier: tuple[BandCircumstance, ...] = Field(default=(), description="the circumstances of 从重处罚")
    assumption: ProseText = Field(description="what the table and the rule leave open (the average's ends, …)")

    @model_validator(mode="after")
    def _check(self) -> Banded:
        ids = [f.id for f in self.factors]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("band factor ids must be unique"))
        if self.below == "exclusive" and not self.bounds_basis:
            raise ValueError(msg("an exclusive 'below' needs its 'bounds_basis' (the rule's reading of 以下)"))
        levels = {f.id: {lv.id for lv in f.levels} for f in self.factors}
        for k, row in enumerate(self.rows, start=1):
            if set(row.levels) != set(levels):
                raise ValueError(
                    msg("row {row} names a level of each factor: {factors}", row=k, factors=", ".join(ids))
                )
            for fid, named in row.levels.items():
                for level in (named,) if isinstance(named, str) else named:
                    if level not in levels[fid]:
                        raise ValueError(
                            msg("row {row}: factor '{factor}' has no level '{level}'", row=k, factor=fid, level=level)
                        )
        return self

    def combinations(self) -> list[tuple[str, ...]]:
        """Every combination of levels (one per factor, in factor order): what the rows must cover once."""
        return list(product(*([lv.id for lv in f.levels] for f in self.factors)))

    def rows_for(self, combo: tuple[str, ...]) -> list[int]:
        """The indexes of the rows that cover ``combo`` (one level id per factor)."""
        return [
            k
            for k, row in enumerate(self.rows)
            if all(row.covers(f.id, level) for f, level in zip(self.factors, combo, strict=True))
        ]
