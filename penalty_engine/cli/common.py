"""What every command shares: the stderr console, the error guard, output helpers, the choices
and one ``Annotated`` alias per repeated option (STYLE.md "Command line"). Help texts and messages
are the catalog's, in the command line's language (``lang``).

Not pure: writes to standard output, standard error and the files a command is told to write.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from ..core import Engine, Evaluator
from ..errors import PenaltyEngineError, RuleErrors
from .lang import cli_help, cli_lang, cli_text, os_reason

err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")


class Fmt(StrEnum):
    """Output of ``evaluate``."""

    text = "text"
    json = "json"
    markdown = "markdown"


class ListFmt(StrEnum):
    """Output of the ``rules`` commands: a table or text, or JSON."""

    text = "text"
    json = "json"


class Lang(StrEnum):
    """Language of what an officer reads."""

    zh = "zh"
    en = "en"


class PubFmt(StrEnum):
    """Output of ``rules publish``."""

    html = "html"
    markdown = "markdown"


PackOpt = Annotated[list[str] | None, typer.Option("--pack", "-p", help=cli_help("pack_opt"))]
PackArg = Annotated[str, typer.Argument(help=cli_help("pack_arg"))]
RuleArg = Annotated[str, typer.Argument(help=cli_help("rule_arg"))]
FormatOpt = Annotated[ListFmt, typer.Option("--format", "-f", help=cli_help("format_opt"))]
LangOpt = Annotated[Lang, typer.Option("--lang", help=cli_help("lang_opt"))]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help=cli_help("output_opt"))]
DateOpt = Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help=cli_help("as_of_opt"))]


def error_line(e: PenaltyEngineError, lang: str) -> str:
    """``code where: message`` of one error in ``lang``: the error's own ``text(lang)`` where it
    has one, else its ``message_zh`` for zh where it has that, else its message."""
    own = getattr(e, "text", None)
    if callable(own):
        return str(own(lang))
    message = getattr(e, "message_zh", e.message) if lang == "zh" else e.message
    return f"{e.code} {e.where}: {message}" if e.where else f"{e.code} {message}"


def fail(exc: PenaltyEngineError, lang: str | None = None) -> None:
    """Print a project error on stderr: its code and message, one line per error it holds, in
    ``lang`` (default: the command line's language)."""
    lang = lang or cli_lang()
    errors = exc.errors if isinstance(exc, RuleErrors) else [exc]
    for e in errors:
        err.print(error_line(e, lang), markup=False)


def guarded(fn: Callable[[], T]) -> T:
    """Run ``fn``; a project error becomes its message on stderr and exit 1."""
    try:
        return fn()
    except PenaltyEngineError as exc:
        fail(exc)
        raise typer.Exit(1) from None


def say(message: str) -> None:
    """One line on stderr, as it is (no markup)."""
    err.print(message, markup=False)


def load_engine(packs: list[str] | None, evaluator: Evaluator = "interpreter") -> Engine:
    """The engine over ``packs`` (default: every bundled pack); a pack error exits 1."""
    return guarded(lambda: Engine.load(*(packs or []), evaluator=evaluator))


def print_text(text: str) -> None:
    """Print ``text`` on stdout, ending in exactly one newline of its own."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` (UTF-8) and say so on stderr."""
    if output is None:
        print_text(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        say(cli_text("cannot_write", path=output, reason=os_reason(exc)))
        raise typer.Exit(1) from None
    say(cli_text("wrote", path=output))
