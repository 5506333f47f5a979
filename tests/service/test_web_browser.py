"""The officers' page in the distribution's Chromium (Playwright pointed at /usr/bin/chromium; no
tool downloads a browser): ``penalty serve`` runs as a process with an officer's key (role
``evaluate`` only); the tests log in, choose a violation, fill its form, submit, and check what the
page shows against the library ``Engine`` on the same case (and against hand computations), and
the files the page downloads against the API's answer and ``penalty evaluate CASE -o FILE.docx``.

``PENALTY_WEB_SHOTS=docs/img`` also saves the screenshots of docs/web.md (1366×768).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from typer.testing import CliRunner

import penalty_engine as pe
from penalty_engine.cli import app
from penalty_engine.text import capitals
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs Debian's chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra)")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLI = [sys.executable, str(ROOT / "cli.py")]
SHOTS = os.environ.get("PENALTY_WEB_SHOTS")
VIEW = {"width": 1366, "height": 768}


@dataclass
class Server:
    base: str
    officer: str  # role evaluate only
    other: str  # another officer


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("web")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    keys = tmp / "keys.json"

    def add(name: str) -> str:
        cmd = [*CLI, "serve", "keys", "add", name, "--role", "evaluate", "--keys", str(keys)]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=True).stdout.strip()

    officer, other = add("officer-a"), add("officer-b")
    port = _free_port()
    cmd = [*CLI, "serve", "--keys", str(keys), "--port", str(port), "--ledger", str(tmp / "ledger.sqlite3")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield Server(base, officer, other)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="pe-chromium-")
    with sync_api.sync_playwright() as p:
        # the browser's own controls (the date fields: 2026/03/02) as on an officer's Chinese system,
        # where Debian's chromium-l10n is installed; without it Chromium shows them in en-US
        env = {**os.environ, "LANGUAGE": "zh_CN"}
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, env=env)
        yield b
        b.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEW, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.base + "/")
    pg.fill("#api-key", server.officer)
    pg.click("#login-form button[type=submit]")
    pg.wait_for_selector("#rules li")
    yield pg
    context.close()
    assert errors == [], errors  # no script error on the page


def _shot(pg: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(SHOTS) / name))


def _fill(pg: Any, case: dict[str, Any]) -> None:
    """Choose the case's violation and fill the form as an officer would (a fact given as ``None``
    is a field the officer empties: a value not known)."""
    if pg.is_visible("#change-rule"):
        pg.click("#change-rule")
    pg.click(f"button[data-rule='{case['violation']}']")
    pg.wait_for_selector("#case-form")
    pg.fill("#case_id", case["case_id"])
    party = case["party"]
    pg.check(f"input[name='party.kind'][value={party['kind']}]")
    if "age" in party:
        pg.fill("#party_age", str(party["age"]))
    pg.fill("#occurred_on", case["occurred_on"])
    pg.fill("#discovered_on", case.get("discovered_on", ""))
    pg.fill("#decided_on", case["decided_on"])
    for name, value in case["facts"].items():
        if isinstance(value, bool):
            pg.check(f"input[name='facts.{name}'][value={'true' if value else 'false'}]")
        else:
            pg.fill(f"#f-{name}", "" if value is None else str(value))


def _submit(pg: Any) -> None:
    pg.click("#evaluate")
    pg.wait_for_selector("article.decision")


def _engine(engine: pe.Engine, case: dict[str, Any]) -> dict[str, Any]:
    given = {**case, "facts": {k: v for k, v in case["facts"].items() if v is not None}}
    return engine.evaluate_any(given, as_of=dt.date.fromisoformat(case["decided_on"])).model_dump(mode="json")


def _shown(pg: Any) -> dict[str, Any]:
    """What the result shows: recommendation, band, range, duties, penalties, tier."""
    art = pg.locator("article.decision")
    band, rng = pg.locator("#band"), pg.locator("#range")
    return {
        "fine": art.get_attribute("data-fine") or None,
        "tier": art.get_attribute("data-tier") or None,
        "outcome": art.get_attribute("data-outcome"),
        "band": {"min": band.get_attribute("data-min"), "max": band.get_attribute("data-max")},
        "range": {"min": rng.get_attribute("data-min"), "max": rng.get_attribute("data-max")},
        "duties": [li.get_attribute("data-kind") for li in pg.locator("#duties li[data-kind]").all()],
        "penalties": [li.get_attribute("data-kind") for li in pg.locator("#penalties li[data-kind]").all()],
    }


def _case(violation: str, facts: dict[str, Any], case_id: str, **extra: Any) -> dict[str, Any]:
    out = {
        "case_id": case_id,
        "violation": violation,
        "occurred_on": "2026-03-02",
        "discovered_on": "2026-03-05",
        "decided_on": "2026-04-10",
        "party": {"kind": "organization"},
        "facts": facts,
    }
    out.update(extra)
    return out


# (case, hand-computed recommendation, hand-computed statutory range)
CASES = [
    pytest.param(
        # fixed range 0–30,000 (公路法 Art. 76): second finding → standard band 10,000–20,000;
        # 60% over the limit → large-excess +1/4 → position 3/4 → 10,000 + 3/4 × 10,000 = 17,500
        _case("cn-transport/highway-law-over-limit", {"prior_12m": 1, "excess_ratio_pct": "60"}, "WEB-FIXED-1"),
        "17500",
        ("0", "30000"),
        id="fixed-range",
    ),
    pytest.param(
        # gain 15,600 > 10,000 → 1–5 × gain = 15,600–78,000; standard band 36,400–57,200; several
        # vehicles +1/4 → 3/4 → 52,000 (cases/cn-transport/sample.yaml)
        _case(
            "cn-transport/unlicensed-freight",
            {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
            "WEB-GAIN-OVER",
        ),
        "52000",
        ("15600", "78000"),
        id="gain-over-10000",
    ),
    pytest.param(
        # gain 8,000 ≤ 10,000, not serious → the base branch 3,000–10,000 (gain confiscated);
        # first finding → lighter band 3,000–5,300 (3,000 + 7,000/3 = 5,333.33 → 5,300 to 100 yuan);
        # middle: 3,000 + 1/2 × 2,300 = 4,150 → half up to 100 yuan → 4,200
        _case("cn-transport/unlicensed-freight", {"illegal_gain": "8000"}, "WEB-GAIN-UNDER"),
        "4200",
        ("3000", "10000"),
        id="gain-under-10000",
    ),
    pytest.param(
        # gain not known (the field emptied): the base branch 3,000–10,000, nothing to confiscate;
        # second finding → standard band 3,000 + 7,000/3 = 5,333.33 → 5,300 to 3,000 + 14,000/3 =
        # 7,666.67 → 7,700; middle (5,300 + 7,700) / 2 = 6,500
        _case("cn-transport/unlicensed-freight", {"illegal_gain": None, "prior_12m": 1}, "WEB-GAIN-NONE"),
        "6500",
        ("3000", "10000"),
        id="gain-unknown",
    ),
    pytest.param(
        # 5,500 kg over the gross-mass limit: whole 1,000 kg counted → 5 × 500 = 2,500, fixed
        _case("cn-transport/overload-gross-mass", {"excess_mass_kg": 5500}, "WEB-TONNE"),
        "2500",
        ("2500", "2500"),
        id="per-tonne",
    ),
]


@pytest.mark.parametrize(("case", "fine", "statutory"), CASES)
def test_the_page_shows_what_penalty_evaluate_gives(
    page: Any, engine: pe.Engine, case: dict[str, Any], fine: str, statutory: tuple[str, str]
) -> None:
    _fill(page, case)
    _submit(page)
    shown = _shown(page)
    want = _engine(engine, case)
    assert shown["fine"] == want["recommended_fine"] == fine
    assert (shown["range"]["min"], shown["range"]["max"]) == statutory
    assert shown["range"] == want["statutory_range"]
    assert shown["band"] == want["band"]
    assert shown["tier"] == want["tier"] and shown["outcome"] == want["outcome"]
    assert shown["duties"] == [d["kind"] for d in want["duties"]]
    assert shown["penalties"] == [p["kind"] for p in want["penalties"]]
    # in figures and in capitals, as people write them
    assert page.inner_text("#fine") == f"{int(fine):,}元"
    assert capitals(Decimal(fine)) in page.inner_text("#fine-capitals")
    # the downloaded JSON is the decision the API returned: the engine's, trail in Chinese
    with page.expect_download() as dl:
        page.click("button[data-action=json]")
    got = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert {k: v for k, v in got.items() if k != "trail"} == {k: v for k, v in want.items() if k != "trail"}
    assert [s["code"] for s in got["trail"]] == [s["code"] for s in want["trail"]]


def _docx_texts(data: bytes) -> list[str]:
    """Every text of a .docx in order: paragraphs, then each table's rows (cells joined by |), then
    the sections' headers and footers."""
    d = docx.Document(io.BytesIO(data))
    out = [p.text for p in d.paragraphs]
    out += [" | ".join(c.text for c in row.cells) for t in d.tables for row in t.rows]
    for sec in d.sections:
        out += [p.text for part in (sec.header, sec.footer) for p in part.paragraphs]
    return out


