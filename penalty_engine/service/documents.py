"""``GET /v1/decisions/{id}/document``: a recorded decision as a document to file or download.

``format``: ``md`` (the decision in Markdown, ``penalty evaluate --format markdown``), ``json``
(the decision JSON as recorded) or ``docx`` (the case-file document of ``penalty evaluate -o
FILE.docx``: the same text, with the recorded case's party and the provisions quoted from the
loaded packs, as the CLI writes them). The same access as the record itself
(``routes.readable_record``): an officer's key gets the documents of its own decisions.

Not pure: reads the ledger.
"""

# no ``from __future__ import annotations``: FastAPI reads the dependencies of the closures below

import json
import re
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..core import Engine
from ..models import Decision, Decisions, Party
from ..render import law_texts, render_any, render_document
from .keys import ApiKey
from .routes import key_check, readable_record
from .runtime import Service

Format = Literal["docx", "md", "json"]
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _decision(data: dict[str, Any]) -> Decision | Decisions:
    if str(data.get("schema", "")).startswith("penalty-engine/decisions"):
        return Decisions.model_validate(data)
    return Decision.model_validate(data)


def _party(case: dict[str, Any]) -> Party | None:
    """The recorded case's party (name, kind, age), as ``penalty evaluate -o`` reads it from the case
    file; ``None`` (a blank to fill in by hand) when the record holds none the model accepts."""
    try:
        return Party.model_validate(case.get("party"))
    except ValueError:
        return None


def document(data: dict[str, Any], fmt: str, lang: str, engine: Engine, case: dict[str, Any]) -> bytes:
    """The recorded decision JSON ``data`` (of the recorded ``case``) as a document of ``fmt`` in
    ``lang``: for ``docx`` what ``penalty evaluate CASE -o FILE.docx`` writes for that case, the
    provisions quoted from ``engine``'s packs."""
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    result = _decision(data)
    if fmt == "md":
        return render_any(result, "markdown", lang).encode("utf-8")
    return render_document(result, "docx", lang, party=_party(case), law=law_texts(engine, result))


def disposition(case_id: str, record_id: str, fmt: str) -> str:
    """``attachment`` named after the case (UTF-8 name, with an ASCII fallback of the record id)."""
    ascii_name = _SAFE.sub("-", f"{record_id}.{fmt}")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(f'{case_id}.{fmt}', safe='')}"


def document_router(svc: Service) -> APIRouter:
    """The document endpoint over ``svc``."""
    api = APIRouter()
    need = key_check(svc)

    @api.get(
        "/v1/decisions/{record_id}/document",
        summary="A recorded decision as a document (.docx, Markdown, JSON)",
        tags=["ledger"],
        response_class=Response,
        responses={
            200: {
                "description": "the document, as an attachment named after the case",
                "content": {m.split(";")[0]: {} for m in MEDIA.values()},
            }
        },
    )
    async def decision_document(
        key: Annotated[ApiKey, Depends(need(None))],
        record_id: Annotated[str, PathParam(max_length=100)],
        format: Annotated[Format, Query(description="docx, md or json")] = "docx",
        lang: Annotated[Literal["zh", "en"], Query(description="language of the document")] = "zh",
    ) -> Response:
        """The decision of ledger record ``record_id`` as a file to download, in ``lang``; who may
        read it as for ``GET /v1/decisions/{record_id}``."""
        rec = await readable_record(svc, key, record_id)
        body = await run_in_threadpool(document, rec.entry.decision, format, lang, svc.engine, rec.entry.case)
        headers = {"Content-Disposition": disposition(str(rec.entry.case.get("case_id", rec.id)), rec.id, format)}
        return Response(body, media_type=MEDIA[format], headers=headers)

    return api
