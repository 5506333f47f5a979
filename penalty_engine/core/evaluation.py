"""One evaluation of one case against one compiled rule: ``Evaluation``, its common stages and the decision.

Pure: no file, clock, environment or randomness. The order is fixed::

    dates → facts → limitation (Art. 36) → for the version in force on occurred_on (and, when
    another is in force on decided_on, for that one too, Art. 37):
        the version's stages (``version.VersionRun``: general provisions → mandatory no penalty
        → statutory branch → range → tier and band → mandatory mitigation caps the tier
        → factors → position → amount → rounding → penalties → duties)
    → the lighter of the two versions (Art. 37) → decision and its fingerprint

The general part is pack data ([ADR 0005](../../docs/adr/0005-general-part.md)); Art. 37 compares
two results by ``Result.severity`` ([ADR 0006](../../docs/adr/0006-lenient-law-comparison.md)).
Amounts are in ``amounts``; what only makes this faster (memo, the fingerprint's JSON written
directly) is in ``_fast``, with tests that it gives the same bytes
([ADR 0008](../../docs/adr/0008-performance.md)).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any, NamedTuple

from ..__about__ import __version__
from ..cel import PARTY, cel_value
from ..errors import CaseError, field_name, joined, msg, pair, suggest
from ..models import (
    SCHEMA,
    Case,
    Dates,
    Decision,
    Duty,
    FactorOut,
    FactProblem,
    FactSpec,
    Level,
    LevelName,
    LevelOut,
    Option,
    PenaltyOut,
    Range,
    Trail,
    TrailStep,
    built,
    coerce,
    to_json,
)
from ..pack import FACT_DECIMAL, CompiledRule, CompiledVersion, canonical_json
from ..yamlio import Located
from . import _fast
from .amounts import Interval
from .case_io import case_where
from .general import limitation
from .result import Result
from .version import VersionRun

ENGINE = f"penalty-engine {__version__}"


class Facts(NamedTuple):
    """What the facts stage gives: typed facts, the facts as JSON (every fact, in sorted order: the
    fingerprint's canonical order), the CEL activation, and what a clause's trail shows it read
    (facts as JSON, and the party)."""

    typed: dict[str, Any]
    json: dict[str, Any]
    activation: dict[str, Any]
    reads: dict[str, Any]


class Evaluation:
    """Evaluates one case: common stages here, each rule version in a ``VersionRun``."""

    __slots__ = (
        "activation",
        "assumptions",
        "case",
        "decided_on",
        "decided_s",
        "decided_source",
        "facts",
        "facts_json",
        "occurred_s",
        "pack",
        "party",
        "reads",
        "rule",
        "source",
        "trail",
    )

    def __init__(
        self, rule: CompiledRule, case: Case, decided_on: dt.date, decided_source: str, source: Located | None
    ) -> None:
        self.rule = rule
        self.pack = rule.pack
        self.case = case
        self.decided_on = decided_on
        self.decided_source = decided_source
        self.source = source
        self.trail = Trail()  # dates, facts, limitation: before the version's steps
        self.assumptions: dict[str, None] = {}  # an ordered set, as ``Result.assumptions``
        # what the facts stage gives (``Facts``), read by the version runs
        self.facts: dict[str, Any] = {}
        self.facts_json: dict[str, Any] = {}
        self.activation: dict[str, Any] = {}
        self.reads: dict[str, Any] = {}
        self.party = _party(case)
        self.occurred_s = case.occurred_on.isoformat()
        self.decided_s = decided_on.isoformat()

    def where(self, *loc: str | int) -> str:
        return case_where(self.source, self.case.case_id, tuple(loc))

    def run(self) -> Decision:
        """The stages in their order (see the module docstring); the decision."""
        c, rule = self.case, self.rule
        self.trail.add(
            "dates",
            {"occurred_on": self.occurred_s, "decided_on": self.decided_s, "decided_source": self.decided_source},
        )
        cv = rule.version_on(c.occurred_on)
        if cv is None:
            spans = joined(f"{v.version.effective_from}–{v.version.effective_to or ''}" for v in rule.versions)
            message = msg(
                "{field}: no version of {rule} is in force on {day} (versions: {spans})",
                field=field_name("occurred_on"),
                rule=pair(rule.id, rule.rule.title.zh),
                day=c.occurred_on,
                spans=spans,
            )
            raise CaseError("PE-C008", message, self.where("occurred_on"))
        self.facts, self.facts_json, self.activation, self.reads = self._facts()
        expired = self._limitation(cv)
        if expired is not None:
            return self._decision(expired, [cv])
        first = VersionRun(self, cv).run(self.occurred_s)
        later = cv if cv.version.in_force(self.decided_on) else rule.version_on(self.decided_on)
        if later is cv:
            return self._decision(first, [cv])
        if later is None:
            return self._decision(first, [cv], self._repealed_note(cv, first))
        second = VersionRun(self, later).run(self.decided_s)
        chosen, post = self._lenient_law(first, second)
        return self._decision(chosen, [cv, later], post)

    def _lenient_law(self, first: Result, second: Result) -> tuple[Result, Trail]:
        """Art. 37: the result under the version in force when the act occurred (``first``), unless the
        one in force at the decision (``second``) is lighter; with the trail of the step that says so."""
        chosen = second if second.severity() < first.severity() else first
        other = first if chosen is second else second
        for number, step in enumerate(other.trail.steps, start=1):
            step.step = number  # the other version's trail is shown as it was made, numbered from 1
        post = self._after(chosen)
        post.add(
            "lenient_law",
            {
                "occurred_version": first.version.key,
                "decided_version": second.version.key,
                "occurred_result": first.summary(),
                "decided_result": second.summary(),
                "occurred_text": first.text(),
                "decided_text": second.text(),
                "occurred_text_zh": first.text("zh"),
                "decided_text_zh": second.text("zh"),
                "applied": chosen.version.key,
                "rule_text": "the version in force when the act occurred, unless the one in force at the decision is "
                "lighter (no penalty, then the lower statutory maximum, then the lower fine)",
                "other_trail": [s.as_json() for s in other.trail.steps],
            },
            result=chosen.version.key,
            basis=list(self.rule.cites["lenient_law"]),
        )
        return chosen, post

    def _after(self, result: Result) -> Trail:
        """The trail of the steps that follow ``result``'s."""
        return Trail(len(self.trail.steps) + len(result.trail.steps) + 1)

    def _repealed_note(self, cv: CompiledVersion, result: Result) -> Trail:
        """No version in force at the decision date (a gap in the pack's data): the act's version
        applies; the trail of the step that says so."""
        post = self._after(result)
        post.add(
            "lenient_law.none",
            {"occurred_version": cv.key, "decided_on": self.decided_s},
            basis=list(self.rule.cites["lenient_law"]),
        )
        return post

    def _facts(self) -> Facts:
        """Typed facts (given, else the declared default), as JSON, the CEL activation and what a
        clause's trail shows it read."""
        rule, given = self.rule, self.case.facts
        given_json: dict[str, Any] = {}
        decimals: list[tuple[str, Any, Any]] = []  # (name, Decimal, spec) of given money and numbers
        # in the order the facts are declared, not the order the case gives them: the same facts
        # in another key order (YAML or JSON) give the same trail and the same first error
        for row in rule.fact_rows:
            name, spec = row[0], row[1]
            raw = given.get(name)
            if raw is None:
                continue  # not given (or given as null): the default stays
            try:
                given_json[name], number = fact_json(row, raw)
            except FactProblem as exc:
                field = field_name(f"facts.{name}", spec.label.zh)
                problem = msg("{field}: {problem}", field=field, problem=exc.message)
                raise CaseError(exc.code, problem, self.where("facts", name)) from None
            if number is not None:
                decimals.append((name, number, spec))
        if not given.keys() <= rule.kinds.keys():
            name = min(n for n in given if n not in rule.kinds)
            known = joined(field_name(n, s.label.zh) for n, s in rule.facts.items())
            message = (
                msg(
                    "{field}: unknown fact for {rule}",
                    field=field_name(f"facts.{name}"),
                    rule=pair(rule.id, rule.rule.title.zh),
                )
                + suggest(name, rule.facts)
                + msg("; expected facts: {facts}", facts=known)
            )
            raise CaseError("PE-C003", message, self.where("facts", name))
        for name in rule.required:
            if name not in given_json:
                spec = rule.facts[name]
                label = pair(f"{spec.label.en} / {spec.label.zh}", spec.label.zh)
                message = msg(
                    "{field}: required fact missing ({label})", field=field_name(f"facts.{name}"), label=label
                )
                raise CaseError("PE-C002", message, self.where("facts"))
        # given facts replace their defaults (a default's key keeps its place, a new key goes last);
        # facts as JSON start from every fact in sorted order (the fingerprint's canonical order)
        facts = {**rule.defaults, **given_json}
        facts_json = {**rule.sorted_json, **given_json}
        cel = {**rule.defaults_cel, **given_json}
        for name, value, spec in decimals:
            facts[name] = value
            cel[name] = cel_value(spec, value)
        defaults = {name: value for name, value in rule.defaults_json.items() if name not in given_json}
        party = self.party
        party_note = "individual of unknown age taken as an adult" if party.get("age_given") is False else ""
        self.trail.add(
            "facts",
            {
                "given": given_json,
                "defaults": defaults,
                "defaults_text": ", ".join(defaults) or "none",
                "defaults_zh": "、".join(rule.fact_labels[n][0] for n in defaults) or "无",
                "defaults_en": ", ".join(rule.fact_labels[n][1] for n in defaults) or "none",
                "party": party,
                "party_note": party_note,
            },
        )
        cel[PARTY] = party
        return Facts(facts, facts_json, cel, {**facts_json, PARTY: party})

    def _limitation(self, cv: CompiledVersion) -> Result | None:
        """Art. 36: a no-penalty result when the act was discovered after the period ended."""
        general = self.pack.general
        harmful = self.facts.get("harm", "none") != "none"
        touches = general.limitation.touches if general.limitation is not None else ()
        touched = [name for name in touches if self.facts.get(name) is True]
        c = self.case
        check = limitation(
            general, self.rule.rule, c.occurred_on, c.discovered_on, self.decided_on, harmful, bool(touched)
        )
        if check is None:
            return None
        assert general.limitation is not None
        if general.limitation.assumption:
            self.assumptions[general.limitation.assumption] = None
        self.trail.add(
            "limitation",
            {
                "years": check.years,
                "occurred_on": self.occurred_s,
                "deadline": check.deadline.isoformat(),
                "discovered": check.discovered.isoformat(),
                "discovered_source": check.discovered_source,
                "extended": check.years == general.limitation.extended_years,
                "touched": touched,
                "harmful": harmful,
                "result_text": "expired: not punished" if check.expired else "within the period",
            },
            result=check.expired,
            basis=list(self.rule.cites["limitation"]),
        )
        if not check.expired:
            return None
        return VersionRun(self, cv).expired(self.occurred_s)

    def _decision(self, result: Result, versions: list[CompiledVersion], post: Trail | None = None) -> Decision:
        """The decision: ``result`` with the evaluation's own steps before its trail and ``post`` after it."""
        pack, c = self.pack, self.case
        # each trail numbered its steps from where it starts in the decision
        steps: list[TrailStep] = [*self.trail.steps, *result.trail.steps, *(post.steps if post else ())]
        assumptions = list({**self.assumptions, **result.assumptions})
        return built(
            Decision,
            {
                "schema_": SCHEMA,
                "case_id": c.case_id,
                "violation": result.version.violation,
                "dates": built(
                    Dates,
                    {"occurred_on": c.occurred_on, "discovered_on": c.discovered_on, "decided_on": self.decided_on},
                ),
                "outcome": result.outcome,
                "tier": result.tier,
                "level": _level(result.level),
                "statutory_range": _range(result.statutory),
                "band": _range(result.band),
                "recommended_fine": result.fine,
                "currency": pack.currency,
                "penalties": [built(PenaltyOut, _penalty(p)) for p in result.penalties],
                "factors": [built(FactorOut, f) for f in result.factors],
                "duties": [built(Duty, d) for d in result.duties],
                "options": [built(Option, o) for o in result.options],
                "assumptions": assumptions,
                "set_by": dict(by) if (by := result.version.set_by) is not None else None,
                "trail": steps,
                "fingerprint": self._fingerprint(versions),
                "engine": ENGINE,
            },
        )

    def _fingerprint(self, versions: list[CompiledVersion]) -> str:
        """sha256 over the rule versions' content, the normalised case and the engine version
        (the text of ``fingerprint_text``, written by ``_fast`` when it can)."""
        c = self.case
        text = _fast.fingerprint_text(
            c, self.rule.id, self.occurred_s, self.decided_s, self.facts_json, versions, ENGINE
        )
        if text is None:
            text = fingerprint_text(c, self.rule.id, self.decided_on, self.facts_json, versions)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def fingerprint_text(
    case: Case, rule_id: str, decided_on: dt.date, facts_json: dict[str, Any], versions: list[CompiledVersion]
) -> str:
    """The text the fingerprint hashes: ``canonical_json`` of the rule versions' content hashes, the
    normalised case (its facts typed, defaults filled in) and the engine version."""
    normalised = {
        "case_id": case.case_id,
        "violation": rule_id,
        "occurred_on": case.occurred_on.isoformat(),
        "discovered_on": case.discovered_on.isoformat() if case.discovered_on else None,
        "decided_on": decided_on.isoformat(),
        "party": {"kind": case.party.kind, "age": case.party.age, "name": case.party.name},
        "facts": facts_json,
    }
    if case.correction is not None:  # a per-day fine's days (ADR 0023); absent, the text is as it was
        normalised["correction"] = case.correction.model_dump(mode="json")
    hashes = [v.content_hash for v in versions]
    return canonical_json({"rule_versions": hashes, "case": normalised, "engine": ENGINE})


def _level(level: Level | None) -> LevelOut | None:
    if level is None:
        return None
    return built(LevelOut, {"id": level.id, "name": built(LevelName, {"zh": level.name.zh, "en": level.name.en})})


def _penalty(p: dict[str, Any]) -> dict[str, Any]:
    """A penalty's fields in the model's order (a per-day fine's ``days`` and ``daily``, else ``None``)."""
    return {"kind": p["kind"], "amount": p.get("amount"), "days": p.get("days"), "daily": p.get("daily")}


def _range(edges: Interval | None) -> Range | None:
    return None if edges is None else built(Range, {"min": edges.lo, "max": edges.hi})


#: a rule's ``fact_rows`` entry: name, spec, kind (``FACT_DECIMAL``, …), the declared type, the enum's values
FactRow = tuple[str, FactSpec, int, type | None, frozenset[str] | None]


def fact_json(row: FactRow, raw: Any) -> tuple[Any, Decimal | None]:
    """A given fact's JSON form, and its ``Decimal`` when it is money or a number read from another
    form (``None``: the JSON form is also its typed and CEL value — a bool, an int, an enum's value,
    or a value given in the declared type). ``row`` is the rule's ``fact_rows`` entry.

    Raises:
        FactProblem: the value does not read as the declared type.
    """
    _name, spec, kind, typed, values = row
    t = type(raw)
    if t is typed or (values is not None and t is str and raw in values):
        return raw, None
    value = coerce(spec, raw)
    if kind == FACT_DECIMAL:
        return to_json(spec, value), value
    return value, None


def _party(case: Case) -> dict[str, Any]:
    """The party as CEL sees it; an individual without an age is taken as an adult (18)."""
    p = case.party
    if p.kind == "organization":
        return {"kind": p.kind}
    return {"kind": p.kind, "age": p.age if p.age is not None else 18, "age_given": p.age is not None}
