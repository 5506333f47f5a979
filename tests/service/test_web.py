"""The officers' page without a browser: what ``/`` and the ``/web`` fragments answer, who may read
which ledger record (an officer's key reads only its own), the document endpoint, and the pure
helpers of ``service.web.present``."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import yaml
from docx import Document
from fastapi.testclient import TestClient

import penalty_engine as pe
from penalty_engine.core.general_stages import ART28
from penalty_engine.errors import PenaltyEngineError
from penalty_engine.service import Settings, add_key, create_app
from penalty_engine.service.web.present import bar, changes, flat_case, provisions, stages
from penalty_engine.service.web.views import expected
from penalty_engine.text import words
from tests.conftest import AS_OF, ROOT

from .conftest import SAMPLE, Keys


@dataclass
class Officers:
    a: str  # role evaluate only
    b: str  # role evaluate only
    auditor: str  # role read


@pytest.fixture(scope="module")
def officers(keys: Keys) -> Officers:
    return Officers(
        add_key(keys.file, "officer-a", ["evaluate"])[1],
        add_key(keys.file, "officer-b", ["evaluate"])[1],
        keys.read,
    )


@pytest.fixture(scope="module")
def web(
    keys: Keys, officers: Officers, tmp_path_factory: pytest.TempPathFactory, engine: pe.Engine
) -> Iterator[TestClient]:
    ledger = tmp_path_factory.mktemp("web-ledger") / "ledger.sqlite3"
    app = create_app(Settings(keys_file=keys.file, ledger_url=str(ledger)), engine=engine)
    with TestClient(app) as c:
        yield c


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _evaluate(web: TestClient, secret: str, **change: Any) -> str:
    resp = web.post("/v1/evaluate?lang=zh", json={**SAMPLE, **change}, headers=_auth(secret))
    assert resp.status_code == 200, resp.text
    return str(resp.headers["Ledger-Id"])


def test_the_page_is_served_at_the_root_in_chinese_without_a_key(web: TestClient) -> None:
    resp = web.get("/")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in resp.text and "行政处罚裁量辅助" in resp.text
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    # the page's own script and style sheet, nothing from elsewhere
    sources = re.findall(r'(?:src|href)="([^"]+)"', resp.text)
    assert all(s.startswith(("/", "data:", "#")) for s in sources), sources
    assert web.get("/static/web/web.js").status_code == 200
    assert web.get("/static/web/web.css").status_code == 200
    en = web.get("/?lang=en")
    assert '<html lang="en">' in en.text and "Penalty discretion assistant" in en.text


def test_the_fragments_need_a_key(web: TestClient, officers: Officers) -> None:
    for path in ("/web/rules", "/web/form/cn-transport/unlicensed-freight", "/web/result/dec_x"):
        resp = web.get(path)
        assert resp.status_code == 401 and resp.headers["content-type"] == "application/problem+json", path
    assert web.get("/web/rules", headers=_auth(officers.a)).status_code == 200


def test_the_rule_list_can_be_searched_by_title_article_or_keyword(web: TestClient, officers: Officers) -> None:
    html = web.get("/web/rules", headers=_auth(officers.a)).text
    items = re.findall(r'<li data-search="([^"]*)">\s*<button type="button" class="rule" data-rule="([^"]+)"', html)
    assert len(items) == len(pe.Engine.load().rules())
    found = {rule for hay, rule in items if "第六十三条" in hay}
    assert "cn-transport/unlicensed-freight" in found  # by article
    assert "cn-transport/unlicensed-freight" in {rule for hay, rule in items if "违法所得" in hay}  # by a fact


def test_the_form_is_made_from_the_fact_table(web: TestClient, officers: Officers, engine: pe.Engine) -> None:
    html = web.get("/web/form/cn-transport/overload-gross-mass", headers=_auth(officers.a)).text
    rule = engine.rule("cn-transport/overload-gross-mass")
    for name, spec in rule.facts.items():
        assert f'data-fact="{name}"' in html, name
        assert spec.label.zh in html
    field = re.search(r'<input id="f-excess_mass_kg"[^>]*>', html)
    assert field is not None
    tag = field.group(0)
    assert 'data-type="int"' in tag and 'data-min="1"' in tag and 'data-max="200000"' in tag and " required" in tag
    assert '<select id="f-harm"' in html and '<option value="serious">严重</option>' in html  # enum, shown in Chinese
    assert 'name="facts.corrected_in_time" value="true"' in html  # yes/no as radio buttons
    assert 'type="date"' in html
    # when each version is in force, in dates as people write them (rules/…/unlicensed-freight.yaml)
    freight = web.get("/web/form/cn-transport/unlicensed-freight", headers=_auth(officers.a)).text
    periods = "2019年3月2日 至 2022年4月30日；2022年5月1日 至 2023年7月19日；2023年7月20日 起，现行有效"
    assert f"规则施行期间：{periods}" in freight
    missing = web.get("/web/form/cn-transport/no-such-rule", headers=_auth(officers.a))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("violation", "fact", "bad"),
    [
        ("cn-transport/unlicensed-freight", "prior_12m", 200),
        ("cn-transport/unlicensed-freight", "illegal_gain", "1.234"),
        ("cn-transport/unlicensed-freight", "harm", "big"),
        ("cn-transport/overload-gross-mass", "excess_mass_kg", 0),
    ],
)
def test_what_the_form_expects_is_worded_as_the_api_words_it(
    web: TestClient, officers: Officers, engine: pe.Engine, violation: str, fact: str, bad: Any
) -> None:
    """The page's script says ``{field}: expected {expected}, got {got}``: ``expected`` is the
    API's own words for the fact."""
    case = {**SAMPLE, "violation": violation, "facts": {fact: bad}}
    resp = web.post("/v1/evaluate", json=case, headers=_auth(officers.a))
    assert resp.status_code == 422
    spec = engine.rule(violation).facts[fact]
    assert resp.json()["detail"] == f"facts.{fact}: expected {expected(spec, 'en')}, got {bad!r}"


