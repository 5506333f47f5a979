"""The page's endpoints: ``/`` (the page itself, no key needed: it holds no data), and the
fragments ``/web/rules``, ``/web/form/{pack}/{rule}`` and ``/web/result/{id}``, each asked for by
the page's script with the officer's key, as ``/v1`` is.

Not pure: reads the ledger (a result) and the clock (today's date as the default decision date).
"""

# no ``from __future__ import annotations``: FastAPI reads the dependencies of the closures below

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from ...errors import CaseError
from ...models import Decision, FactSpec, FactType, LawRef, localized
from ...pack import CompiledRule
from ...render import environment
from ...text import capitals, date_text, money, words
from ...values import enum_choices
from ..keys import ApiKey
from ..problems import ServiceProblem
from ..routes import key_check, readable_record
from ..runtime import Service
from .present import bar, changes, flat_case, outline, provisions, stages

STATIC = Path(__file__).resolve().parent / "static"
#: the page runs only its own script and style sheet, talks only to this server, and is never framed
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
#: the duties the page highlights: they change how the case must be handled
KEY_DUTIES = frozenset({"hearing_notice", "legal_review", "collective_discussion"})

Lang = Annotated[Literal["zh", "en"], Query(description="language of the page")]

_env = environment("penalty_engine.service.web")


def _html(template: str, status: int = 200, **context: Any) -> Response:
    body = _env.get_template(template).render(**context)
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def value_label(value: str, lang: str) -> str:
    """How an enum value is shown: the catalog's ``web.value.<value>``, else the value itself."""
    w = words(lang)
    return w.texts.get(f"web.value.{value}", value)


def expected(spec: FactSpec, lang: str) -> str:
    """What a fact takes, in the words of the API's messages (``models.facts``): ``a whole number
    (次) from 0 to 100`` in English; the same parts in Chinese."""
    t = words(lang).scope("web")
    if spec.type is FactType.enum:
        assert spec.values
        if lang == "en":  # the API's own words, with the values' Chinese names
            return enum_choices(spec.values)
        return t("expect.enum", values=t("expect.sep").join(value_label(v, lang) for v in spec.values))
    out = t(f"expect.{spec.type.value}")
    if spec.unit:
        out += t("expect.unit", unit=spec.unit)
    lo = format(spec.min, "f") if spec.min is not None else None
    hi = format(spec.max, "f") if spec.max is not None else None
    if lo is not None and hi is not None:
        out += t("expect.range", min=lo, max=hi)
    elif lo is not None:
        out += t("expect.at_least", min=lo)
    elif hi is not None:
        out += t("expect.at_most", max=hi)
    if spec.type is FactType.money:
        out += t("expect.money_forms")
    return out


def _shown(value: Any, spec: FactSpec, lang: str) -> str:
    """A fact's value as an officer reads it: 是/否, an enum value's label, a number as written."""
    if spec.type is FactType.bool:
        return words(lang)("newcase.yes" if value else "newcase.no")
    if spec.type is FactType.enum:
        return value_label(str(value), lang)
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def field_row(name: str, spec: FactSpec, common: bool, lang: str) -> dict[str, Any]:
    """What the form needs of one fact: input kind, label, hint, bounds and the texts its checks show."""
    other = "en" if lang == "zh" else "zh"
    default = spec.default
    return {
        "name": name,
        "id": f"f-{name}",
        "type": spec.type.value,
        "label": spec.label.get(lang),
        "label_zh": spec.label.zh,
        "label_en": spec.label.en,
        "unit": spec.unit,
        "help": spec.help.get(lang) if spec.help else None,
        "min": format(spec.min, "f") if spec.min is not None else "",
        "max": format(spec.max, "f") if spec.max is not None else "",
        "values": [(v, value_label(v, lang)) for v in spec.values or ()],
        "default": default,
        "default_text": "" if default is None else (_shown(default, spec, lang)),
        "value": "" if default is None or spec.type is FactType.bool else str(default),
        "required": spec.required,
        "common": common,
        "expected": expected(spec, lang),
        "expected_en": expected(spec, "en") if lang != "en" else expected(spec, lang),
        "expected_other": expected(spec, other),
    }