@pytest.mark.parametrize(("case", "fine", "statutory"), CASES)
def test_the_downloaded_files_are_what_the_api_answered_and_penalty_evaluate_writes(
    page: Any, engine: pe.Engine, tmp_path: Path, case: dict[str, Any], fine: str, statutory: tuple[str, str]
) -> None:
    _fill(page, case)
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/v1/evaluate")) as answered:
        _submit(page)
    api = answered.value
    sent, decision = api.request.post_data_json, api.json()
    # the page sent the case typed in; the facts left alone at the rule's defaults
    assert {k: sent.get(k) for k in case if k != "facts"} == {k: v for k, v in case.items() if k != "facts"}
    facts = engine.rule(case["violation"]).facts
    for name, value in sent["facts"].items():
        want = case["facts"].get(name, facts[name].default)
        assert str(value).lower() == str(want).lower(), name
    assert [k for k, v in case["facts"].items() if v is None and k in sent["facts"]] == []  # emptied: not sent
    assert decision["recommended_fine"] == fine
    # .json: the decision exactly as the API answered it
    with page.expect_download() as dl:
        page.click("button[data-action=json]")
    assert dl.value.suggested_filename == f"{case['case_id']}.json"
    assert json.loads(Path(dl.value.path()).read_text(encoding="utf-8")) == decision
    # .docx: what penalty evaluate writes for the case the page sent
    with page.expect_download() as dl:
        page.click("button[data-action=docx]")
    assert dl.value.suggested_filename == f"{case['case_id']}.docx"
    assert page.inner_text("#action-err") == ""
    got = tmp_path / "downloaded.docx"
    dl.value.save_as(got)
    (tmp_path / "case.json").write_text(json.dumps(sent, ensure_ascii=False), encoding="utf-8")
    written = tmp_path / "cli.docx"
    cli = CliRunner().invoke(app, ["evaluate", str(tmp_path / "case.json"), "-o", str(written)])
    assert cli.exit_code == 0, cli.output
    texts = _docx_texts(got.read_bytes())
    assert texts == _docx_texts(written.read_bytes())
    # not two empty documents: the case, the party's kind, the fine in figures and 大写, the law quoted
    rows = {t.split(" | ")[0]: t.split(" | ")[1] for t in texts if t.count(" | ") == 1}
    assert rows["案件编号"] == case["case_id"] and rows["当事人"].endswith("（单位）")
    assert rows["建议罚款"] == f"{int(fine):,}元（大写：人民币{capitals(Decimal(fine))}）"
    assert "（条文原文见该法）" in texts  # 行政处罚法 Art. 28, which the packs do not quote (docs/web.md)
    assert sum(1 for t in texts if t == "（条文原文见该法）") == 1  # every other provision quoted
    # the writer is pure (render.document): the same decision gives the same bytes
    assert got.read_bytes() == written.read_bytes()