def test_an_officer_reads_only_the_records_of_its_own_key(web: TestClient, officers: Officers) -> None:
    mine = _evaluate(web, officers.a)
    theirs = _evaluate(web, officers.b, case_id="OTHER-1")
    assert web.get(f"/v1/decisions/{mine}", headers=_auth(officers.a)).status_code == 200
    for path in (f"/v1/decisions/{theirs}", f"/web/result/{theirs}", f"/v1/decisions/{theirs}/document?format=md"):
        resp = web.get(path, headers=_auth(officers.a))
        assert resp.status_code == 403, path
        assert resp.json()["code"] == "PE-S403" and "OTHER-1" not in resp.text
    # comparing with another officer's decision is reading it
    assert web.get(f"/web/result/{mine}?compare={theirs}", headers=_auth(officers.a)).status_code == 403
    # a key with the role read (an auditor) reads every record
    assert web.get(f"/v1/decisions/{theirs}", headers=_auth(officers.auditor)).status_code == 200
    assert web.get(f"/v1/decisions/{mine}", headers=_auth(officers.auditor)).status_code == 200
    assert web.get("/v1/decisions/dec_missing", headers=_auth(officers.a)).status_code == 404


def test_the_result_fragment_shows_the_decision_for_people(web: TestClient, officers: Officers) -> None:
    rid = _evaluate(web, officers.a)
    html = web.get(f"/web/result/{rid}", headers=_auth(officers.a)).text
    # the sample's hand computation (cases/cn-transport/sample.yaml): 52,000, band 36,400–57,200
    assert "52,000元" in html and "伍万贰仟元整" in html
    assert 'data-min="36400" data-max="57200"' in html
    assert "2026年4月10日" in html
    assert "规则版本起始日 2023年7月20日" in html and "2023-07-20" not in html  # the version applied, as a date
    assert rid in html
    # the provision the trail cites is quoted
    assert "道路运输条例 第六十三条第（一）项" in html and "处违法所得1倍以上5倍以下的罚款" in html
    assert "非法律规定" in html  # assumptions are marked as not law
    en = web.get(f"/web/result/{rid}?lang=en", headers=_auth(officers.a)).text
    assert "CNY 52,000" in en


def test_the_comparison_names_what_changed(web: TestClient, officers: Officers) -> None:
    before = _evaluate(web, officers.a)
    after = _evaluate(web, officers.a, facts={**SAMPLE["facts"], "several_vehicles": False})
    html = web.get(f"/web/result/{after}?compare={before}", headers=_auth(officers.a)).text
    diff = html[html.index('class="card diff"') : html.index('class="summary card"')]
    # without the factor the position is the middle of the band: 36,400 + 1/2 × 20,800 = 46,800
    assert "组织两台以上车辆从事经营" in diff and "是" in diff and "否" in diff
    assert "52,000元" in diff and "46,800元" in diff


def test_the_document_endpoint(web: TestClient, officers: Officers) -> None:
    rid = _evaluate(web, officers.a)
    md = web.get(f"/v1/decisions/{rid}/document?format=md", headers=_auth(officers.a))
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert (
        "attachment" in md.headers["content-disposition"] and "SAMPLE-2026-0001.md" in md.headers["content-disposition"]
    )
    assert "52,000元" in md.text
    docx = web.get(f"/v1/decisions/{rid}/document?format=docx", headers=_auth(officers.a))
    assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxml")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    text += "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert "52,000元" in text and "伍万贰仟元整" in text  # 36400 + 0.75 × 20800 = 52000, in figures and 大写
    # as penalty evaluate -o writes it: the recorded case's party, the provisions quoted from the pack
    assert "＿＿＿＿＿＿＿＿＿＿（单位）" in text
    assert "擅自从事道路普通货物运输经营，违法所得超过1万元的" in text  # 道路运输条例 Art. 63 item 1
    named = _evaluate(web, officers.a, case_id="SAMPLE-NAMED", party={"kind": "individual", "age": 15, "name": "张某"})
    minor = web.get(f"/v1/decisions/{named}/document?format=docx", headers=_auth(officers.a))
    cells = {r.cells[0].text: r.cells[-1].text for t in Document(io.BytesIO(minor.content)).tables for r in t.rows}
    assert cells["当事人"] == "张某（个人，15周岁）"
    js = web.get(f"/v1/decisions/{rid}/document?format=json", headers=_auth(officers.a))
    assert js.json()["recommended_fine"] == "52000"
    bad = web.get(f"/v1/decisions/{rid}/document?format=pdf", headers=_auth(officers.a))
    assert bad.status_code == 422 and bad.json()["field"] == "format"


