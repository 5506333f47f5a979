"""The endpoints under ``/v1`` and the health checks; each parses, checks the key, calls ``Service``.

Access: an API key in ``Authorization: Bearer <key>`` or ``X-API-Key``; no key or an unknown one →
401, a key without the role → 403. ``evaluate`` needs the role ``evaluate``; ``/v1/decisions/{id}``
the role ``read``, or (an officer's key, ``evaluate`` only) that the record is of the key's own
evaluation; the catalog (packs, rules) any valid key. ``admin`` holds every role.

Not pure: the I/O shell of the service (see ``runtime`` for what it reads and writes).
"""

# no ``from __future__ import annotations``: FastAPI reads the dependencies of the closures below

import datetime as dt
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..core import describe_rule
from ..errors import CaseError, PenaltyEngineError, msg, word
from ..ledger import Record
from ..models import Decision, Decisions
from ..yamlio import Located, YamlProblem, parse_json
from .keys import ApiKey
from .problems import MEDIA, ServiceProblem, from_error, problem
from .runtime import Service, record_json
from .schemas import Health, PackOut, RecordOut, RuleOut, RuleSummary, pack_out, rule_out, rule_summary

log = logging.getLogger("penalty_engine.service")

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <key> (penalty serve keys add)")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the key, as X-API-Key")

