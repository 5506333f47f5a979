"""Writing a case file for one rule: by guided questions, or as a commented template to fill in.

``build_case`` asks its questions through two functions the caller gives, ``ask(prompt) -> answer``
and ``say(message)``, so the command line wires them to the terminal and tests drive them with
scripted answers. Every answer is checked as it comes: dates with ``date.fromisoformat`` (and a
version of the rule must be in force on the date of the act), facts with ``facts.coerce`` against
the rule's fact schema; a bad answer is refused with the reason and the question is asked again.
Answers are read as people write them, by the reader case files use (``values``, ADR 0016): dates
as ``2026年5月10日`` or ``2026/5/10``, the party as 个人/单位, the age as ``35`` or ``35周岁``, yes/no
as 是/否, enum facts by their Chinese names (严重), amounts as ``5.2万``.

``case_yaml`` writes the answers as a YAML case file that ``penalty evaluate`` reads (amounts as
quoted strings, never floats); ``template_yaml`` writes a case file with a comment line for every
field and fact (label, type, unit, bounds, default), to be filled in by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from .core import to_case
from .models import FactProblem, FactSpec, FactType, coerce, to_json
from .money import dec_str
from .pack import CompiledRule
from .text import Scope, words
from .values import ValueProblem, read_age, read_bool, read_date, read_party_kind

Ask = Callable[[str], str]
"""Shows a prompt and returns the answer (raises EOFError, or the caller's own error, when input ends)."""
Say = Callable[[str], None]
"""Shows one message."""

T = TypeVar("T")


class Invalid(ValueError):
    """An answer that does not fit; the message says why."""


def _text(lang: str) -> Scope:
    """The questions and comments in ``lang``: the ``newcase`` area of the text catalog."""
    return words(lang).scope("newcase")


def ask_until(ask: Ask, say: Say, prompt: str, parse: Callable[[str], T], lang: str = "zh") -> T:
    """Ask until ``parse`` accepts the answer; each refusal is shown with its reason."""
    while True:
        answer = ask(prompt).strip()
        try:
            return parse(answer)
        except Invalid as exc:
            say(_text(lang)("invalid", reason=str(exc)))


# ---------------------------------------------------------------- describing facts


def _default_text(spec: FactSpec, lang: str) -> str:
    tx = _text(lang)
    if spec.required:
        return tx("required")
    value = coerce(spec, spec.default)
    if spec.type is FactType.bool:
        return tx("yes") if value else tx("no")
    if spec.type in (FactType.money, FactType.number):
        return dec_str(value)
    return str(value)


def fact_details(spec: FactSpec, lang: str) -> str:
    """Type, unit, bounds or values, and default, e.g. ``整数, 次, 0–100, 默认 0``."""
    tx = _text(lang)
    parts = []
    if spec.type is FactType.enum:
        assert spec.values
        parts.append(f"{tx('enum')}: {' / '.join(spec.values)}")
    else:
        parts.append(tx(spec.type.value))
    if spec.unit:
        parts.append(spec.unit)
    if spec.min is not None and spec.max is not None:
        parts.append(f"{dec_str(spec.min)}–{dec_str(spec.max)}")
    elif spec.min is not None:
        parts.append(f"{tx('at_least')} {dec_str(spec.min)}")
    elif spec.max is not None:
        parts.append(f"{tx('at_most')} {dec_str(spec.max)}")
    if spec.required:
        parts.append(tx("required"))
    else:
        parts.append(f"{tx('default')} {_default_text(spec, lang)}")
    return ", ".join(parts)


def fact_prompt(name: str, spec: FactSpec, lang: str) -> str:
    """The question for one fact: label, name, and the details in brackets."""
    return f"{spec.label.get(lang)} ({name}) [{fact_details(spec, lang)}]"


# ---------------------------------------------------------------- parsing answers


def parse_fact(spec: FactSpec, answer: str, lang: str = "zh") -> tuple[bool, Any]:
    """``(given, value)``: an empty answer keeps the default (``given`` False); a required fact needs one.

    Raises:
        Invalid: with what was expected and what came in.
    """
    if answer == "":
        if spec.required:
            raise Invalid(_text(lang)("empty"))
        return False, None
    try:
        return True, coerce(spec, answer)
    except FactProblem as exc:
        raise Invalid(exc.message.text(lang)) from None


def _fact_parser(spec: FactSpec, lang: str) -> Callable[[str], tuple[bool, Any]]:
    return lambda answer: parse_fact(spec, answer, lang)


def _parse_case_id(lang: str) -> Callable[[str], str]:
    def parse(answer: str) -> str:
        if not answer:
            raise Invalid(_text(lang)("empty"))
        return answer

    return parse


def _parse_date(rule: CompiledRule, lang: str) -> Callable[[str], dt.date]:
    """The date of the act: required, and a version of the rule must be in force on it."""
    tx = _text(lang)

    def parse(answer: str) -> dt.date:
        if not answer:
            raise Invalid(tx("empty"))
        try:
            day = read_date(answer)
        except ValueProblem:
            raise Invalid(tx("bad_date", got=answer)) from None
        if rule.version_on(day) is None:
            spans = ", ".join(f"{v.version.effective_from}–{v.version.effective_to or ''}" for v in rule.versions)
            raise Invalid(tx("no_version", rule=rule.id, day=day, spans=spans))
        return day

    return parse


def _parse_later_date(lang: str, earlier: list[tuple[str, dt.date]]) -> Callable[[str], dt.date | None]:
    """An optional date (Enter: none) on or after each of ``earlier`` (``(what, day)`` pairs)."""
    tx = _text(lang)

    def parse(answer: str) -> dt.date | None:
        if not answer:
            return None
        try:
            day = read_date(answer)
        except ValueProblem:
            raise Invalid(tx("bad_date", got=answer)) from None
        for what, before in earlier:
            if day < before:
                raise Invalid(tx("date_before", what=tx(what), day=before))
        return day

    return parse


def _parse_kind(lang: str) -> Callable[[str], str]:
    def parse(answer: str) -> str:
        try:
            return read_party_kind(answer)
        except ValueProblem:
            raise Invalid(_text(lang)("bad_kind", got=answer)) from None

    return parse


def _parse_age(lang: str) -> Callable[[str], int | None]:
    def parse(answer: str) -> int | None:
        if answer == "":
            return None
        try:
            return read_age(answer)
        except ValueProblem:
            raise Invalid(_text(lang)("bad_age", got=answer)) from None

    return parse


# ---------------------------------------------------------------- the guided builder


def build_case(rule: CompiledRule, ask: Ask, say: Say, lang: str = "zh") -> dict[str, Any]:
    """Ask for a case of ``rule`` and return it as a case dict that ``Engine.evaluate`` accepts.

    Order: case id, date of the act, date of discovery and date of the decision (both optional:
    without a decision date ``penalty evaluate`` uses ``--as-of`` or today), party kind (and, for
    an individual, the age at the date of the act, optional), the rule's own facts, then the
    pack's common facts. Facts left empty keep their default and are not written. Money and
    numbers are kept as decimal strings, dates as ISO dates.
    """
    tx = _text(lang)
    say(tx("header", rule=rule.id, title=rule.rule.title.get(lang)))
    say(tx("how"))
    case_id = ask_until(ask, say, f"{tx('case_id')} ({tx('case_id_hint')})", _parse_case_id(lang), lang)
    occurred = ask_until(ask, say, tx("occurred_on"), _parse_date(rule, lang), lang)
    earlier = [("occurred_day", occurred)]
    discovered = ask_until(ask, say, tx("discovered_on"), _parse_later_date(lang, earlier), lang)
    if discovered is not None:
        earlier.append(("discovered_day", discovered))
    decided = ask_until(ask, say, tx("decided_on"), _parse_later_date(lang, earlier), lang)
    kind = ask_until(ask, say, tx("party_kind"), _parse_kind(lang), lang)
    party: dict[str, Any] = {"kind": kind}
    if kind == "individual":
        age = ask_until(ask, say, tx("age"), _parse_age(lang), lang)
        if age is not None:
            party["age"] = age
    facts: dict[str, Any] = {}
    for heading, specs in fact_groups(rule, lang, template=False):
        if not specs:
            continue
        say(heading)
        for name, spec in specs.items():
            if spec.help is not None:
                say(f"  {spec.help.get(lang)}")
            given, value = ask_until(ask, say, fact_prompt(name, spec, lang), _fact_parser(spec, lang), lang)
            if given:
                facts[name] = to_json(spec, value)
    correction = _ask_correction(rule, ask, say, lang, occurred)
    data: dict[str, Any] = {
        "case_id": case_id,
        "violation": rule.id,
        "occurred_on": occurred,
        **({"discovered_on": discovered} if discovered is not None else {}),
        **({"decided_on": decided} if decided is not None else {}),
        "party": party,
        "facts": facts,
        **({"correction": correction} if correction is not None else {}),
    }
    to_case(data)  # the contract's own check: a case this builder writes is always valid input
    return data


def _parse_continuing(lang: str) -> Callable[[str], bool]:
    """Whether the re-inspection found the violation continuing (Enter: yes)."""
    tx = _text(lang)

    def parse(answer: str) -> bool:
        if not answer:
            return True
        try:
            return read_bool(answer)
        except ValueProblem:
            raise Invalid(tx("bad_bool", got=answer)) from None

    return parse


def _ask_correction(rule: CompiledRule, ask: Ask, say: Say, lang: str, occurred: dt.date) -> dict[str, Any] | None:
    """For a per-day fine (ADR 0023): the order to correct (made, served) and the re-inspections in
    date order (Enter ends them; at least one)."""
    if not any(v.version.per_day is not None for v in rule.versions):
        return None
    tx = _text(lang)
    say(tx("correction"))
    required = _parse_later_date(lang, [("occurred_day", occurred)])

    def need(answer: str) -> dt.date:
        day = required(answer)
        if day is None:
            raise Invalid(tx("empty"))
        return day

    ordered = ask_until(ask, say, tx("ordered_on"), need, lang)
    served = ask_until(ask, say, tx("served_on"), _parse_later_date(lang, [("ordered_day", ordered)]), lang)
    rows: list[dict[str, Any]] = []
    last = served or ordered
    while True:
        after = _parse_later_date(lang, [("previous_day", last + dt.timedelta(days=1))])
        day = ask_until(ask, say, tx("reinspection_on", n=len(rows) + 1), need if not rows else after, lang)
        if day is None:
            break
        continuing = ask_until(ask, say, tx("continuing"), _parse_continuing(lang), lang)
        rows.append({"date": day, "continuing": continuing})
        last = day
    correction: dict[str, Any] = {"ordered_on": ordered, "reinspections": rows}
    if served is not None:
        correction["served_on"] = served
    return correction


# ---------------------------------------------------------------- writing files


def _comment_block(lines: list[str], indent: str = "") -> str:
    return "".join(f"{indent}# {line}\n" for line in lines)


def case_yaml(rule: CompiledRule, data: dict[str, Any], lang: str = "zh") -> str:
    """The case as a YAML file with a short header comment; amounts stay quoted strings."""
    tx = _text(lang)
    head = _comment_block([tx("file_head", rule=rule.id, title=rule.rule.title.get(lang)), tx("file_written")])
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return head + body


def _scalar(spec: FactSpec, value: Any) -> str:
    """A default as YAML text: strings (amounts, enum values) double-quoted, booleans and ints plain."""
    typed = to_json(spec, coerce(spec, value))
    if isinstance(typed, bool):
        return "true" if typed else "false"
    if isinstance(typed, int):
        return str(typed)
    return json.dumps(typed, ensure_ascii=False)


def template_yaml(rule: CompiledRule, lang: str = "zh") -> str:
    """A commented case file for ``rule`` with every field and fact, to fill in by hand.

    Required fields are left empty (so ``penalty evaluate`` refuses the file until they are
    filled in); every fact with a default is written with its default value.
    """
    tx = _text(lang)
    out = _comment_block(
        [tx("file_head", rule=rule.id, title=rule.rule.title.get(lang)), tx("tpl_fill"), tx("tpl_change")]
    )
    out += f"case_id:                       # {tx('tpl_case_id')}\n"
    out += f"violation: {rule.id}    # {tx('tpl_violation')}\n"
    out += f"occurred_on:                   # {tx('tpl_occurred')}\n"
    out += f"# discovered_on: YYYY-MM-DD    # {tx('tpl_discovered')}\n"
    out += f"# decided_on: YYYY-MM-DD       # {tx('tpl_decided')}\n"
    out += "party:\n"
    out += f"  kind:                        # {tx('tpl_kind')}\n"
    out += f"  # age: 35                    # {tx('tpl_age')}\n"
    groups = fact_groups(rule, lang, template=True)
    if not any(specs for _, specs in groups):
        return out + "facts: {}\n"
    out += "facts:\n"
    for heading, specs in groups:
        if not specs:
            continue
        out += f"  # {heading}\n"
        for name, spec in specs.items():
            out += f"  # {spec.label.get(lang)} — {fact_details(spec, lang)}\n"
            if spec.help is not None:
                out += f"  #   {' '.join(spec.help.get(lang).split())}\n"
            if spec.required:
                out += f"  {name}:    # {tx('required')}\n"
            else:
                out += f"  {name}: {_scalar(spec, spec.default)}\n"
    return out + _correction_template(rule, lang)


def fact_groups(rule: CompiledRule, lang: str, *, template: bool) -> list[tuple[str, dict[str, FactSpec]]]:
    """The facts asked for, by heading: the rule's own, the pack's common facts, then for each of the
    pack's post-amount adjustments (ADR 0025) the common facts its condition and exclusions read, under
    its name (e.g. 公开道歉承诺从轻: whether the party applied, apologised and pledged, and the exclusions)."""
    tx = _text(lang)
    prefix = "tpl_" if template else ""
    common = dict(rule.pack.common_facts)
    later = []
    for ca in rule.versions[0].adjustments if rule.versions else ():
        conds = [ca.when, *(e.when for e in ca.exclusions if e.when is not None)]
        names = {n for c in conds for _, _, reads in c.clauses for n in reads}
        specs = {n: common.pop(n) for n in list(common) if n in names}  # in the pack's order
        later.append((tx(f"{prefix}adjustment_facts", label=ca.adjustment.label.get(lang)), specs))
    return [(tx(f"{prefix}rule_facts"), rule.rule.facts), (tx(f"{prefix}common_facts"), common), *later]


def _correction_template(rule: CompiledRule, lang: str) -> str:
    """The ``correction`` block of a per-day fine's case (ADR 0023); empty for other rules."""
    if not any(v.version.per_day is not None for v in rule.versions):
        return ""
    tx = _text(lang)
    out = f"correction:                     # {tx('tpl_correction')}\n"
    out += f"  ordered_on:                   # {tx('tpl_ordered')}\n"
    out += f"  served_on:                    # {tx('tpl_served')}\n"
    out += "  reinspections:\n"
    out += f"    - {{date: , continuing: true}}  # {tx('tpl_reinspection')}\n"
    return out
