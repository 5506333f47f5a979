"""``create_app(settings)``: the FastAPI application of ``penalty serve`` (issue #13, docs/service.md).

Loads the packs once, opens the ledger and the keys file, joins the routes (``routes``), turns every
error into ``application/problem+json`` (``problems``) and writes an OpenAPI document whose request
and response bodies are the real models (``Case``, ``Decision``, ``Decisions``, ``Problem`` …).

Not pure: reads packs, the keys file and the ledger at start. ``app_from_env`` is the factory the
worker processes of ``--workers N`` call (settings from the environment).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from ..__about__ import __version__
from ..core import Engine
from ..errors import LedgerError, PenaltyEngineError
from ..ledger import Ledger, open_ledger
from ..models import Case
from .documents import document_router
from .keys import KeyRing
from .problems import MEDIA, TITLES, Problem, ServiceProblem, body, from_error, from_service, guard, problem
from .routes import NDJSON, _NotFound, router
from .runtime import Service
from .settings import Settings, from_env
from .web import STATIC, web_router

DESCRIPTION = """Quantified administrative-penalty discretion over HTTP: evaluate cases against the
loaded rule packs; every decision is recorded in the ledger. Errors are `application/problem+json`
(RFC 9457) with the project's `PE-` code and a message in Chinese and English. See docs/service.md."""


def _problem_response(p: Problem, headers: dict[str, str] | None = None) -> Response:
    return Response(body(p), status_code=p.status, media_type=MEDIA, headers=headers)


def create_app(settings: Settings, *, engine: Engine | None = None, ledger: Ledger | None = None) -> FastAPI:
    """The service over ``settings`` (``engine``/``ledger`` given: used instead of loading/opening).

    Raises:
        RuleError: a pack does not load.
        KeysFileError: the keys file is not readable.
    """
    svc = Service(
        engine=engine if engine is not None else Engine.load(*settings.packs),
        ledger=ledger if ledger is not None else open_ledger(settings.ledger_url),
        keys=KeyRing(settings.keys_file),
        max_batch=settings.max_batch,
    )
    app = FastAPI(
        title="penalty-engine",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.service = svc
    app.include_router(router(svc))
    app.include_router(web_router(svc))
    app.include_router(document_router(svc))
    app.mount("/static/web", StaticFiles(directory=STATIC), name="web-static")
    app.add_middleware(guard, max_body=settings.max_body)

    @app.exception_handler(PenaltyEngineError)
    async def _engine_error(request: Request, exc: PenaltyEngineError) -> Response:
        status = 400 if exc.code == "PE-C001" else 503 if isinstance(exc, LedgerError) else 422
        return _problem_response(from_error(exc, request.url.path, status))

    @app.exception_handler(_NotFound)
    async def _not_found(request: Request, exc: _NotFound) -> Response:
        return _problem_response(from_error(exc.error, request.url.path, 404))

    @app.exception_handler(ServiceProblem)
    async def _service_problem(request: Request, exc: ServiceProblem) -> Response:
        return _problem_response(from_service(exc, request.url.path), exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        zh, en = TITLES.get(exc.status_code, ("请求出错", "Error"))
        detail = str(exc.detail) if exc.detail else en
        p = problem(exc.status_code, f"PE-S{exc.status_code}", f"{zh}：{request.url.path}", detail, request.url.path)
        return _problem_response(p, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        loc = [str(p) for p in first.get("loc", ())]
        field = ".".join(loc[1:]) or ".".join(loc) or None
        en = f"{field}: {first.get('msg', 'invalid')}"
        return _problem_response(problem(422, "PE-S422", en, en, request.url.path, field=field))

    app.openapi = lambda: _openapi(app, settings)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The app over the settings in ``PENALTY_*`` environment variables (uvicorn ``--factory``)."""
    return create_app(from_env())


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


#: the error statuses each operation may answer (beyond 500, which any may)
_ERRORS = {
    ("post", "/v1/evaluate"): (400, 401, 403, 413, 422, 503),
    ("post", "/v1/evaluate/batch"): (400, 401, 403, 413, 422, 503),
    ("get", "/v1/packs"): (401, 422),
    ("get", "/v1/rules"): (401, 422),
    ("get", "/v1/rules/{pack}/{rule}"): (401, 404, 422),
    ("get", "/v1/decisions/{record_id}"): (401, 403, 404, 422, 503),
    ("get", "/v1/decisions/{record_id}/document"): (401, 403, 404, 422, 503),
    ("get", "/readyz"): (503,),
}


def _openapi(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The OpenAPI document, with the request bodies the endpoints read themselves and the problem
    answers every operation may give."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in (Case, Problem):
        found = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
        for name, sub in found.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = found
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    json_body = {"required": True, "content": {"application/json": {"schema": _ref("Case")}}}
    batch = {"type": "array", "items": _ref("Case"), "maxItems": settings.max_batch}
    paths = doc["paths"]
    paths["/v1/evaluate"]["post"]["requestBody"] = json_body
    paths["/v1/evaluate"]["post"]["responses"]["200"]["headers"] = {
        "Ledger-Id": {"description": "id of the ledger record of this decision", "schema": {"type": "string"}},
        "Location": {"description": "/v1/decisions/{Ledger-Id}", "schema": {"type": "string"}},
    }
    paths["/v1/evaluate/batch"]["post"]["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": batch}},
    }
    paths["/v1/evaluate/batch"]["post"]["responses"]["200"] = {
        "description": "one JSON line per case (BatchLine), in input order",
        "content": {NDJSON: {"schema": _ref("BatchLine")}},
    }
    _batch_line(schemas)
    for (method, path), statuses in _ERRORS.items():
        responses = paths[path][method]["responses"]
        for status in (*statuses, 500):
            responses[str(status)] = {
                "description": TITLES[status][1],
                "content": {MEDIA: {"schema": _ref("Problem")}},
            }
    app.openapi_schema = doc
    return doc


def _batch_line(schemas: dict[str, Any]) -> None:
    """Add ``BatchLine`` (with the decision's serialisation schema) to the components."""
    from .schemas import BatchLine

    found = BatchLine.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    for name, sub in found.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas["BatchLine"] = found
