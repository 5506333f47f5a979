"""Errors the engine raises on purpose, each with a stable code.

::

    PenaltyEngineError            PE-*   root; ``code``, ``message``, ``where``
    ├── RuleError                 PE-R*  a rule pack or rule file is wrong (file:line, field)
    ├── CaseError                 PE-C*  a case is wrong (file:line, case id, field)
    ├── EvaluationError           PE-E*  a valid case hits a defect of the pack at evaluation
    └── LedgerError               PE-L*  the decision ledger cannot be opened, read or written

Codes are listed in ``CODES`` and documented in ``docs/error-codes.md``; a test keeps the two
in step. Messages say where, what was expected and what came in, and suggest the nearest valid
name when one is close.

Every message exists in Chinese and English (issue #12, "Chinese first"), gettext-like: a message
is made with ``msg("unknown fact '{name}'", name=...)``, whose English template is its id; the
Chinese template is data, ``text/errors-zh.yaml`` (area ``errors``). ``msg`` gives a ``Msg``: a
``str`` holding the English (so ``str(exc)``, ``exc.message`` and English tests are unchanged)
whose ``.zh`` is the Chinese, filled with the Chinese of the fields that are ``Msg`` themselves.
``a + b`` of two ``Msg`` joins both languages. An error's ``message_zh`` is its message's Chinese;
a message that is not a ``Msg`` (never, by ``tests/language/test_error_messages.py``) falls back to
the Chinese description of the code with the English in brackets.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, overload

T = TypeVar("T")

CODES: dict[str, str] = {
    # rule packs
    "PE-R001": "rule file is not valid YAML",
    "PE-R002": "duplicate key in a rule file",
    "PE-R003": "YAML tag that would build an object (only plain data is allowed)",
    "PE-R004": "rule file does not match the rule-pack schema",
    "PE-R005": "CEL condition does not parse",
    "PE-R006": "CEL condition fails on a typed sample (type error, wrong result type)",
    "PE-R007": "condition reads a fact the rule does not declare",
    "PE-R008": "rule versions overlap or are out of order",
    "PE-R009": "pack or rule file not found",
    "PE-R010": "reference to an unknown fact, setting or pack item",
    "PE-R011": "two loaded rules or packs share an id",
    "PE-R012": "the base pack a layer extends cannot be found",
    "PE-R013": "a layer extends another version of its base than the base is",
    "PE-R014": "layers extend each other in a cycle",
    "PE-R015": "a layer names a rule its base does not have (overrides, not_applied)",
    "PE-R016": "a layer overrides a rule version the base rule does not have",
    "PE-R017": "a layer changes what only its base may set (frame, basis, dates, title, currency, general part)",
    "PE-R018": "a pack is not published: rules check found errors in it",
    "PE-R019": "a rule file is beyond a reading limit (size, nesting, aliases, length of a number)",
    "PE-R020": "a number or date in a rule file is beyond what the engine computes exactly",
    "PE-R021": "a CEL condition is beyond a limit (length, nesting, list size, comprehensions)",
    "PE-R022": "a pack sets again what the shared general part it uses sets (the law's provisions, bases, facts)",
    "PE-R023": "a pack pins another version of the shared general part than the one found",
    # cases
    "PE-C001": "case file cannot be read or parsed",
    "PE-C002": "required field missing",
    "PE-C003": "unknown field or fact",
    "PE-C004": "value has the wrong type",
    "PE-C005": "value out of bounds",
    "PE-C006": "unknown violation",
    "PE-C007": "ambiguous violation: several loaded packs have this rule id",
    "PE-C008": "no version of the rule is in force on the date",
    "PE-C009": "no decision date: the case has no decided_on and no as_of was given",
    "PE-C010": "the rule is not applied in the territory of the loaded layer",
    "PE-C011": "a case or case file is beyond a reading limit (size, nesting, aliases, length of a number)",
    "PE-C012": "contradictory facts: the pack declares that these facts cannot hold together",
    # evaluation
    "PE-E001": "no statutory branch matches the case (gap in the rule)",
    "PE-E002": "a condition failed while evaluating the case",
    "PE-E003": "no level of the rule's table applies to the case (gap in the table)",
    "PE-E004": "a level's band lies wholly outside the statutory range",
    # the decision ledger
    "PE-L001": "ledger URL not understood (not a file path, sqlite:/// or postgresql:// URL)",
    "PE-L002": "ledger cannot be opened or reached",
    "PE-L003": "ledger schema is newer than this engine knows",
    "PE-L004": "entry cannot be recorded: not plain JSON",
    "PE-L005": "ledger export format not recognised (by the file's extension)",
}


class NoChinese(LookupError):
    """A message whose English template has no Chinese in ``text/errors-zh.yaml``: a defect of
    the catalog (a test finds every one); errors then fall back to their code's description."""


