"""One general part for several packs (ADR 0022, issue #17): written once, used by ``general.use``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import penalty_engine as pe
from penalty_engine.errors import RuleErrors
from penalty_engine.pack import bundled_pack_paths, load_pack_files, resolve_pack
from penalty_engine.pack.loader import bundled_packs_dir
from penalty_engine.yamlio import parse_yaml
from tests.conftest import MINI_PACK

SHARED = bundled_packs_dir() / "cn-general" / "general.yaml"
USES = MINI_PACK + "general:\n  use: cn-general\n"


def _errors(root: Path) -> list[pe.RuleError]:
    with pytest.raises(RuleErrors) as info:
        load_pack_files(root)
    return info.value.errors


def _line(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` holding ``text`` (found by hand, not by the loader)."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_the_shared_part_is_not_a_pack() -> None:
    assert SHARED.is_file() and not (SHARED.parent / "pack.yaml").exists()
    assert "cn-general" not in [p.name for p in bundled_pack_paths()]
    with pytest.raises(pe.RuleError) as info:
        resolve_pack("cn-general")
    assert info.value.code == "PE-R009"


def test_both_packs_use_the_one_text_of_the_law() -> None:
    transport, environment = load_pack_files("cn-transport"), load_pack_files("cn-gd-environment")
    for loaded in (transport, environment):
        assert loaded.shared is not None and loaded.shared.id == "cn-general"
        assert loaded.shared.file == "cn-general/general.yaml"
    ids = [p.id for p in transport.pack.general.provisions]
    assert ids == [p.id for p in environment.pack.general.provisions]
    assert len(ids) == 9 and ids[0] == "art30-under-14" and ids[-1] == "art33-no-fault"
    assert transport.pack.general.limitation == environment.pack.general.limitation
    assert transport.pack.general.lenient_law_basis == environment.pack.general.lenient_law_basis
    # the authority's parts stay each pack's own: Guangdong's hearing thresholds, not the transport ones
    amounts = {h.party: h.amount for h in environment.pack.general.hearing}
    assert amounts == {"individual": 5000, "organization": 100000}
    assert {h.party: h.amount for h in transport.pack.general.hearing} == {"individual": 1000, "organization": 20000}
    assert environment.pack.general.collective_discussion_kinds is None
    # the pack's own facts follow the shared ones: similar_2y, then those of its adjustment (ADR 0025)
    own = list(environment.pack.common_facts)[len(transport.pack.common_facts) :]
    assert own[0] == "similar_2y" and own[-1] == "other_rule_excludes"
    assert list(environment.pack.common_facts)[: len(transport.pack.common_facts)] == list(transport.pack.common_facts)
    assert "similar_2y" not in transport.pack.common_facts


def test_locations_point_at_the_file_that_wrote_them() -> None:
    loaded = load_pack_files("cn-transport")
    src = loaded.source
    assert src.where(("general", "provisions", 0)) == f"{SHARED}:{_line(SHARED, 'id: art30-under-14')}"
    assert src.where(("common_facts", "harm")) == f"{SHARED}:{_line(SHARED, '  harm:')}"
    pack_file = loaded.root / "pack.yaml"
    assert src.where(("general", "hearing", 0)) == f"{pack_file}:{_line(pack_file, '- party: individual')}"
    assert loaded.shared is not None
    assert loaded.shared.origin["provisions.art33-no-fault"] == "cn-general"
    assert loaded.shared.origin["lists.first_violation_no_penalty"] == "cn-transport"


def test_local_basis_follows_the_law_and_points_at_the_pack() -> None:
    loaded = load_pack_files("cn-gd-environment")
    art32 = next(p for p in loaded.pack.general.provisions if p.id == "art32-mandatory-mitigation")
    assert [(b.law, b.article) for b in art32.basis] == [
        ("行政处罚法", 32),
        ("广东省生态环境行政处罚自由裁量权规定", 11),
    ]
    i = [p.id for p in loaded.pack.general.provisions].index(art32.id)
    pack_file = loaded.root / "pack.yaml"
    assert loaded.source.where(("general", "provisions", i, "basis", 1)).startswith(f"{pack_file}:")
    assert loaded.source.where(("general", "provisions", i, "basis", 0)).startswith(f"{SHARED}:")


def test_using_the_shared_part_equals_writing_it_out(tmp_path: Path) -> None:
    """The merged pack is the pack a benchmark writing the law's part itself would give: same model,
    so the same hash and the same fingerprints (issue #17: the transport outputs must not change)."""
    root = tmp_path / "cn-transport"
    shutil.copytree(resolve_pack("cn-transport"), root)
    data = parse_yaml((root / "pack.yaml").read_text(encoding="utf-8"), "pack.yaml").data
    shared = parse_yaml(SHARED.read_text(encoding="utf-8"), str(SHARED)).data
    own = {k: v for k, v in data["general"].items() if k not in ("use", "version")}
    data["general"] = {**shared["general"], **own, "lists": {**shared["general"]["lists"], **own["lists"]}}
    data["common_facts"] = shared["common_facts"]
    (root / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    written_out = load_pack_files(root)
    assert written_out.shared is None
    assert written_out.pack == load_pack_files("cn-transport").pack
    case = {
        "case_id": "T",
        "violation": "cn-transport/overload-gross-mass",
        "occurred_on": "2026-03-02",
        "decided_on": "2026-03-02",
        "party": {"kind": "individual", "age": 16},
        "facts": {"excess_mass_kg": 5000, "eliminated_harm": True},
    }
    one, other = (pe.Engine.load(ref).evaluate(case) for ref in (root, "cn-transport"))
    assert one.model_dump(mode="json") == other.model_dump(mode="json")
    assert one.fingerprint == other.fingerprint


def test_a_missing_shared_part_is_named_with_its_line(write_pack: Any) -> None:
    root = write_pack(pack=MINI_PACK + "general:\n  use: cn-genral\n")
    (err,) = _errors(root)
    assert err.code == "PE-R009" and err.where == f"{root / 'pack.yaml'}:{_line(root / 'pack.yaml', 'use:')}"
    assert "no shared general part 'cn-genral'" in err.message and "did you mean 'cn-general'" in err.message
    assert "共用总则" in err.message_zh


def test_a_pack_pins_the_version_of_the_law_it_was_reviewed_against(write_pack: Any) -> None:
    root = write_pack(pack=MINI_PACK + 'general:\n  use: cn-general\n  version: "2019"\n')
    (err,) = _errors(root)
    line = _line(root / "pack.yaml", 'version: "2019"')
    assert err.code == "PE-R023" and err.where == f"{root / 'pack.yaml'}:{line}"
    assert "version '2019'" in err.message and "is version '2021'" in err.message
    assert "“2019”版" in err.message_zh and "“2021”版" in err.message_zh
    # the pin that matches loads, and both shipped packs pin the version they were reviewed against
    pe.Engine.load(write_pack(pack=MINI_PACK + 'general:\n  use: cn-general\n  version: "2021"\n'))
    for pack in ("cn-transport", "cn-gd-environment"):
        assert 'version: "2021"' in (bundled_packs_dir() / pack / "pack.yaml").read_text(encoding="utf-8")


def test_a_broken_shared_part_is_named_at_its_own_line(write_pack: Any) -> None:
    text = SHARED.read_text(encoding="utf-8").replace("    extended_years: 5\n", "    extended_yaers: 5\n")
    root = write_pack(pack=MINI_PACK + "general:\n  use: law/general.yaml\n")
    (root / "law").mkdir()
    (root / "law" / "general.yaml").write_text(text, encoding="utf-8")
    errs = _errors(root)
    assert errs[0].code == "PE-R004"
    assert errs[0].where == f"{root / 'law' / 'general.yaml'}:{_line(root / 'law' / 'general.yaml', 'extended_yaers')}"
    assert "unknown key 'extended_yaers'" in errs[0].message


@pytest.mark.parametrize(
    ("extra", "needle", "name"),
    [
        (
            "  limitation: {years: 3, basis: [{law: 测试法, article: 1, text: 条文}]}\n",
            "limitation:",
            "general.limitation",
        ),
        (
            "  lenient_law_basis: [{law: 测试法, article: 1, text: 条文}]\n",
            "lenient_law_basis",
            "general.lenient_law_basis",
        ),
        (
            "  provisions:\n    - {id: art33-no-fault, effect: mitigate, when: 'true', "
            "label: {zh: 无过错, en: no fault}, basis: [{law: 测试法, article: 1, text: 条文}]}\n",
            "art33-no-fault",
            "general.provisions.0.id 'art33-no-fault'",
        ),
    ],
)
def test_a_pack_cannot_rewrite_the_law(write_pack: Any, extra: str, needle: str, name: str) -> None:
    root = write_pack(pack=USES + extra)
    (err,) = _errors(root)
    assert err.code == "PE-R022" and err.where == f"{root / 'pack.yaml'}:{_line(root / 'pack.yaml', needle)}"
    assert err.message.startswith(f"{name}: the shared general part 'cn-general'")
    assert "共用总则“cn-general”" in err.message_zh


def test_a_pack_cannot_declare_a_fact_of_the_law_again(write_pack: Any) -> None:
    pack = USES + "common_facts:\n  harm: {type: bool, default: false, label: {zh: 危害, en: harm}}\n"
    (err,) = _errors(write_pack(pack=pack))
    assert err.code == "PE-R022" and err.message.startswith("common_facts.harm:")


def test_local_basis_names_a_provision_of_the_law(write_pack: Any) -> None:
    pack = USES + "  local_basis:\n    art32-mandatory-mitigaton: [{law: 测试条例, article: 3, text: 条文}]\n"
    (err,) = _errors(write_pack(pack=pack))
    assert err.code == "PE-R010" and "did you mean 'art32-mandatory-mitigation'" in err.message


def test_a_pack_adds_provisions_and_replaces_readings(write_pack: Any) -> None:
    pack = USES + (
        "  provisions:\n    - {id: local-first, effect: may_mitigate, when: first_violation, "
        "label: {zh: 本地规定, en: local}, basis: [{law: 测试条例, article: 2, text: 条文}]}\n"
        "  legal_review_with_hearing: {value: false, assumption: 本机关另有规定}\n"
        "  lists:\n    first_violation_no_penalty: {rules: [r1]}\n"
    )
    loaded = load_pack_files(write_pack(pack=pack))
    g = loaded.pack.general
    assert [p.id for p in g.provisions][-1] == "local-first" and len(g.provisions) == 10
    assert g.legal_review_with_hearing is not None and g.legal_review_with_hearing.value is False
    assert g.lists["first_violation_no_penalty"].rules == ("r1",)
    assert g.limitation is not None and g.limitation.years == 2  # the law's, from the shared part
    assert loaded.shared is not None and loaded.shared.origin["provisions.local-first"] == "mini"
    # a listed rule gets no penalty recommended under the shared Art. 33 provision
    case = {
        "case_id": "L",
        "violation": "mini/r1",
        "occurred_on": "2024-01-01",
        "decided_on": "2024-01-02",
        "party": {"kind": "organization"},
        "facts": {"first_violation": True, "corrected_in_time": True},
    }
    decision = pe.Engine.load(loaded.root).evaluate(case)
    assert decision.outcome == "no_penalty"
