"""``GET /v1/decisions/{id}/document``: a recorded decision as a document to file or download.

``format``: ``md`` (the decision in Markdown, ``penalty evaluate --format markdown``), ``json``
(the decision JSON as recorded) or ``docx`` (the case-file document of ``penalty evaluate -o
FILE.docx``, when the document writer is installed; 501 until then). The same access as the record
itself (``routes.readable_record``): an officer's key gets the documents of its own decisions.

Not pure: reads the ledger.
"""

# no ``from __future__ import annotations``: FastAPI reads the dependencies of the closures below

import json
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..models import Decision, Decisions
from ..render import render_any, render_document
from .keys import ApiKey
from .problems import ServiceProblem
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


def docx_writer() -> Callable[[Decision | Decisions, str], bytes] | None:
    """The case-file document writer (``render.render_document``, issue #12)."""
    return lambda result, lang: render_document(result, "docx", lang)


def document(data: dict[str, Any], fmt: str, lang: str) -> bytes:
    """The recorded decision JSON ``data`` as a document of ``fmt`` in ``lang``.

    Raises:
        ServiceProblem: 501 for ``docx`` while the writer is missing.
    """
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    result = _decision(data)
    if fmt == "md":
        return render_any(result, "markdown", lang).encode("utf-8")
    write = docx_writer()
    if write is None:
        zh = "本服务尚未安装 Word 文书生成功能（.docx）；可下载 JSON 或用浏览器打印为 PDF"
        en = "this service cannot write Word documents (.docx) yet; download the JSON or print to PDF"
        raise ServiceProblem(501, zh, en, field="format")
    return write(result, lang)


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
        body = await run_in_threadpool(document, rec.entry.decision, format, lang)
        headers = {"Content-Disposition": disposition(str(rec.entry.case.get("case_id", rec.id)), rec.id, format)}
        return Response(body, media_type=MEDIA[format], headers=headers)

    return api