def test_bar_positions() -> None:
    b = bar(Decimal(15600), Decimal(78000), Decimal(36400), Decimal(57200), Decimal(52000))
    # (36,400 − 15,600) / 62,400 = 1/3 → 333; 2/3 → 667; (52,000 − 15,600) / 62,400 = 7/12 → 583
    assert (b.band_from, b.band_to, b.mark) == (333, 667, 583) and not b.point
    fixed = bar(Decimal(2500), Decimal(2500), Decimal(2500), Decimal(2500), Decimal(2500))
    assert fixed.point and fixed.mark == 500


def test_every_citation_of_a_decision_is_quoted(engine: pe.Engine) -> None:
    """The page quotes each provision a trail cites from the pack's own quotations; the one the
    engine cites by itself (Art. 28, order to correct) has no quoted text in any pack yet."""
    seen = 0
    for path in sorted((ROOT / "cases" / "cn-transport").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("expect", None)
        if "violation" not in data:
            continue
        try:
            d = engine.evaluate_any(data, as_of=AS_OF)
        except PenaltyEngineError:  # golden cases of refused input
            continue
        if not isinstance(d, pe.Decision):
            continue
        rule = engine.rule(d.violation.id)
        quoted = provisions(rule.rule, rule.pack)
        cited = {c for s in d.trail for c in s.basis if not c.startswith("裁量基准")} - {ART28}
        assert cited <= set(quoted), (path.name, cited - set(quoted))
        seen += 1
    assert seen >= 10


def test_trail_stages_keep_every_step_once_in_order(engine: pe.Engine) -> None:
    d = engine.evaluate_any({**SAMPLE}, as_of=AS_OF)
    assert isinstance(d, pe.Decision)
    grouped = stages(d.trail)
    names = [n for n, _ in grouped]
    assert names[0] == "admissible" and len(set(names)) == len(names)
    assert sorted(s.step for _, g in grouped for s in g) == [s.step for s in d.trail]


def test_changes_and_flat_case() -> None:
    a = flat_case({"occurred_on": "2026-03-02", "party": {"kind": "organization"}, "facts": {"x": 1}})
    b = flat_case({"occurred_on": "2026-03-02", "party": {"kind": "individual", "age": 15}, "facts": {"x": 2}})
    assert changes(a, b) == [("party.kind", "organization", "individual"), ("party.age", None, 15), ("facts.x", 1, 2)]


def test_the_page_words_exist_in_both_languages() -> None:
    zh, en = words("zh").area("web"), words("en").area("web")
    assert set(zh) == set(en) and zh["title"] != en["title"]


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_colours_meet_wcag_aa_contrast() -> None:
    css = (ROOT / "penalty_engine" / "service" / "web" / "static" / "web.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6});", css))
    pairs = [  # (text, background) as the style sheet uses them
        ("ink", "paper"),
        ("ink", "bg"),
        ("muted", "paper"),
        ("muted", "bg"),
        ("primary", "paper"),
        ("primary-ink", "primary"),
        ("error", "paper"),
        ("warn-ink", "warn-bg"),
        ("ink", "duty-bg"),
        ("ok", "paper"),
        ("mark", "paper"),
    ]
    for text, background in pairs:
        ratio = _contrast(var[text], var[background])
        assert ratio >= 4.5, (text, background, round(ratio, 2))
    # #ffffff on #0b4f8a: luminance 1 and ≈ 0.075, (1 + 0.05) / (0.075 + 0.05) ≈ 8.4
    assert _contrast("#ffffff", "#0b4f8a") > 8


def test_every_field_of_the_form_has_a_label(web: TestClient, officers: Officers) -> None:
    html = web.get("/web/form/cn-transport/unlicensed-freight", headers=_auth(officers.a)).text
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    ids = re.findall(r'<(?:input|select) id="([^"]+)"', html)
    assert ids and set(ids) <= labelled
    # radio buttons sit inside their label, in a fieldset with a legend
    radios = re.findall(r'<label><input type="radio"', html)
    assert len(radios) == len(re.findall(r'type="radio"', html))
    assert html.count("<fieldset") == html.count("<legend>")


def test_every_enum_value_of_the_bundled_packs_has_words(engine: pe.Engine) -> None:
    """The form shows a choice in words (``web.value.*``), never the pack's identifier."""
    values = {v for r in engine.rules() for s in r.facts.values() for v in s.values or ()}
    assert values
    for lang in ("zh", "en"):
        assert sorted(v for v in values if f"web.value.{v}" not in words(lang).texts) == [], lang
