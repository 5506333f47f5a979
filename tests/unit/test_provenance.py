"""Under a layer every number of a decision says which pack set it (ADR 0011): ``set_by`` in the
trail step's inputs and message, and in the decision's JSON."""

from __future__ import annotations

from pathlib import Path

import penalty_engine as pe
from tests.conftest import AS_OF, MINI_RULE, case
from tests.unit.test_layers_pack import BASE_PACK, LAYER_HEAD, OVERRIDE_R1, R2, write


def _engine(tmp_path: Path, layer_pack: str = LAYER_HEAD) -> pe.Engine:
    write(tmp_path / "base", **{"pack.yaml": BASE_PACK, "r1.yaml": MINI_RULE, "r2.yaml": R2})
    layer = write(tmp_path / "prov", **{"pack.yaml": layer_pack, "r1.yaml": OVERRIDE_R1})
    return pe.Engine.load(tmp_path / "base", layer)


def test_each_number_under_a_layer_names_the_pack_that_set_it(tmp_path: Path) -> None:
    engine = _engine(tmp_path, LAYER_HEAD + "rounding: {unit: 50, mode: half_up, assumption: fifty}\n")
    d = engine.evaluate(case("prov/r1", {"n": 2}), as_of=AS_OF)
    by = {s.code: s.inputs.get("set_by") for s in d.trail}
    # the frame is the base's (the law), the tiers and the rounding the province's
    assert by["range.range"] == "base" and by["tier"] == "prov" and by["round"] == "prov"
    # the standard tier has no band of its own: its band comes from the base's tier scheme
    assert by["band"] == "base"
    assert d.set_by is not None and d.set_by["frame"] == "base" and d.set_by["tiers"] == "prov"
    assert d.set_by["rounding"] == "prov" and d.set_by["hearing"] == "base"
    tier = next(s for s in d.trail if s.code == "tier")
    assert tier.message.endswith("[set by prov, this pack]")
    zh = pe.Decision.model_validate(d.model_dump()).trail  # the same steps read back
    assert any(s.inputs.get("set_by") == "prov" for s in zh)


def test_a_pack_that_is_no_layer_marks_nothing(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    d = engine.evaluate(case("base/r1", {"n": 2}), as_of=AS_OF)
    assert d.set_by is None
    assert all("set_by" not in s.inputs for s in d.trail)
    assert "set_by" in d.model_dump(mode="json") and d.model_dump(mode="json")["set_by"] is None