def rule_entry(rule: CompiledRule, lang: str) -> dict[str, Any]:
    """One rule in the list: id, title, the articles it rests on, and the words a search looks in."""
    latest = rule.versions[-1].version
    cites = [b.citation for b in latest.basis if isinstance(b, LawRef)]
    labels = [f"{s.label.zh} {s.label.en}" for n, s in rule.facts.items() if n not in rule.pack.common_facts]
    hay = " ".join([rule.id, rule.rule.title.zh, rule.rule.title.en, *cites, *labels]).lower()
    return {"id": rule.id, "title": rule.rule.title.get(lang), "cites": cites, "search": hay}


def in_force(start: dt.date, end: dt.date | None, lang: str) -> str:
    """When a rule version is in force, as the benchmark document words it: ``2017年11月4日 起，
    现行有效`` or ``2019年3月2日 至 2023年7月19日``."""
    t = words(lang).scope("publish")
    if end is None:
        return t("version_open", start=date_text(start, lang))
    return t("version_span", start=date_text(start, lang), end=date_text(end, lang))


def version_text(version: str, lang: str) -> str:
    """A decision's rule version (the date it took effect, ISO) as a date people read."""
    try:
        return date_text(dt.date.fromisoformat(version), lang)
    except ValueError:
        return version


def web_router(svc: Service) -> APIRouter:
    """The page and its fragments over ``svc``."""
    web = APIRouter(include_in_schema=False)
    need = key_check(svc)

    @web.get("/")
    async def page(lang: Lang = "zh") -> Response:
        """The page: the login form, the rule picker, the places the fragments go."""
        w = words(lang)
        client = {k: v for k, v in w.area("web").items() if k.startswith(("js.", "expect.", "msg."))}
        return _html(
            "page.html",
            lang=lang,
            other="en" if lang == "zh" else "zh",
            t=w.scope("web"),
            client=json.dumps(client, ensure_ascii=False),
        )

    @web.get("/web/rules")
    async def rules(key: Annotated[ApiKey, Depends(need(None))], lang: Lang = "zh") -> Response:
        """Every loaded rule, by pack, with its search words."""
        packs: dict[str, dict[str, Any]] = {}
        for r in svc.engine.rules():
            p = packs.setdefault(r.pack.id, {"id": r.pack.id, "title": r.pack.title.get(lang), "rules": []})
            p["rules"].append(rule_entry(r, lang))
        return _html("rules.html", t=words(lang).scope("web"), packs=list(packs.values()))

    @web.get("/web/form/{pack}/{rule}")
    async def form(
        key: Annotated[ApiKey, Depends(need(None))],
        pack: Annotated[str, PathParam(max_length=200)],
        rule: Annotated[str, PathParam(max_length=200)],
        lang: Lang = "zh",
    ) -> Response:
        """The form of one rule: case, party, dates, the rule's facts, then the pack's common ones."""
        compiled = _rule(svc, f"{pack}/{rule}")
        rows = [field_row(n, s, n in compiled.pack.common_facts, lang) for n, s in compiled.facts.items()]
        spans = [in_force(v.version.effective_from, v.version.effective_to, lang) for v in compiled.versions]
        versions = words(lang)("publish.list_sep").join(spans)
        return _html(
            "form.html",
            t=words(lang).scope("web"),
            lang=lang,
            rule=compiled,
            title=compiled.rule.title.get(lang),
            own=[r for r in rows if not r["common"]],
            common=[r for r in rows if r["common"]],
            versions=versions,
            today=dt.date.today().isoformat(),
        )

    @web.get("/web/result/{record_id}")
    async def result(
        key: Annotated[ApiKey, Depends(need(None))],
        record_id: Annotated[str, PathParam(max_length=100)],
        lang: Lang = "zh",
        compare: Annotated[str | None, Query(max_length=100)] = None,
    ) -> Response:
        """A recorded decision for people; with ``compare``, what changed since that decision."""
        rec = await readable_record(svc, key, record_id)
        data = rec.entry.decision
        if data.get("schema", "").startswith("penalty-engine/decisions"):
            zh = "本页面只显示单一违法行为的决定；多个违法行为的决定请用 GET /v1/decisions/{id}"
            en = "the page shows decisions of one violation; read several violations' with GET /v1/decisions/{id}"
            raise ServiceProblem(422, zh, en, field="record_id")
        before = await readable_record(svc, key, compare) if compare else None
        return _html("result.html", **result_context(svc, rec.id, rec.entry.case, data, before, lang))

    return web