def _zh_texts() -> Mapping[str, str]:
    from .text import error_texts  # the catalog imports this module: read on first use

    return error_texts()


def _zh_of(value: Any) -> Any:
    return value.zh if isinstance(value, Msg) else value


_PLUS, _JOIN = "+", "join"  # the keys of a Msg made by ``+`` and by ``joined``
_OR = "_or"  # the field of a ``word`` that names the key to use when the word is not in the catalog


class Msg(str):
    """A text in English (the ``str`` itself) that also has its Chinese, ``.zh``.

    Made by ``msg`` (a template of the catalog and its fields), ``word`` (a word of an area of the
    catalog), ``joined`` (items in a list) or ``+`` of two ``Msg``. The Chinese is formatted on
    first use from the Chinese template and the Chinese of each field that is a ``Msg`` (other
    fields, values and names, stay as they are)."""

    key: str | None
    fields: Mapping[str, Any]
    _zh: str | None

    def __new__(
        cls, en: str, key: str | None = None, fields: Mapping[str, Any] | None = None, zh: str | None = None
    ) -> Msg:
        self = super().__new__(cls, en)
        self.key = key
        self.fields = fields or {}
        self._zh = zh
        return self

    @property
    def zh(self) -> str:
        """The Chinese text.

        Raises:
            NoChinese: the catalog has no Chinese template for this message.
        """
        if self._zh is None:
            f = self.fields
            if self.key == _JOIN:
                self._zh = str(f["sep"]).join(str(_zh_of(i)) for i in f["items"])
            elif self.key == _PLUS:
                self._zh = f["a"].zh + f["b"].zh
            else:
                assert self.key is not None
                texts = _zh_texts()
                template = texts.get(self.key) or texts.get(str(f.get(_OR)))
                if template is None:
                    raise NoChinese(f"no Chinese for {self.key!r} in text/errors-zh.yaml")
                self._zh = template.format_map({k: _zh_of(v) for k, v in f.items()})
        return self._zh

    def text(self, lang: str) -> str:
        """The text in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else str(self)

    @overload
    def __add__(self, other: Msg) -> Msg: ...
    @overload
    def __add__(self, other: str) -> str: ...
    def __add__(self, other: str) -> str:
        """Two ``Msg`` join in both languages; a plain text after a ``Msg`` gives a plain text."""
        if isinstance(other, Msg):
            return Msg(str.__add__(self, other), _PLUS, {"a": self, "b": other})
        return str.__add__(self, other)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Msg, (str(self), self.key, dict(self.fields), self._zh))


def msg(template: str, /, **fields: Any) -> Msg:
    """The message of an English ``template`` (``str.format`` fields) filled with ``fields``; its
    Chinese template is ``errors.<template>`` of ``text/errors-zh.yaml``."""
    return Msg(template.format_map(fields), f"errors.{template}", fields)


def word(area: str, en: str, default: str | None = None) -> Msg:
    """A word or text of an area of ``text/errors-zh.yaml``, the English being its key: ``types``
    (the kind of a value), ``details`` (a library's message about a file). ``default`` is the key
    (in the same area) whose Chinese stands for a text the catalog does not have."""
    return Msg(en, f"{area}.{en}", {_OR: f"{area}.{default}"} if default is not None else None)


def field_name(path: str, label: str | None = None) -> Msg:
    """A field as an error names it: its path (``party.kind``, ``facts.illegal_gain``), in Chinese
    with its name, ``label`` (a fact's Chinese label) or the catalog's (area ``fields``)."""
    if label is not None:
        return Msg(path, "fields.(label)", {"path": path, "label": label})
    return Msg(path, f"fields.{path}", {"path": path, _OR: "fields.(path)"})


def pair(en: str, zh: str) -> Msg:
    """A text the caller has in both languages (a pack's label ``{zh, en}``)."""
    return Msg(en, zh=zh)


def joined(items: Iterable[Any], sep: str = ", ", sep_zh: str = "、") -> Msg:
    """Items in a list, each in its language (a ``Msg``) or as it is (a name, a value)."""
    items = tuple(items)
    return Msg(sep.join(map(str, items)), _JOIN, {"items": items, "sep": sep_zh})


def kind_of(value: Any) -> Msg:
    """The kind of a value as an error names it: its type's name, in Chinese ``映射``, ``文本``…"""
    return word("types", type(value).__name__)


def suggest(name: str, candidates: Iterable[str]) -> Msg:
    """Return ``"; did you mean 'x'?"`` when a candidate is close to ``name``, else an empty ``Msg``."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return msg("; did you mean '{name}'?", name=close[0]) if close else EMPTY


EMPTY = Msg("", zh="")
"""The empty message (no suggestion, nothing to add)."""


def code_zh(code: str) -> str:
    """The Chinese description of an error code (``codes`` of ``text/errors-zh.yaml``)."""
    return _zh_texts().get(f"codes.{code}", code)


def text_zh(text: str, code: str = "") -> str:
    """The Chinese of a text: a ``Msg``'s, else (a text no code made a ``Msg``, a defect a test
    finds) the description of ``code`` with the English in brackets."""
    if isinstance(text, Msg):
        try:
            return text.zh
        except NoChinese:
            pass
    if not text or not code:
        return text
    return f"{code_zh(code)}（{text}）"


class PenaltyEngineError(Exception):
    """Root of every error the engine raises on purpose.

    Attributes:
        code: stable code such as ``PE-C004``.
        message: what is wrong, expected and found, in English (a ``Msg``: also in Chinese).
        where: location (``file:line``, ``case ZJ-1``, ``facts.x``), may be empty.
    """

    prefix = "PE-"

    def __init__(self, code: str, message: str, where: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        self.code = code
        self.message = message
        self.where = where
        super().__init__(str(self))

    @property
    def message_zh(self) -> str:
        """The message in Chinese (``text_zh``)."""
        return text_zh(self.message, self.code)

    @property
    def where_zh(self) -> str:
        """The location in Chinese (``案件 X`` for ``case X``); a path or line as it is."""
        return text_zh(self.where)

    def text(self, lang: str = "en") -> str:
        """``CODE where: message`` in ``lang`` (``str(error)`` is the English)."""
        if lang != "zh":
            return PenaltyEngineError.__str__(self)
        loc = f"{self.where_zh}: " if self.where else ""
        return f"{self.code} {loc}{self.message_zh}"

    def __str__(self) -> str:
        loc = f"{self.where}: " if self.where else ""
        return f"{self.code} {loc}{self.message}"


class RuleError(PenaltyEngineError):
    """A rule pack or a rule file is invalid; ``where`` is ``file:line``."""


class CaseError(PenaltyEngineError):
    """A case is invalid; ``where`` names the source, the case id and the field."""


class EvaluationError(PenaltyEngineError):
    """A valid case exposes a defect of the rule pack during evaluation."""


class LedgerError(PenaltyEngineError):
    """The decision ledger cannot be opened, read or written; ``where`` names the ledger."""


class RuleErrors(RuleError):
    """Several rule errors found while loading; ``errors`` holds each one."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.code, first.message, first.where)

    def __str__(self) -> str:
        return "\n".join(PenaltyEngineError.__str__(e) for e in self.errors)


def collect(errors: list[RuleError], step: Callable[[], T]) -> T | None:
    """Run ``step``; on a rule error, add it (or each of several) to ``errors`` and return None."""
    try:
        return step()
    except RuleErrors as exc:
        errors.extend(exc.errors)
    except RuleError as exc:
        errors.append(exc)
    return None
