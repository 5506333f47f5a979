"""The case-file document (render/document.py, render/docx.py): read back the .docx with python-docx and
the .html with the standard library's parser, and check what an officer signs under."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docx
import pytest

import penalty_engine as pe
from penalty_engine.check.golden import cases_dir, golden_files
from penalty_engine.core import read_case_file, to_case
from penalty_engine.models import Decision, Decisions, Party, Prose, in_lang, localized
from penalty_engine.render import law_texts, render_any, render_document
from penalty_engine.render.document import CaseFile, casefile
from tests.conftest import AS_OF, ROOT

SAMPLE = ROOT / "cases" / "cn-transport" / "sample.yaml"
SEPARATE = ROOT / "cases" / "cn-transport" / "combined" / "02-separate-acts.yaml"
GOLDEN = golden_files(cases_dir("cn-transport").parent)
LATIN = re.compile(r"[A-Za-z]+")


def evaluate(engine: pe.Engine, path: Path) -> Decision | Decisions:
    located = read_case_file(str(path))
    return engine.evaluate_any(located.data, as_of=AS_OF, source=located)


def docx_text(data: bytes) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """(style name, text) of every body paragraph, and the rows of every table (cell texts joined)."""
    doc = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name if p.style is not None else "", p.text) for p in doc.paragraphs]
    rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    return paragraphs, rows


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return "\n".join(parser.parts)


def document_text(result: Decision | Decisions, fmt: str, lang: str = "zh", **kw: Any) -> str:
    data = render_document(result, fmt, lang, **kw)  # type: ignore[arg-type]
    if fmt == "html":
        return html_text(data)
    paragraphs, rows = docx_text(data)
    return "\n".join([*(t for _, t in paragraphs), *("\t".join(r) for r in rows)])


# ---------------------------------------------------------------------------------------------- the .docx


def test_docx_states_the_recommended_fine_in_figures_and_capitals(engine: pe.Engine) -> None:
    # sample.yaml, by hand: band 36400–57200, position 3/4 → 36400 + 3/4 × 20800 = 52000;
    # 52000 in capitals: 伍万 (5 × 10000) 贰仟 (2 × 1000), whole yuan → 伍万贰仟元整
    decision = evaluate(engine, SAMPLE)
    paragraphs, rows = docx_text(render_document(decision, "docx", "zh"))
    box = {r[0]: r[1] for r in rows if len(r) == 2}
    assert box["建议罚款"] == "52,000元（大写：人民币伍万贰仟元整）"
    assert box["裁量区间"] == "36,400元至57,200元"
    assert box["法定罚款幅度"] == "15,600元至78,000元"  # 15600 × 1 to 15600 × 5
    assert box["处理结果"] == "给予行政处罚" and box["裁量档次"] == "一般"
    assert box["违法行为发生日"] == "2026年3月2日" and box["决定日"] == "2026年4月10日"
    assert paragraphs[0] == ("Title", "行政处罚裁量说明")
    headings = [t for style, t in paragraphs if style.startswith("Heading")]
    assert headings[:4] == ["一、裁量结果", "二、处罚种类", "三、程序义务和责令事项", "四、裁量因素"]
    for heading in ("裁量基准的取舍", "适用的法律条文", "裁量过程", "签署"):
        assert any(heading in h for h in headings), heading
    texts = [t for _, t in paragraphs]
    assert "•\t罚款：52,000元" in texts and "•\t没收违法所得：15,600元" in texts
    # the trail, numbered, one paragraph a step
    steps = localized(decision.trail, "zh") if isinstance(decision, Decision) else []
    assert [t for t in texts if re.match(r"\d+\.\t", t)] == [f"{s.step}.\t{s.message}" for s in steps]
    signers = [r[0] for r in rows if len(r) == 3]
    assert signers == ["承办人", "审核人", "负责人"]


def test_the_machine_line_is_last_and_holds_every_identifier(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    assert isinstance(decision, Decision)
    paragraphs, _ = docx_text(render_document(decision, "docx", "zh"))
    last = paragraphs[-1][1]
    assert last == (f"编号：cn-transport/unlicensed-freight@2023-07-20 · {decision.fingerprint} · {decision.engine}")
    assert sum(decision.fingerprint in t for _, t in paragraphs) == 1


def test_the_same_decision_gives_the_same_bytes(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    for fmt in ("docx", "html", "md"):
        assert render_document(decision, fmt, "zh") == render_document(decision, fmt, "zh")


@pytest.mark.parametrize("path", [SAMPLE, SEPARATE], ids=["one", "several"])
def test_a_decision_read_back_from_its_json_gives_the_same_document(engine: pe.Engine, path: Path) -> None:
    """What the ledger and the service keep is the decision JSON: a document made from it is the same."""
    result = evaluate(engine, path)
    back = type(result).model_validate(result.model_dump(mode="json"))
    for fmt in ("docx", "html"):
        assert render_document(back, fmt, "zh") == render_document(result, fmt, "zh")


def test_markdown_is_the_decision_render(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    assert render_document(decision, "md", "zh").decode("utf-8") == render_any(decision, "markdown", "zh")


def test_an_unknown_format_is_an_error(engine: pe.Engine) -> None:
    with pytest.raises(ValueError, match="one of docx, html, md, got 'pdf'"):
        render_document(evaluate(engine, SAMPLE), "pdf", "zh")  # type: ignore[arg-type]


def test_several_violations_each_decision_then_how_the_fines_combine(engine: pe.Engine) -> None:
    # 02-separate-acts, by hand: 1) heavier band 1400–2000, no factor (the prior findings set the tier and are
    # not counted again, ADR 0018) → 1400 + 0.5 × 600 = 1700; 2) 4 × 500 = 2000; separate acts: both stand,
    # 1700 + 2000 = 3700 → 叁仟 (3 × 1000) 柒佰 (7 × 100) 元整
    result = evaluate(engine, SEPARATE)
    assert isinstance(result, Decisions)
    paragraphs, rows = docx_text(render_document(result, "docx", "zh"))
    headings = [t for style, t in paragraphs if style.startswith("Heading")]
    titles = [d.violation.title for d in result.decisions]
    assert f"违法行为一：{titles[0]}" in headings and f"违法行为二：{titles[1]}" in headings
    assert headings.count("一、裁量结果") == 2 and "数个违法行为的罚款" in headings
    texts = [t for _, t in paragraphs]
    assert f"•\t{titles[0]}：1,700元" in texts and f"•\t{titles[1]}：2,000元" in texts
    assert "•\t罚款合计：3,700元（大写：人民币叁仟柒佰元整）" in texts
    recommended = [r[1] for r in rows if r[0] == "建议罚款"]
    assert recommended == ["1,700元（大写：人民币壹仟柒佰元整）", "2,000元（大写：人民币贰仟元整）"]
    machine = paragraphs[-1][1]
    assert all(d.fingerprint in machine for d in result.decisions) and machine.startswith("编号：")


def test_the_party_is_named_or_left_blank_to_fill_in(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    named = document_text(decision, "docx", party=Party(kind="organization", name="某某物流有限公司"))
    assert "某某物流有限公司（单位）" in named
    young = document_text(decision, "docx", party=Party(kind="individual", age=16))
    assert "＿＿＿＿＿＿＿＿＿＿（个人，16周岁）" in young
    blank = document_text(decision, "html")
    assert "当事人\n＿＿＿＿＿＿＿＿＿＿" in blank


def test_provisions_are_quoted_from_the_rule_version_applied(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    law = law_texts(engine, decision)
    rule = engine.rule("cn-transport/unlicensed-freight").rule
    applied = next(v for v in rule.versions if v.effective_from.isoformat() == "2023-07-20")
    cite = applied.basis[0].citation
    assert law[cite] == applied.basis[0].text
    text = document_text(decision, "html", law=law)
    assert applied.basis[0].text in text
    assert "行政处罚法 第三十六条" in law  # from the pack's general part (the limitation period)
    # a citation no pack quotes is still listed, with a note to see the law
    assert "（条文原文见该法）" in document_text(decision, "html", law={})


def test_a_factor_shows_its_label_or_a_neutral_word_never_its_id(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    assert isinstance(decision, Decision)
    factor = decision.factors[0]
    labelled = SimpleNamespace(id=factor.id, effect=factor.effect, basis=factor.basis, label={"zh": "多车", "en": "x"})
    with_label = decision.model_copy(update={"factors": [labelled], "trail": []})
    text = document_text(with_label, "docx")
    assert "从重：多车" in text and factor.id not in text
    unlabelled = SimpleNamespace(id=factor.id, effect=factor.effect, basis=factor.basis, label=None)
    without = decision.model_copy(update={"factors": [unlabelled], "trail": []})
    text = document_text(without, "docx")
    assert "从重情节" in text and factor.id not in text


def test_pack_prose_is_shown_in_the_documents_language(engine: pe.Engine) -> None:
    decision = evaluate(engine, SAMPLE)
    prose = decision.model_copy(update={"assumptions": [Prose("罚款按百元取整", "Fines are rounded to 100 yuan")]})
    assert "罚款按百元取整" in document_text(prose, "html", "zh")
    en = document_text(prose, "html", "en")
    assert "Fines are rounded to 100 yuan" in en and "罚款按百元取整" not in en
    assert "Recommended fine" in en and "CNY 52,000" in en and "建议罚款" not in en
    assert "伍万" not in en  # English states the figures only


# ------------------------------------------------------------------------------------- Chinese only


def _outside(result: Decision | Decisions, lang: str) -> list[str]:
    """The texts a document shows that are not its own: pack prose and trail messages (translated in
    the packs and the trail catalog, and checked there), and the case's own number."""
    decisions = [result] if isinstance(result, Decision) else result.decisions
    out: list[str] = [result.case_id]
    for d in decisions:
        out += [s.message for s in localized(d.trail, lang)]
        out += [in_lang(b, lang) for s in d.trail for b in s.basis]
        out += [in_lang(a, lang) for a in d.assumptions]
        out += [in_lang(b, lang) for f in d.factors for b in f.basis]
        out += [in_lang(b, lang) for x in d.duties for b in x.basis]
        out += [in_lang(o.reason, lang) for o in d.options] + [in_lang(b, lang) for o in d.options for b in o.basis]
    if isinstance(result, Decisions):
        out += [in_lang(result.combined.reason, lang), *result.combined.basis]
    return sorted(set(out), key=len, reverse=True)


