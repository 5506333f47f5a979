"""Every text shown to people, one catalog per language: ``zh.yaml`` and ``en.yaml`` beside this file,
with the areas kept in files of their own (``cli.zh.yaml``, ``cli.en.yaml``: ``<area>.<lang>.yaml``).

A catalog maps keys, grouped by area (``decision.*``, ``publish.*``, ``trail.*``, ``trail_value.*``,
``newcase.*``, ``catalog.*``, ``cli.*``), to texts. A text is a label or a sentence pattern with named
``str.format`` fields: ``publish.fine_range: "处{lo}以上{hi}以下罚款"``. Code never branches on the
language to build a sentence: it asks the ``Words`` of a language for a key and fills the fields.

Contract:

* ``words(lang)`` is the catalog of ``zh`` or ``en``; any other language is a ``ValueError``.
* A key the catalog lacks raises ``MissingText`` (a ``LookupError``): the key is never shown in its
  place. A field a pattern names and the call does not give raises ``KeyError``.
* The files are read once, on first use, as safe YAML (plain data only, a duplicate key refused;
  libyaml's parser where installed: a few milliseconds). A file that is not a mapping of texts, a
  pattern that does not parse, a key given in two files of a language, or a key one language has
  and the other lacks is a ``CatalogError``. ``tests/unit/test_text.py`` checks the shipped files
  the same way.

The Chinese of the engine's error messages is a file of its own, ``errors-zh.yaml`` (its ids are the
English templates: ``errors.Msg``), read by ``error_texts``; ``validation`` gives pydantic's
validation errors in both languages.

Pure after the first read (the package's own files, no clock or environment). Ground floor: imports
only ``errors``. How to add or change a text: ``docs/translating.md``.
"""

from __future__ import annotations

from .catalog import (
    LANGS,
    CatalogError,
    MissingText,
    Scope,
    Words,
    check_same_keys,
    error_texts,
    flatten,
    other_language,
    parse_catalog,
    words,
)
from .formats import capitals, date_text, grouped, money, unit_word
from .validation import pydantic_text, shown_input

__all__ = [
    "LANGS",
    "CatalogError",
    "MissingText",
    "Scope",
    "Words",
    "capitals",
    "check_same_keys",
    "date_text",
    "error_texts",
    "flatten",
    "grouped",
    "money",
    "other_language",
    "parse_catalog",
    "pydantic_text",
    "shown_input",
    "unit_word",
    "words",
]
