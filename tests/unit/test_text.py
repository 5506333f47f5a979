"""The text catalogs (penalty_engine/text): both languages have every key, a missing key is an error,
and every key the code and the templates name is in the catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import penalty_engine
from penalty_engine.models import TrailStep
from penalty_engine.text import LANGS, CatalogError, MissingText, check_same_keys, parse_catalog, words
from penalty_engine.text.catalog import catalog_files, merge

PKG = Path(penalty_engine.__file__).resolve().parent


def shipped(lang: str) -> dict[str, str]:
    """Every text of ``lang`` in the package's files: ``<lang>.yaml`` and each ``<area>.<lang>.yaml``."""
    folder = PKG / "text"
    names = catalog_files([p.name for p in folder.iterdir()], lang)
    return merge({name: parse_catalog((folder / name).read_text(encoding="utf-8"), name) for name in names})


def test_both_languages_have_the_same_keys() -> None:
    zh, en = shipped("zh"), shipped("en")
    assert set(zh) == set(en)
    assert zh.keys() == words("zh").texts.keys()
    assert any(k.startswith("cli.") for k in zh)  # the area of its own file (cli.zh.yaml) is read


def test_an_area_file_is_read_after_the_main_file_and_may_not_repeat_its_keys() -> None:
    assert catalog_files(["zh.yaml", "en.yaml", "cli.zh.yaml", "cli.en.yaml", "b.zh.yaml"], "zh") == [
        "zh.yaml",
        "b.zh.yaml",
        "cli.zh.yaml",
    ]
    assert merge({"zh.yaml": {"a.x": "甲"}, "cli.zh.yaml": {"cli.y": "乙"}}) == {"a.x": "甲", "cli.y": "乙"}
    with pytest.raises(CatalogError, match=r"cli\.zh\.yaml: a\.x is given in zh\.yaml too"):
        merge({"zh.yaml": {"a.x": "甲"}, "cli.zh.yaml": {"a.x": "乙"}})


def test_a_catalog_with_a_key_the_other_lacks_is_refused() -> None:
    with pytest.raises(CatalogError, match=r"en\.yaml lacks publish\.only_zh"):
        check_same_keys({"zh": {"publish.doc": "基准", "publish.only_zh": "仅中文"}, "en": {"publish.doc": "doc"}})
    check_same_keys({"zh": {"a": "甲"}, "en": {"a": "A"}})  # equal key sets pass


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: yes\n", r"a must be a text \(quote it\), got True"),
        ("a:\n  b: 3\n", r"a\.b must be a text"),
        ('a: "fine of {lo"\n', "does not parse"),
        ('a: "x"\na: "y"\n', "'a' is given twice"),
        ('a:\n  b: "x"\n"a.b": "y"\n', r"a\.b is given twice"),
        ("a: !!python/object:os.system x\n", "not YAML"),
        ('- "a list"\n', "must be a mapping of texts"),
    ],
)
def test_a_catalog_file_that_is_wrong_is_refused(text: str, problem: str) -> None:
    with pytest.raises(CatalogError, match=problem):
        parse_catalog(text, "zh.yaml")


def test_nested_areas_join_their_keys_with_dots_and_keys_may_hold_dots() -> None:
    assert parse_catalog('trail:\n  tier: "T"\n  tier.capped: "C"\n') == {"trail.tier": "T", "trail.tier.capped": "C"}


def test_a_missing_key_raises_and_is_never_shown_in_place_of_its_text() -> None:
    with pytest.raises(MissingText, match=r"'publish\.dco' is not in the zh catalog; did you mean 'publish\.doc'"):
        words("zh")("publish.dco")
    with pytest.raises(MissingText):
        words("en").scope("decision")("no_such_label")


def test_sentence_patterns_are_filled_with_named_fields_in_either_language() -> None:
    assert words("zh")("publish.fine_range", lo="50元", hi="200元") == "处50元以上200元以下罚款"
    assert words("en")("publish.fine_range", lo="50 CNY", hi="200 CNY") == "fine of 50 CNY to 200 CNY"
    assert words("zh").scope("publish")("doc") == "行政处罚裁量基准"
    with pytest.raises(KeyError, match="hi"):  # a field the pattern names and the call lacks
        words("zh")("publish.fine_range", lo="50元")


def test_only_the_two_languages_exist() -> None:
    assert LANGS == ("zh", "en")
    with pytest.raises(ValueError, match="language must be one of zh, en, got 'fr'"):
        words("fr")


def test_trail_messages_come_from_the_catalog_and_an_unknown_code_is_an_error() -> None:
    step = TrailStep(
        1, "factor", [], {"factor": "f", "effect": "aggravating", "weight": "0.1", "result_text": "applies"}
    )
    assert step.message == "Factor 'f' (aggravating, weight 0.1): applies."
    zh = TrailStep(1, "factor", [], step.inputs, lang="zh")
    assert zh.message == "裁量因素“f”（从重，权重 0.1）：成立。"  # the engine's words shown in Chinese
    partial = TrailStep(1, "factor", [], {"factor": "f"})
    assert partial.message == "Factor 'f' (—, weight —): —."  # a value the step lacks is a dash
    with pytest.raises(MissingText, match=r"trail\.no_such_step"):
        _ = TrailStep(1, "no_such_step", [], {}).message


# Keys the code and the templates name literally, by file and the area they are looked up in.
_NAMED = [
    ("render/templates/*.j2", "decision", r"\bt\('(\w+)'"),
    ("render/document.py", "document", r"\bw\(\s*\"(\w+)\""),
    ("publish/templates/*.j2", "publish", r"\bt\('(\w+)'"),
    ("publish/document.py", "publish", r"\bt\(\s*\"(\w+)\""),
    ("newcase.py", "newcase", r"(?:\btx|\b_text\(lang\))\(['\"](\w+)['\"]"),
    ("cli/catalog.py", "catalog", r"\bt\(\"(\w+)\""),
    ("service/web/templates/*.html", "web", r"\bt\('([\w.]*\w)'"),
    ("service/web/templates/*.html", "decision", r"\bd\('(\w+)'"),
    ("service/web/static/web.js", "web", r"\btx\(\"([\w.]+)\""),
    ("impact/templates/*.j2", "impact", r"\bt\('(\w+)'"),
    ("impact/report.py", "impact", r"\bt\(\"(\w+)\""),
    ("cli/*.py", "cli.msg", r"\bcli_(?:text|pattern)\(\s*\"([\w.]+)\""),
    ("cli/*.py", "cli.help", r"(?<![\w.])(?:cli_help|command|group)\(\s*\"([\w.]+)\""),
]


@pytest.mark.parametrize(("pattern", "area", "regex"), _NAMED)
def test_every_key_the_code_names_is_in_the_catalog(pattern: str, area: str, regex: str) -> None:
    named = {key for path in PKG.glob(pattern) for key in re.findall(regex, path.read_text(encoding="utf-8"))}
    assert named, f"no key found in {pattern}: the scan is broken"
    for lang in LANGS:
        assert sorted(k for k in named if f"{area}.{k}" not in words(lang).texts) == [], lang