Lang = Annotated[Literal["zh", "en"], Query(description="language of the trail messages")]
AsOf = Annotated[
    dt.date | None, Query(description="decision date for cases without decided_on (default: the server's today)")
]
NDJSON = "application/x-ndjson"


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def parse_body(raw: bytes) -> Located:
    """The request body as JSON (decimals kept exact); not UTF-8 or not JSON → PE-C001 (400)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = msg("the request body is not UTF-8 text (byte {n})", n=exc.start)
        raise CaseError("PE-C001", message, "<request>") from None
    if not text.strip():
        raise CaseError("PE-C001", msg("the request body is empty: send a case as JSON"), "<request>")
    try:
        return parse_json(text, "<request>")
    except YamlProblem as exc:
        message = msg("JSON {kind} error: {problem}", kind=word("kinds", exc.kind), problem=exc.message)
        raise CaseError("PE-C001", message, f"<request>:{exc.line}") from None
    except RecursionError:
        raise CaseError("PE-C001", msg("JSON error: nested too deeply"), "<request>") from None


async def single_query(request: Request) -> None:
    """A query parameter given twice is ambiguous: 422 naming it."""
    for name in request.query_params:
        if len(request.query_params.getlist(name)) > 1:
            en = f"{name}: given more than once; give it once"
            raise ServiceProblem(422, f"{name}：只能给出一次", en, field=name)


def key_check(svc: Service) -> Callable[[str | None], Callable[..., Awaitable[ApiKey]]]:
    """``need(role)``: a dependency that returns the request's key, or answers 401 (no key, unknown
    or revoked key) or 403 (a key without ``role``; ``None``: any valid key)."""

    def need(role: str | None) -> Callable[..., Awaitable[ApiKey]]:
        async def check(
            cred: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
            header: Annotated[str | None, Security(api_key_header)],
        ) -> ApiKey:
            token = cred.credentials if cred is not None else header
            challenge = {"WWW-Authenticate": 'Bearer realm="penalty-engine"'}
            if not token:
                zh = "缺少 API 密钥：请在 Authorization: Bearer <密钥> 或 X-API-Key 请求头中提供"
                en = "no API key: give one as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
                raise ServiceProblem(401, zh, en, headers=challenge)
            key = svc.keys.authenticate(token)
            if key is None:
                zh = "API 密钥无效或已被吊销"
                en = "the API key is not valid or has been revoked"
                raise ServiceProblem(401, zh, en, headers=challenge)
            if role is not None and not key.allows(role):
                zh = f"密钥 {key.id} 没有此操作所需的角色 {role}（现有：{'、'.join(key.roles)}）"
                en = f"key {key.id} lacks the role '{role}' this needs (it has: {', '.join(key.roles)})"
                raise ServiceProblem(403, zh, en)
            return key

        return check

    return need


async def readable_record(svc: Service, key: ApiKey, record_id: str) -> Record:
    """The ledger record ``record_id`` if ``key`` may read it: any record with the role ``read``
    (or ``admin``), only its own (``caller`` is the key) with ``evaluate`` alone.

    Raises:
        ServiceProblem: 404 no such record, 403 the record of another key.
    """
    rec = await run_in_threadpool(svc.record, record_id)
    if rec is None:
        zh = f"账本中没有编号为 {record_id} 的决定"
        en = f"no decision with id '{record_id}' in the ledger"
        raise ServiceProblem(404, zh, en, field="record_id")
    if not key.allows("read") and rec.entry.caller != key.id:
        zh = f"密钥 {key.id} 只能查看本密钥作出的决定；查看他人的决定需要角色 read"
        en = f"key {key.id} may read only the decisions it made itself; others' need the role 'read'"
        raise ServiceProblem(403, zh, en, field="record_id")
    return rec


def router(svc: Service) -> APIRouter:
    """The service's routes over ``svc``."""
    api = APIRouter(dependencies=[Depends(single_query)])

    need = key_check(svc)

    @api.post(
        "/v1/evaluate",
        response_model=Decision | Decisions,
        summary="Evaluate one case and record the decision in the ledger",
        tags=["evaluate"],
    )
    async def evaluate(
        request: Request, key: Annotated[ApiKey, Depends(need("evaluate"))], lang: Lang = "en", as_of: AsOf = None
    ) -> Response:
        """One case (one violation, or several under ``violations``) in the case-input contract.

        The body of the answer is the decision JSON (``penalty-engine/decision@2``, or
        ``decisions@2`` for several violations) exactly as ``penalty evaluate --format json`` writes
        it; the ledger id of its record is in the ``Ledger-Id`` header (and ``Location`` points at
        the record)."""
        located = parse_body(await request.body())
        rid, data = await run_in_threadpool(svc.decide, located, lang, as_of, key.id)
        return _json(data, headers={"Ledger-Id": rid, "Location": f"/v1/decisions/{rid}"})

    @api.post(
        "/v1/evaluate/batch",
        response_class=StreamingResponse,
        summary="Evaluate many cases; one JSON line per case, in input order",
        tags=["evaluate"],
    )
    async def evaluate_batch(
        request: Request, key: Annotated[ApiKey, Depends(need("evaluate"))], lang: Lang = "en", as_of: AsOf = None
    ) -> Response:
        """A JSON array of cases. The answer is JSON Lines (``application/x-ndjson``), one line per
        case in input order: ``{"index", "ledger_id", "decision"}``, or ``{"index", "problem"}`` for
        a case that fails (the others are evaluated and recorded all the same)."""
        located = parse_body(await request.body())
        items = located.data
        if not isinstance(items, list):
            zh = f"批量请求体应为案件的 JSON 数组，收到的是 {type(items).__name__}"
            en = f"a batch is a JSON array of cases, got {type(items).__name__}"
            raise ServiceProblem(422, zh, en, field="(body)")
        if len(items) > svc.max_batch:
            zh = f"一次批量最多 {svc.max_batch} 个案件，收到 {len(items)} 个"
            en = f"a batch holds at most {svc.max_batch} cases, got {len(items)}"
            raise ServiceProblem(413, zh, en)
        path = request.url.path

        def lines() -> Iterator[bytes]:
            for i, item in enumerate(items):
                line: dict[str, Any] = {"index": i}
                try:
                    rid, data = svc.decide(Located(item, f"<request>[{i}]"), lang, as_of, key.id)
                    line.update(ledger_id=rid, decision=data)
                except PenaltyEngineError as exc:
                    line["problem"] = from_error(exc, path).model_dump(mode="json", exclude_none=True)
                except Exception:
                    ref = uuid.uuid4().hex[:16]
                    log.exception("unexpected error, reference %s, batch case %d", ref, i)
                    zh = f"服务内部错误；请把参考号 {ref} 告知服务管理员"
                    en = f"internal error; give the service's operator the reference {ref}"
                    p = problem(500, "PE-S500", zh, en, path, where=f"<request>[{i}]", reference=ref)
                    line["problem"] = p.model_dump(mode="json", exclude_none=True)
                yield json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"

        return StreamingResponse(lines(), media_type=NDJSON)

    @api.get("/v1/packs", response_model=list[PackOut], summary="The loaded packs", tags=["catalog"])
    async def packs(key: Annotated[ApiKey, Depends(need(None))]) -> Response:
        """Every loaded pack: id, title, version, jurisdiction, authority, currency, rule count."""
        return _json([p.model_dump(mode="json") for p in pack_out(svc.engine)])

    @api.get("/v1/rules", response_model=list[RuleSummary], summary="The loaded rules", tags=["catalog"])
    async def rules(
        key: Annotated[ApiKey, Depends(need(None))],
        search: Annotated[str | None, Query(max_length=200, description="words in the id or title")] = None,
    ) -> Response:
        """Every loaded rule (id, title, versions), optionally those whose id or title has ``search``."""
        word = (search or "").lower()
        found = [
            rule_summary(r).model_dump(mode="json")
            for r in svc.engine.rules()
            if not word or word in f"{r.id} {r.rule.title.zh} {r.rule.title.en}".lower()
        ]
        return _json(found)

    @api.get("/v1/rules/{pack}/{rule}", response_model=RuleOut, summary="One rule and its facts", tags=["catalog"])
    async def rule(
        key: Annotated[ApiKey, Depends(need(None))],
        pack: Annotated[str, PathParam(max_length=200)],
        rule: Annotated[str, PathParam(max_length=200)],
    ) -> Response:
        """One rule with every fact a case gives for it (labels in zh and en, type, unit, bounds,
        default, enum values, help): enough to build an input form."""
        try:
            compiled = svc.engine.rule(f"{pack}/{rule}", f"/v1/rules/{pack}/{rule}")
        except CaseError as exc:
            raise _NotFound(exc) from None
        return _json(rule_out(compiled, describe_rule(compiled)).model_dump(mode="json"))

    @api.get("/v1/decisions/{record_id}", response_model=RecordOut, summary="A recorded decision", tags=["ledger"])
    async def decision(
        key: Annotated[ApiKey, Depends(need(None))], record_id: Annotated[str, PathParam(max_length=100)]
    ) -> Response:
        """The ledger record: the case as sent, the decision JSON as returned, who asked, the chain.

        A key with the role ``read`` reads every record; a key with ``evaluate`` only (an officer's)
        reads the records of its own evaluations, and gets 403 for the others'."""
        return _json(record_json(await readable_record(svc, key, record_id)))

    @api.get("/healthz", response_model=Health, summary="The process is up", tags=["health"])
    async def healthz() -> Response:
        """Always 200 while the process answers."""
        return _json({"status": "ok"})

    @api.get("/readyz", response_model=Health, summary="Packs loaded and ledger reachable", tags=["health"])
    async def readyz() -> Response:
        """200 when the packs are loaded and the ledger answers; else 503 (a problem)."""
        if await run_in_threadpool(svc.ready):
            return _json({"status": "ready", "packs": svc.engine.packs(), "ledger": True})
        zh, en = "账本不可达或规则包未加载", "the ledger is not reachable or no pack is loaded"
        p = problem(503, "PE-S503", zh, en, "/readyz")
        return JSONResponse(p.model_dump(mode="json", exclude_none=True), status_code=503, media_type=MEDIA)

    return api


class _NotFound(Exception):
    """An unknown rule asked for by path: the engine's error, answered as 404."""

    def __init__(self, error: CaseError) -> None:
        super().__init__(error.message)
        #: the engine's error (PE-C006 and its suggestion)
        self.error = error
