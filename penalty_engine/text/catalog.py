"""The catalogs: reading, checking and looking up texts (the contract is in ``text/__init__.py``)."""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import yaml

from ..errors import suggest

LANGS = ("zh", "en")
"""The languages every text exists in, Chinese first."""

_FORMATTER = string.Formatter()


class MissingText(LookupError):
    """A key the catalog does not have: a defect of the code or the catalog, never papered over."""

    def __init__(self, key: str, lang: str, known: Iterable[str]) -> None:
        super().__init__(f"text {key!r} is not in the {lang} catalog{suggest(key, known)}")
        #: The key that was asked for.
        self.key = key
        #: The language of the catalog asked.
        self.lang = lang


class CatalogError(ValueError):
    """A catalog file that is wrong: not a mapping of texts, a pattern that does not parse, or keys
    that one language has and the other lacks."""


class Words:
    """The texts of one language. ``words("publish.fine_range", lo="50元", hi="200元")`` fills a
    pattern; ``words.scope("publish")`` is the same lookup for the keys of one area."""

    __slots__ = ("lang", "texts")

    def __init__(self, lang: str, texts: Mapping[str, str]) -> None:
        #: ``zh`` or ``en``.
        self.lang = lang
        #: Every text of the language by its full key (``area.key``).
        self.texts = dict(texts)

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The text of ``key`` with ``fields`` filled in.

        Raises:
            MissingText: the catalog has no such key.
            KeyError: the pattern names a field not given.
        """
        try:
            text = self.texts[key]
        except KeyError:
            raise MissingText(key, self.lang, self.texts) from None
        return text.format_map(fields)

    def scope(self, area: str) -> Scope:
        """A lookup of the keys of ``area`` (``scope("publish")("doc")`` is ``self("publish.doc")``)."""
        return Scope(self, area)

    def area(self, area: str) -> dict[str, str]:
        """The raw texts of ``area`` by their key within it (for hot paths that format themselves)."""
        prefix = f"{area}."
        return {k[len(prefix) :]: v for k, v in self.texts.items() if k.startswith(prefix)}


class Scope:
    """The texts of one area of a catalog; called like ``Words`` with keys relative to the area.
    Templates get one as ``t``: ``{{ t('title') }}``, ``{{ t(p.kind) }}``."""

    __slots__ = ("prefix", "words")

    def __init__(self, words: Words, area: str) -> None:
        self.words = words
        self.prefix = f"{area}."

    @property
    def lang(self) -> str:
        """The language of the catalog."""
        return self.words.lang

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The text of ``area.key`` with ``fields`` filled in (see ``Words.__call__``)."""
        return self.words(f"{self.prefix}{key}", **fields)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that refuses a key given twice in one mapping (PyYAML keeps the last one)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise CatalogError(f"line {key_node.start_mark.line + 1}: {key!r} is given twice")
            seen.add(key)
        return super().construct_mapping(node, deep)


def flatten(data: Any, path: str = "<catalog>") -> dict[str, str]:
    """The texts of a parsed catalog by full key: nested mappings join their keys with ``.``.

    Raises:
        CatalogError: a value is neither a text nor a mapping, a key comes twice once joined, or a
            pattern does not parse.
    """
    out: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        if not isinstance(node, dict):
            raise CatalogError(f"{path}: {prefix or 'the file'} must be a mapping of texts, got {type(node).__name__}")
        for key, value in node.items():
            full = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, f"{full}.")
            elif not isinstance(value, str):
                raise CatalogError(f"{path}: {full} must be a text (quote it), got {value!r}")
            elif full in out:
                raise CatalogError(f"{path}: {full} is given twice")
            else:
                try:
                    list(_FORMATTER.parse(value))
                except ValueError as exc:
                    raise CatalogError(f"{path}: {full}: the pattern {value!r} does not parse: {exc}") from None
                out[full] = value

    walk(data, "")
    return out


def parse_catalog(text: str, path: str = "<catalog>") -> dict[str, str]:
    """The texts of one catalog file's content (see ``flatten``)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader is a safe loader
    except CatalogError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not YAML: {exc}") from None
    return flatten(data, path)


def check_same_keys(catalogs: Mapping[str, Mapping[str, str]]) -> None:
    """Every language has every key.

    Raises:
        CatalogError: naming, per language, the keys it lacks that another language has.
    """
    every = set().union(*(set(c) for c in catalogs.values()))
    problems = [
        f"{lang}.yaml lacks {', '.join(sorted(every - set(texts)))}"
        for lang, texts in catalogs.items()
        if every - set(texts)
    ]
    if problems:
        raise CatalogError("the catalogs differ: " + "; ".join(problems))


def merge(parts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The texts of one language's files (by file name) as one catalog.

    Raises:
        CatalogError: a key is given in two files.
    """
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, texts in parts.items():
        for key, text in texts.items():
            if key in out:
                raise CatalogError(f"{name}: {key} is given in {seen[key]} too")
            out[key] = text
            seen[key] = name
    return out


def catalog_files(names: Iterable[str], lang: str) -> list[str]:
    """The files of ``lang`` among ``names``: ``<lang>.yaml``, then each ``<area>.<lang>.yaml`` in
    name order (an area big enough to keep apart, such as ``cli.zh.yaml``)."""
    return [f"{lang}.yaml", *sorted(n for n in names if n.endswith(f".{lang}.yaml"))]


@functools.cache
def _catalogs() -> dict[str, Words]:
    folder = resources.files(__package__ or "penalty_engine.text")
    names = [entry.name for entry in folder.iterdir()]
    texts = {
        lang: merge(
            {name: parse_catalog((folder / name).read_text("utf-8"), name) for name in catalog_files(names, lang)}
        )
        for lang in LANGS
    }
    check_same_keys(texts)
    return {lang: Words(lang, t) for lang, t in texts.items()}


ERRORS_FILE = "errors-zh.yaml"
"""The Chinese of the engine's error messages: areas ``codes`` (a description per code),
``errors`` (a template per English template, the id of a message: ``errors.msg``), ``types``,
``fact_types``, ``kinds`` (words for values), ``fields`` (the names of a case's fields),
``pydantic`` (schema errors by type) and ``details`` (what the libraries that read files say).
Chinese only, gettext-like: the English is the id, so this is no ``<area>.<lang>.yaml`` of a
catalog (which has an English twin with the same keys) and ``words()`` does not read it."""


@functools.cache
def error_texts() -> dict[str, str]:
    """The texts of ``ERRORS_FILE`` by full key (``errors.<English template>``), read on first use.

    Raises:
        CatalogError: the shipped file is wrong (a defect of the package).
    """
    folder = resources.files(__package__ or "penalty_engine.text")
    return parse_catalog((folder / ERRORS_FILE).read_text("utf-8"), ERRORS_FILE)


def words(lang: str) -> Words:
    """The texts of ``lang`` (``zh`` or ``en``); both catalogs are read and checked on first use.

    Raises:
        ValueError: another language.
        CatalogError: a shipped catalog is wrong (a defect of the package).
    """
    try:
        return _catalogs()[lang]
    except KeyError:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}") from None


def other_language(lang: str) -> str:
    """The language of the two that is not ``lang`` (documents show a title in both)."""
    return LANGS[1] if lang == LANGS[0] else LANGS[0]
