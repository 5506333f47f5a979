"""The explanation trail: one step per stage of a decision, in English or Chinese.

A step stores a stable ``code``, the ``inputs`` it used and its ``result`` (JSON values only:
amounts and ratios as exact strings), and the ``basis`` it rests on. Its ``message`` is made
from those, when it is read, by the pattern ``trail.<code>`` of the text catalog
(``penalty_engine/text/{zh,en}.yaml``), so the same decision can be shown in either language, a
decision never shown costs no formatting, and an auditor can redo every number from ``inputs``
alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import msg
from ..text import MissingText, words
from .common import in_lang


class _Safe(dict[str, Any]):
    """A step's fields for its pattern: a label the step does not carry (``branch_zh`` in a trail
    written before labels were) falls back to the identifier (``branch``), anything else to a dash."""

    def __missing__(self, key: str) -> Any:
        base, _, lang = key.rpartition("_")
        if lang in ("zh", "en") and base in self:
            return self[base]
        return "—"


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _zh_dates(text: str) -> str:
    """ISO dates as Chinese write them: 2026-03-02 → 2026年3月2日."""
    return _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)


def _messages(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The trail patterns of ``lang`` (``trail.*``) and the values shown in place of the engine's words
    (``trail_value.*``, only those that differ), taken from the catalog once per language."""
    catalog = words(lang)
    values = {k: v for k, v in catalog.area("trail_value").items() if k != v}
    found = _MESSAGES[lang] = (catalog.area("trail"), values)
    return found


_MESSAGES: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def render_message(code: str, inputs: dict[str, Any], result: Any, lang: str = "en") -> str:
    """The message of a trail step in ``lang`` (``zh`` or ``en``): the catalog's ``trail.<code>``
    pattern filled from ``inputs`` and ``result``; a field the step does not have shows as a dash.

    Raises:
        MissingText: the catalog has no pattern for ``code``.
    """
    patterns, values = _MESSAGES.get(lang) or _messages(lang)
    pattern = patterns.get(code)
    if pattern is None:
        raise MissingText(f"trail.{code}", lang, words(lang).texts)
    shown = {k: values.get(v, v) if isinstance(v, str) else v for k, v in inputs.items()} if values else dict(inputs)
    for k, v in shown.items():
        if isinstance(v, str):
            if "{" in v and v is not inputs[k]:  # a phrase of the catalog naming the step's fields
                v = v.format_map(_Safe({**shown, k: ""}))
            shown[k] = in_lang(v, lang)
    text = pattern.format_map(_Safe(shown, result=result))
    if "set_by" in inputs:  # under a layer: which pack set the part this number comes from
        own = inputs.get("set_by_own")
        note = None if own is None else "trail_note.set_by_own" if own else "trail_note.set_by_base"
        text += words(lang)(note or "trail_note.set_by", set_by=inputs["set_by"])
    return _zh_dates(text) if lang == "zh" else text


@dataclass(slots=True)
class TrailStep:
    """One step of the explanation trail; treat it as read-only.

    A plain dataclass rather than a model: a decision carries a dozen or more steps and pydantic
    accepts dataclass instances as they are. ``message`` is rendered from the catalog when read,
    in ``lang`` (not part of the step's identity).
    """

    step: int
    code: str
    basis: list[str]
    inputs: dict[str, Any]
    result: Any = None
    lang: str = field(default="en", compare=False, repr=False)

    @property
    def message(self) -> str:
        return render_message(self.code, self.inputs, self.result, self.lang)

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "code": self.code,
            "message": self.message,
            "basis": self.basis,
            "inputs": self.inputs,
            "result": self.result,
        }


def step_from_json(value: Any) -> TrailStep:
    """A step from its JSON form (its ``message`` is derived, so it is not read back)."""
    if isinstance(value, TrailStep):
        return value
    if not isinstance(value, dict):
        raise ValueError(msg("a trail step is an object"))
    basis, inputs = list(value.get("basis", [])), dict(value.get("inputs", {}))
    return TrailStep(value["step"], value["code"], basis, inputs, value.get("result"))


def steps_json(steps: list[TrailStep]) -> list[dict[str, Any]]:
    return [s.as_json() for s in steps]


class Trail:
    """Collects trail steps while a decision is made, numbered from ``start`` (the steps that come
    before them in the decision are already made when a trail starts)."""

    __slots__ = ("start", "steps")

    def __init__(self, start: int = 1) -> None:
        self.start = start
        self.steps: list[TrailStep] = []

    def add(self, code: str, inputs: dict[str, Any], result: Any = None, basis: list[str] | None = None) -> None:
        steps = self.steps
        steps.append(TrailStep(self.start + len(steps), code, [] if basis is None else basis, inputs, result))


def localized(steps: list[TrailStep], lang: str) -> list[TrailStep]:
    """The same steps with messages in ``lang``."""
    return [replace(s, lang=lang) for s in steps]