def view_texts(view: CaseFile) -> list[str]:
    """Every text of a case-file view, which the .docx and the .html both draw (and add nothing to but
    layout: ``test_the_writers_add_no_words_of_their_own``)."""
    rows = [*view.head, *(r for p in view.parts for r in p.facts)]
    sections = [*(s for p in view.parts for s in p.sections), *view.tail]
    rows += [r for s in sections for r in s.box]
    out = [view.title, view.subtitle, *view.signatures, *view.sign_labels, view.date_blank, view.none, *view.page]
    out.append(view.machine)
    out += [p.heading for p in view.parts] + [t for r in rows for t in (r.label, r.value)]
    out += [t for s in sections for t in (s.title, s.note, *(x for e in s.entries for x in (e.text, e.basis, e.quote)))]
    return out


def _chinese_only(result: Decision | Decisions, text: str, view: CaseFile) -> list[str]:
    assert text.count(view.machine) <= 1
    text = text.replace(view.machine, "")
    for outside in _outside(result, "zh"):
        text = text.replace(outside, "")
    return LATIN.findall(text)


@pytest.mark.parametrize("path", GOLDEN, ids=[p.name for p in GOLDEN])
def test_a_chinese_document_adds_no_english_word_and_no_identifier(engine: pe.Engine, path: Path) -> None:
    """Every golden case: the words the document itself adds (labels, kinds, amounts, dates, the party,
    the quoted law) are Chinese; identifiers appear only in the machine line."""
    located = read_case_file(str(path))
    if "error" in (located.data.get("expect") or {}):
        pytest.skip("a case the engine refuses: no document")
    result = engine.evaluate_any(located.data, as_of=AS_OF, source=located)
    view = casefile(result, "zh", party=to_case(located.data, located).party, law=law_texts(engine, result))
    assert view.machine.startswith("编号：") and all(
        d.fingerprint in view.machine for d in ([result] if isinstance(result, Decision) else result.decisions)
    )
    assert _chinese_only(result, "\n".join(view_texts(view)), view) == []


