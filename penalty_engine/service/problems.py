"""Errors as ``application/problem+json`` (RFC 9457), with the project's code and both languages.

Every error the service answers is a ``Problem``: ``type``, ``title``, ``status``, ``detail``,
``instance`` as the RFC has them, plus ``code`` (a ``PE-`` code: the engine's ``PE-C``/``PE-E``
codes, or the service's own ``PE-S<status>``), ``field`` (the case field at fault, when known),
``where`` and ``message`` in ``zh`` and ``en`` (an engine error's ``message_zh`` and ``message``:
issue #12). An unexpected exception becomes
a 500 problem with a ``reference`` that the server log repeats next to the traceback.

Pure, but for ``guard`` (an ASGI middleware: the body limit and the last-resort handler, which logs).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import CODES, PenaltyEngineError

MEDIA = "application/problem+json"
log = logging.getLogger("penalty_engine.service")

#: title of each status the service answers with, in both languages (data, not branches)
TITLES: dict[int, tuple[str, str]] = {
    400: ("请求无法解析", "Bad request"),
    401: ("未认证", "Unauthorized"),
    403: ("无权访问", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("方法不允许", "Method not allowed"),
    413: ("请求过大", "Content too large"),
    415: ("不支持的媒体类型", "Unsupported media type"),
    422: ("请求内容无法处理", "Unprocessable content"),
    500: ("服务内部错误", "Internal server error"),
    501: ("尚未实现", "Not implemented"),
    503: ("服务未就绪", "Service unavailable"),
}

_FIELD = re.compile(r"^([A-Za-z_][\w.\[\]-]*): ")


class Message(BaseModel):
    """A message in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Problem(BaseModel):
    """An error answer (RFC 9457 problem details, with the project's code and both languages)."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="URI of the problem type: urn:penalty-engine:problem:<code>")
    title: str = Field(description="short summary of the problem type (English)")
    status: int
    detail: str = Field(description="what went wrong in this request (English; see message for both)")
    instance: str = Field(description="the request path")
    code: str = Field(description="PE- code: the engine's (PE-C…, PE-E…) or the service's (PE-S<status>)")
    field: str | None = Field(default=None, description="the request field at fault, dotted, when known")
    where: str = Field(default="", description="where in the request: <request>, case id, batch index")
    message: Message
    reference: str | None = Field(default=None, description="for a 500: the id the server log shows")


class ServiceProblem(Exception):
    """An error the service answers on purpose, with its status, code and message in both languages."""

    def __init__(
        self,
        status: int,
        zh: str,
        en: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        #: the HTTP status
        self.status = status
        #: the message in Chinese and English
        self.zh, self.en = zh, en
        #: the request field at fault, when there is one
        self.field = field
        #: extra response headers (``WWW-Authenticate`` for a 401)
        self.headers = headers or {}


def problem(
    status: int,
    code: str,
    zh: str,
    en: str,
    instance: str,
    *,
    field: str | None = None,
    where: str = "",
    reference: str | None = None,
) -> Problem:
    """A problem object; ``title`` is the code's description for an engine code, else the status's."""
    title = CODES.get(code) or TITLES.get(status, ("", "Error"))[1]
    return Problem(
        type=f"urn:penalty-engine:problem:{code}",
        title=title,
        status=status,
        detail=en,
        instance=instance,
        code=code,
        field=field,
        where=where,
        message=Message(zh=zh or en, en=en or zh),
        reference=reference,
    )


def from_error(exc: PenaltyEngineError, instance: str, status: int = 422) -> Problem:
    """The problem of an engine error: its code, the field its message names, where, the message in
    Chinese (``message_zh``) and English."""
    m = _FIELD.match(exc.message)
    field = m.group(1) if m else None
    return problem(status, exc.code, exc.message_zh, exc.message, instance, field=field, where=str(exc.where))


def from_service(exc: ServiceProblem, instance: str) -> Problem:
    """The problem of a ``ServiceProblem``."""
    return problem(exc.status, f"PE-S{exc.status}", exc.zh, exc.en, instance, field=exc.field)


def body(p: Problem) -> bytes:
    """The JSON bytes of a problem (UTF-8, Chinese as it is)."""
    return json.dumps(p.model_dump(mode="json", exclude_none=True), ensure_ascii=False).encode("utf-8")


class BodyTooLarge(Exception):
    """The request body is over the limit (raised while it is read)."""


Scope = dict[str, Any]


class guard:
    """ASGI middleware: refuses bodies over ``max_body`` bytes (413, by Content-Length or while the
    body streams in) and turns any exception that escapes the app into a 500 problem with a
    reference id, logged with its traceback (never sent to the client)."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                await self._send(send, self._too_large(path))
                return
        seen = 0
        started = False

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        async def watched(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            if not started:
                await self._send(send, self._too_large(path))
        except Exception:
            ref = uuid.uuid4().hex[:16]
            log.exception("unexpected error, reference %s, %s %s", ref, scope.get("method"), path)
            if not started:
                zh = f"服务内部错误；请把参考号 {ref} 告知服务管理员"
                en = f"internal error; give the service's operator the reference {ref}"
                await self._send(send, problem(500, "PE-S500", zh, en, path, reference=ref))

    def _too_large(self, path: str) -> Problem:
        zh = f"请求体超过 {self.max_body} 字节的上限"
        en = f"the request body is larger than the limit of {self.max_body} bytes"
        return problem(413, "PE-S413", zh, en, path)

    @staticmethod
    async def _send(send: Any, p: Problem) -> None:
        data = body(p)
        headers = [(b"content-type", MEDIA.encode()), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": p.status, "headers": headers})
        await send({"type": "http.response.body", "body": data})
