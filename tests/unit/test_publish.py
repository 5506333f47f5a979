"""The published benchmark document (行政处罚法 Art. 34): complete, self-contained, escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import RuleError
from penalty_engine.models import AllOf, AnyOf, LawRef, Pack
from penalty_engine.pack.compiled import CompiledRule, compile_pack
from penalty_engine.pack.loader import load_pack_files
from penalty_engine.publish import publication, publish, render_publication
from penalty_engine.publish.conditions import condition_view
from tests.conftest import AS_OF, MINI_PACK, MINI_RULE, case


class _Text(HTMLParser):
    """Visible text of an HTML document (entities decoded), plus every src/href and the CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        self.links += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data", "action", "poster")]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def html_text(doc: str) -> _Text:
    parser = _Text()
    parser.feed(doc)
    return parser


def md_text(doc: str) -> str:
    """Markdown with its backslash escapes undone and whitespace collapsed."""
    return " ".join(re.sub(r"\\([\\`*_\[\]<>|#])", r"\1", doc).split())


def norm(text: str) -> str:
    return " ".join(text.split())


def pack_assumptions(pack: Pack, rules: list[CompiledRule]) -> list[str]:
    """Every assumption a pack states, found independently of the publish module."""
    g = pack.general
    found = [
        pack.boundaries.assumption,
        pack.rounding.assumption,
        pack.tier_scheme.assumption,
        pack.factor_start_assumption,
        *[s.assumption for s in pack.settings.values()],
        g.limitation.assumption if g.limitation else None,
        g.below_minimum.assumption if g.below_minimum else None,
        g.legal_review_with_hearing.assumption if g.legal_review_with_hearing else None,
        *[h.assumption for h in g.hearing],
        *[lst.assumption for lst in g.lists.values()],
        *pack.assumptions,
    ]
    for r in rules:
        for v in r.rule.versions:
            found += [a if isinstance(a, str) else a.text for a in v.assumptions]
    return [norm(a) for a in found if a]


@pytest.fixture(scope="module")
def shipped() -> tuple[Pack, list[CompiledRule]]:
    loaded = load_pack_files("cn-transport")
    return loaded.pack, compile_pack(loaded)