WRITTEN = [SAMPLE, SEPARATE, *(ROOT / "cases" / "cn-transport" / "combined").glob("01-*.yaml")]


@pytest.mark.parametrize("path", WRITTEN, ids=[p.name for p in WRITTEN])
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_the_writers_add_no_words_of_their_own(engine: pe.Engine, path: Path, fmt: str) -> None:
    """The .docx and the .html show the view's texts and nothing else (the machine line once, last)."""
    located = read_case_file(str(path))
    result = engine.evaluate_any(located.data, as_of=AS_OF, source=located)
    party = to_case(located.data, located).party
    law = law_texts(engine, result)
    view = casefile(result, "zh", party=party, law=law)
    text = document_text(result, fmt, "zh", party=party, law=law)
    assert text.count(view.machine) == 1  # last: test_the_machine_line_is_last_and_holds_every_identifier
    assert _chinese_only(result, text, view) == []
    for t in sorted(filter(None, view_texts(view)), key=len, reverse=True):
        text = text.replace(t, "")
    assert re.sub(r"[\s•.\d]", "", text) == ""  # bullets, step numbers and page numbers only


def test_the_sample_document_in_chinese_has_no_english_at_all(engine: pe.Engine) -> None:
    result = evaluate(engine, SAMPLE)
    view = casefile(result, "zh")
    text = document_text(result, "docx", "zh").replace(view.machine, "").replace(result.case_id, "")
    assert LATIN.findall(text) == []
