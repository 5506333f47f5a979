"""`penalty rules …` on a layer (ADR 0011): validate, list, show, test and check take it as a pack."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import run
from tests.conftest import MINI_RULE
from tests.unit.test_layers_pack import BASE_PACK, NOT_APPLIED, OVERRIDE_R1, R2, layer, write

GOLDEN = """\
case_id: PROV-1
violation: prov/r1
occurred_on: 2026-03-02
decided_on: 2026-04-01
party: {kind: organization}
facts: {n: 2}
expect: {recommended_fine: 2500, tier: standard}
"""


def test_the_rules_commands_take_a_layer_as_a_pack(tmp_path: Path) -> None:
    write(tmp_path / "base", **{"pack.yaml": BASE_PACK, "r1.yaml": MINI_RULE, "r2.yaml": R2})
    # n = 2 under the layer's tiers: standard 2000–3000, middle 2500 (the base gives heavier, 3500)
    prov = str(layer(tmp_path, NOT_APPLIED, **{"r1.yaml": OVERRIDE_R1, "cases__r1__01.yaml": GOLDEN}))
    validate = run("rules", "validate", prov)
    assert validate.returncode == 0 and "prov: 1 rules, valid" in validate.stdout, validate.stderr
    listed = run("rules", "list", "--pack", prov)
    assert "prov/r1" in listed.stdout and "prov/r2" not in listed.stdout
    shown = run("rules", "show", "r1", "--pack", prov)
    assert "n >= 5" in shown.stdout and "the province counts only five or more" in shown.stdout
    gone = run("rules", "show", "r2", "--pack", prov)
    assert gone.returncode == 1 and gone.stderr.startswith("PE-C010") and "本省无此类经营" in gone.stderr
    tested = run("rules", "test", prov)
    assert tested.returncode == 0 and "1 passed, 0 failed" in tested.stdout, tested.stdout + tested.stderr
    checked = run("rules", "check", prov)
    assert checked.returncode == 0 and "prov: 0 errors" in checked.stdout, checked.stdout + checked.stderr