def test_duties_that_change_the_procedure_are_highlighted(page: Any, engine: pe.Engine) -> None:
    # an individual fined 26,000 (see the minor test): above the hearing threshold for individuals
    case = _case(
        "cn-transport/unlicensed-freight",
        {"illegal_gain": "15600", "prior_12m": 1},
        "WEB-DUTY",
        party={"kind": "individual"},
    )
    _fill(page, case)
    _submit(page)
    kinds = [d["kind"] for d in _engine(engine, case)["duties"]]
    assert "hearing_notice" in kinds
    highlighted = [li.get_attribute("data-kind") for li in page.locator("#duties li.key-duty").all()]
    assert highlighted == [k for k in kinds if k in {"hearing_notice", "legal_review", "collective_discussion"}]


def test_a_minor_gets_the_mandatory_mitigation(page: Any, engine: pe.Engine) -> None:
    # 15 years old at the act: 行政处罚法 Art. 30 requires a lighter penalty, so the standard tier
    # (second finding) is capped at lighter: band 15,600–36,400, middle 26,000
    case = _case(
        "cn-transport/unlicensed-freight",
        {"illegal_gain": "15600", "prior_12m": 1},
        "WEB-MINOR",
        party={"kind": "individual", "age": 15},
    )
    _fill(page, case)
    assert page.is_visible("#party_age")
    _submit(page)
    want = _engine(engine, case)
    shown = _shown(page)
    assert shown["tier"] == want["tier"] == "lighter"
    assert shown["fine"] == want["recommended_fine"] == "26000"
    assert shown["band"] == want["band"] == {"min": "15600", "max": "36400"}
    assert page.inner_text("#tier") == "从轻"
    tier_stage = page.locator("details[data-stage=tier]")
    tier_stage.locator("summary").click()
    text = tier_stage.inner_text()
    assert "应当从轻或者减轻" in text and "行政处罚法 第三十条" in text
    assert "已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚" in text  # quoted