def _rule(svc: Service, rule_id: str) -> CompiledRule:
    try:
        return svc.engine.rule(rule_id, f"/web/form/{rule_id}")
    except CaseError as exc:
        zh = f"没有违法行为 {rule_id}"
        raise ServiceProblem(404, zh, exc.message, field="rule") from None


def result_context(
    svc: Service, record_id: str, case: dict[str, Any], data: dict[str, Any], before: Any, lang: str
) -> dict[str, Any]:
    """What ``result.html`` shows of a decision JSON (and of the one it is compared with)."""
    decision = Decision.model_validate(data)
    compiled = svc.engine.rule(decision.violation.id)
    factor_labels = {f.id: f.label.get(lang) for v in compiled.versions for f in v.version.factors}
    quoted = provisions(compiled.rule, compiled.pack)
    steps = localized(decision.trail, lang)
    rng, band, rec = decision.statutory_range, decision.band, decision.recommended_fine
    shown_bar = bar(rng.min, rng.max, band.min, band.max, rec) if rng is not None and band is not None else None
    diff: dict[str, Any] | None = None
    if before is not None:
        labels = {f"facts.{n}": s for n, s in compiled.facts.items()}
        diff = {
            "id": before.id,
            "inputs": [(k, labels.get(k), a, b) for k, a, b in changes(flat_case(before.entry.case), flat_case(case))],
            "result": [
                (k, _shown_outline(k, a, lang, decision.currency), _shown_outline(k, b, lang, decision.currency))
                for k, a, b in changes(outline(before.entry.decision), outline(data))
            ],
        }
    return {
        "t": words(lang).scope("web"),
        "d": words(lang).scope("decision"),
        "lang": lang,
        "id": record_id,
        "dec": decision,
        "case": case,
        "fine": money(rec, lang, decision.currency) if rec is not None else None,
        "fine_capitals": capitals(rec) if rec is not None else None,
        "money": lambda x: money(Decimal(x), lang, decision.currency),
        "date": lambda d: date_text(d, lang),
        "version": version_text(decision.violation.version, lang),
        "bar": shown_bar,
        "factor_labels": factor_labels,
        "key_duties": KEY_DUTIES,
        "stages": stages(steps),
        "quoted": quoted,
        "diff": diff,
        "facts": compiled.facts,
        "shown": lambda name, value: _shown_fact(compiled, name, value, lang),
    }


def _shown_fact(compiled: CompiledRule, key: str, value: Any, lang: str) -> str:
    """A flat case value (``facts.x``, ``party.kind``, a date) as the comparison shows it."""
    if value is None:
        return "—"
    name = key.removeprefix("facts.")
    spec = compiled.facts.get(name) if key.startswith("facts.") else None
    if spec is not None:
        return _shown(_typed(spec, value), spec, lang)
    if key == "party.kind":
        return words(lang)(f"publish.{value}")
    return str(value)


def _typed(spec: FactSpec, value: Any) -> Any:
    if spec.type is FactType.bool and isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "是", "1"}
    return value


def _shown_outline(key: str, value: Any, lang: str, currency: str) -> str:
    """A part of ``present.outline`` as the comparison shows it: the catalog's words, amounts in 元."""
    d = words(lang).scope("decision")
    if value is None or value == ():
        return d("none")
    if key in ("outcome", "tier"):
        return d(value)
    if key in ("penalties", "duties"):
        return words(lang)("web.list_sep").join(d(k) for k in value)
    if key == "recommended_fine":
        return money(Decimal(value), lang, currency)
    if key == "band":
        lo, hi = value.split("–")
        return f"{money(Decimal(lo), lang, currency)} – {money(Decimal(hi), lang, currency)}"
    return str(value)