@pytest.fixture(scope="module")
def docs(shipped: tuple[Pack, list[CompiledRule]]) -> dict[tuple[str, str], str]:
    pack, rules = shipped
    return {(f, lang): render_publication(pack, rules, f, lang) for f in ("html", "markdown") for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_title_assumption_and_quote_in_html_and_markdown(
    shipped: tuple[Pack, list[CompiledRule]], docs: dict[tuple[str, str], str], lang: str
) -> None:
    pack, rules = shipped
    html = html_text(docs["html", lang]).text
    md = md_text(docs["markdown", lang])
    assumptions = pack_assumptions(pack, rules)
    assert len(assumptions) >= 10
    quotes = {norm(b.text) for r in rules for v in r.rule.versions for b in v.basis}
    quotes |= {norm(b.text) for p in pack.general.provisions for b in p.basis}
    for text in (html, md):
        assert pack.title.zh in text and pack.title.en in text and pack.version in text
        for r in rules:
            assert r.rule.title.zh in text and r.rule.title.en in text and r.id in text
        for a in assumptions:
            assert a in text, a
        for q in quotes:
            assert q in text, q
        assert "道路运输条例 第六十三条第（一）项" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_register_lists_every_assumption_marked_not_law(
    shipped: tuple[Pack, list[CompiledRule]], docs: dict[tuple[str, str], str], lang: str
) -> None:
    pack, rules = shipped
    doc = publication(pack, rules, lang)
    entries = doc["assumptions"]
    assert sorted(e.text for e in entries) == sorted(pack_assumptions(pack, rules))
    marker = "假设（非法律规定）" if lang == "zh" else "Assumption (not law)"
    heading = "假设清单" if lang == "zh" else "Register of assumptions"
    html = html_text(docs["html", lang]).text
    md = md_text(docs["markdown", lang])
    for text in (html, md):
        register = text[text.rindex(heading) :]
        assert register.count(marker) >= len(entries)
        for e in entries:
            assert re.search(rf"\b{e.tag}\b", register) and e.text in register
    conditional = [e for e in entries if e.when is not None]
    assert conditional, "the shipped pack has conditional assumptions"
    for e in conditional:  # the condition is shown with the assumption, in words and as written
        assert e.when.words and e.when.cel in md
        assert e.when.cel in html


def test_html_is_self_contained_printable_and_renders_chinese(docs: dict[tuple[str, str], str]) -> None:
    doc = docs["html", "zh"]
    parsed = html_text(doc)
    assert doc.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in doc
    assert all(link.startswith("#") for link in parsed.links), [x for x in parsed.links if not x.startswith("#")]
    assert not re.search(r"""(?:src|href|srcset)\s*=\s*["']?\s*(?:https?:)?//""", doc, re.IGNORECASE)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(parsed.tags)
    assert "@import" not in parsed.style and "url(" not in parsed.style
    assert '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif' in doc
    assert "@media print" in parsed.style and "@page" in parsed.style


def test_band_amounts_are_the_engines(engine: pe.Engine, docs: dict[tuple[str, str], str]) -> None:
    md = md_text(docs["markdown", "zh"])
    facts = [{"prior_12m": 0, "corrected_on_spot": True}, {}, {"prior_12m": 2}]
    tiers = []
    for f in facts:
        d = engine.evaluate(case("unqualified-driver", f), as_of=AS_OF)
        assert d.band is not None
        tiers.append(d.tier)
        assert f"{d.band.min}元 – {d.band.max}元" in md
    assert tiers == ["lighter", "standard", "heavier"]


def test_conditions_in_words_where_simple() -> None:
    from penalty_engine.models.rules import FactSpec

    facts = {
        "illegal_gain": FactSpec.model_validate(
            {"type": "money", "unit": "元", "label": {"zh": "违法所得", "en": "gain"}}
        ),
        "serious": FactSpec.model_validate({"type": "bool", "label": {"zh": "情节严重", "en": "serious"}}),
        "harm": FactSpec.model_validate(
            {"type": "enum", "values": ["none", "serious"], "label": {"zh": "危害后果", "en": "harm"}}
        ),
    }
    view = condition_view("illegal_gain > 10000", facts, "zh")
    assert view is not None and view.words == "违法所得超过10000元" and view.cel == "illegal_gain > 10000"
    en = condition_view(AllOf(all=("!serious", AnyOf(any=('harm == "serious"', "illegal_gain >= 1")))), facts, "en")
    assert en is not None
    assert en.words == "not: serious and (harm is “serious” or gain is at least 1 yuan)"
    assert en.cel == '!serious && (harm == "serious" || illegal_gain >= 1)'
    complex_ = condition_view("double(illegal_gain) * 1.5 > 2.0", facts, "zh")
    assert complex_ is not None and complex_.words is None  # shown as written
    assert condition_view(None, facts, "zh") is None


def test_escaping_and_a_synthetic_pack_with_every_kind_of_assumption(write_pack: Any) -> None:
    pack_text = (
        MINI_PACK.replace(
            "boundaries: {assumption: 以上、以下包括本数}",
            "boundaries: {above: inclusive, below: exclusive, assumption: 以下 excludes the maximum here}",
        )
        + 'assumptions: ["<script>alert(1)</script> & a | pipe"]\n'
    )
    rule = MINI_RULE.replace(
        "    frame:\n",
        "    assumptions:\n      - plain one\n      - {when: n >= 3, text: only from the third}\n    frame:\n",
    )
    root = write_pack(rule, pack=pack_text)
    html = publish(root, "html", "en")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; a | pipe" in html
    md = publish(root, "markdown", "en")
    assert r"\<script\>alert(1)\</script\> & a \| pipe" in md
    for doc in (html_text(html).text, md_text(md)):
        for text in (
            "<script>alert(1)</script> & a | pipe",
            "以下 excludes the maximum here",
            "plain one",
            "only from the third",
            "count is at least 3",
        ):
            assert text in doc
    assert publish(root, "html", "en") == html  # deterministic: no clock, no randomness


def test_invalid_pack_is_not_published(write_pack: Any) -> None:
    root = write_pack(MINI_RULE.replace("when: n >= 2", "when: m >= 2"))
    with pytest.raises(RuleError, match="PE-R007"):
        publish(root, "html")
    with pytest.raises(ValueError, match="format"):
        publish("cn-transport", "pdf")


def test_law_text_is_quoted_once_per_version(shipped: tuple[Pack, list[CompiledRule]]) -> None:
    pack, rules = shipped
    doc = publication(pack, rules, "zh")
    for view, compiled in zip(doc["rules"], rules, strict=True):
        assert len(view.versions) == len(compiled.rule.versions)
        for vv in view.versions:
            assert vv.basis and all(q.text for q in vv.basis)
    ref = next(b for r in rules for v in r.rule.versions for b in v.basis if isinstance(b, LawRef))
    assert ref.citation in publish("cn-transport", "markdown")