def test_a_wrong_value_shows_the_fields_error_as_the_api_words_it(
    browser: Any, server: Server, engine: pe.Engine
) -> None:
    context = browser.new_context(viewport=VIEW, locale="en-GB")
    pg = context.new_page()
    pg.goto(server.base + "/?lang=en")
    pg.fill("#api-key", server.officer)
    pg.click("#login-form button[type=submit]")
    pg.wait_for_selector("#rules li")
    pg.click("button[data-rule='cn-transport/unlicensed-freight']")
    pg.wait_for_selector("#case-form")
    case = _case("cn-transport/unlicensed-freight", {}, "WEB-WRONG")
    auth = {"Authorization": f"Bearer {server.officer}"}
    wrong = [("prior_12m", "200", 200), ("prior_12m", "abc", "abc"), ("illegal_gain", "1.234", "1.234")]
    for name, typed, sent in wrong:
        pg.fill(f"#f-{name}", typed)  # checked as typed, before any submit
        shown = pg.inner_text(f"#err-{name}")
        api = httpx.post(f"{server.base}/v1/evaluate", json={**case, "facts": {name: sent}}, headers=auth, timeout=30)
        assert api.status_code == 422
        assert shown == api.json()["detail"]  # the same words as the API: field, expected, got
        assert pg.get_attribute(f"#f-{name}", "aria-invalid") == "true"
        pg.fill(f"#f-{name}", "1")
        assert pg.inner_text(f"#err-{name}") == ""
    # an error only the server finds (no version of the rule in force) is shown at its field
    pg.fill("#case_id", "WEB-OLD")
    pg.fill("#occurred_on", "2010-01-01")
    pg.fill("#decided_on", "2010-02-01")
    pg.click("#evaluate")
    message = "no version of cn-transport/unlicensed-freight is in force on 2010-01-01"
    sync_api.expect(pg.locator("#err-occurred_on")).to_contain_text(message)
    context.close()


def test_a_wrong_value_in_chinese(page: Any) -> None:
    page.click("button[data-rule='cn-transport/overload-gross-mass']")
    page.wait_for_selector("#case-form")
    page.fill("#f-excess_mass_kg", "0")
    label = "车货总质量超过限定标准的质量"
    assert page.inner_text("#err-excess_mass_kg") == f"{label}：应为整数（kg），1 至 200000，收到“0”"
    page.fill("#f-excess_mass_kg", "")
    page.click("#evaluate")
    assert page.inner_text("#err-excess_mass_kg") == f"{label}：必须填写"
    assert page.is_visible("#case-form")  # nothing was sent


def test_new_case_from_this_one_shows_what_changed(page: Any, engine: pe.Engine) -> None:
    first = _case("cn-transport/highway-law-over-limit", {"prior_12m": 1, "excess_ratio_pct": "60"}, "WEB-BASE")
    page.fill("#rule-search", "超限")
    visible = page.locator("#rules li:visible button[data-rule]")
    assert first["violation"] in [b.get_attribute("data-rule") for b in visible.all()]
    assert "cn-transport/unlicensed-freight" not in [b.get_attribute("data-rule") for b in visible.all()]
    _shot(page, "web-search.png")
    page.fill("#rule-search", "")
    _fill(page, first)
    _shot(page, "web-form.png")
    _submit(page)
    _shot(page, "web-result.png")
    page.click("button[data-action=from-this]")
    page.wait_for_selector("#case-form")
    assert page.input_value("#f-excess_ratio_pct") == "60"  # the form keeps the case
    page.fill("#case_id", "WEB-NEXT")
    page.fill("#f-prior_12m", "2")
    assert page.locator("[data-field='facts.prior_12m'].changed").count() == 1
    _submit(page)
    second = {**first, "case_id": "WEB-NEXT", "facts": {"prior_12m": 2, "excess_ratio_pct": "60"}}
    want = _engine(engine, second)
    assert _shown(page)["fine"] == want["recommended_fine"]
    diff = page.inner_text("section.diff")
    assert "一年内因同类违法行为被查处次数" in diff and "裁量档次" in diff and "建议罚款" in diff
    # heavier band 20,000–30,000, +1/4 → 3/4 → 27,500 (before: 17,500)
    assert want["recommended_fine"] == "27500"
    assert "17,500元" in diff and "27,500元" in diff
    _shot(page, "web-compare.png")


def test_the_page_works_from_the_keyboard(browser: Any, server: Server, engine: pe.Engine) -> None:
    context = browser.new_context(viewport=VIEW, locale="zh-CN")
    pg = context.new_page()
    pg.goto(server.base + "/")
    assert pg.evaluate("document.activeElement.id") == "api-key"  # the key field has the focus
    pg.keyboard.type(server.officer)
    pg.keyboard.press("Enter")
    pg.wait_for_selector("#rules li")
    pg.focus("#rule-search")
    pg.keyboard.type("车货总质量")
    pg.keyboard.press("Tab")  # to the first rule that matches
    rule = pg.evaluate("document.activeElement.dataset.rule")
    assert rule is not None and rule.endswith("overload-gross-mass")
    pg.keyboard.press("Enter")
    pg.wait_for_selector("#case-form")
    assert pg.evaluate("document.activeElement.id") == "case_id"
    pg.keyboard.type("WEB-KEYS")
    pg.fill("#occurred_on", "2026-03-02")  # the date picker is the browser's own control
    pg.focus("#f-excess_mass_kg")
    pg.keyboard.type("1500")
    pg.keyboard.press("Enter")  # submits the form
    pg.wait_for_selector("article.decision")
    decided = pg.input_value("#decided_on")  # today, as the form proposes
    case = {**_case(rule, {"excess_mass_kg": 1500}, "WEB-KEYS"), "decided_on": decided}
    del case["discovered_on"]
    assert _shown(pg)["fine"] == _engine(engine, case)["recommended_fine"] == "500"  # whole 1,000 kg: 1 × 500
    context.close()


def test_the_printout_has_the_result_and_the_whole_trail_without_the_controls(page: Any, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the printed text cannot be read")
    _fill(page, _case("cn-transport/overload-gross-mass", {"excess_mass_kg": 5500}, "WEB-PRINT"))
    _submit(page)
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4")  # what the browser's print (and "save as PDF") makes
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2,500元" in text and "贰仟伍佰元整" in text
    # the trail, folded on screen, is printed whole, with the provision quoted
    assert "每超1000千克罚款500元" in text
    assert "下载 JSON" not in text and "以此案为基础新建案件" not in text  # no buttons on paper
    assert page.locator("details.stage[open]").count() == 0  # folded again after printing
