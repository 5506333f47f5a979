"""typer in the command line's language: every command's help from the catalog, and typer's own
words (the usage line, panel titles, "[default: …]", the help and completion options, the error
panel's title and its "Try … for help") in that language too (issue #12, docs/cli.md "Language").

typer reads help texts when the app is built, so they are chosen once, at import
(``lang.cli_help``). typer's words are module constants of ``typer.rich_utils``, which typer
imports only to print help or an error: ``localize`` sets them then — from ``format_help`` of every
command and group, and from the root group when an error is on its way to typer's error panel — so
a command that runs without help or error never imports it. The words typer writes with no
constant to set (click's error messages such as "Missing argument", "No such option", "Invalid
value for …") stay English; docs/cli.md lists them.

Not pure: sets typer's constants.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from .lang import cli_help, help_lang, typer_words

#: ``-h`` as well as ``--help``, on the root app and every command group.
CONTEXT: dict[str, Any] = {"help_option_names": ["--help", "-h"]}

#: typer.rich_utils constant -> key of the catalog area ``cli.typer``
_RICH = {
    "ARGUMENTS_PANEL_TITLE": "arguments",
    "OPTIONS_PANEL_TITLE": "options",
    "COMMANDS_PANEL_TITLE": "commands",
    "ERRORS_PANEL_TITLE": "error",
    "DEFAULT_STRING": "default",
    "ENVVAR_STRING": "env_var",
    "REQUIRED_LONG_STRING": "required",
    "DEPRECATED_STRING": "deprecated",
    "ABORTED_TEXT": "aborted",
    "RICH_HELP": "try_help",
}
#: options typer adds itself, by their parameter name -> key of ``cli.typer``
_OWN_OPTIONS = {"install_completion": "install_completion", "show_completion": "show_completion"}


# Chinese is written without spaces: rich, which breaks lines only at spaces (Textualize/rich#2494),
# would crop a long run of it with "…" in a help table. In Chinese help a "word" is therefore one
# Chinese character with the closing marks after it (，。）…) and the opening marks before it (（“…),
# or a run of other text; the spaces before a word are its own (rich keeps the spaces after a word,
# and on a line holding Chinese, which it measures in characters where it means cells, a space
# after the last word crops that word to "…"). English help is broken as rich breaks it.
_OPEN = "\uff08\u3010\u300a\u201c\u2018\u300c\u300e\u3014\uff3b\uff5b"
_CLOSE = "\uff09\u3011\u300b\u201d\u2019\u300d\u300f\u3015\uff3d\uff5d\uff0c\u3002\u3001\uff1b\uff1a\uff01\uff1f\u2026"
_WIDE = "\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uf900-\ufaff\uff01-\uffef"
CJK_WORD = re.compile(rf"\s*(?:[{_OPEN}]*(?:[{_WIDE}]|[^\s{_WIDE}{_OPEN}{_CLOSE}]+)[{_CLOSE}]*|\S)")


def localize() -> None:
    """Set typer's words (``typer.rich_utils``) in the command line's language; in Chinese, let rich
    break lines between characters (``CJK_WORD``)."""
    from rich import _wrap
    from typer import rich_utils

    found = typer_words()
    for name, key in _RICH.items():
        setattr(rich_utils, name, found[key])
    if help_lang() == "zh" and hasattr(_wrap, "re_word"):  # rich finds the words of a line with it
        _wrap.re_word = CJK_WORD


def _usage(command: Any, ctx: Any, formatter: Any) -> None:
    """The usage line, its prefix ("Usage: ") in the command line's language."""
    pieces = " ".join(command.collect_usage_pieces(ctx))
    formatter.write_usage(ctx.command_path, pieces, prefix=typer_words()["usage"])


def _own_help(params: list[Any]) -> list[Any]:
    """``params`` with the help of the options typer adds (help, completion) in the command
    line's language."""
    found = typer_words()
    for param in params:
        key = _OWN_OPTIONS.get(param.name or "")
        if key is not None:
            param.help = found[key]
    return params


class Command(TyperCommand):
    """A command whose help is in the command line's language (see the module)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = typer_words()["help_option"]
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _usage(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        localize()
        super().format_help(ctx, formatter)


class Group(TyperGroup):
    """A command group whose help is in the command line's language; as the root, it sets typer's
    words before typer shows a usage error (see the module)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = typer_words()["help_option"]
        return option

    def get_params(self, ctx: Any) -> list[Any]:
        return _own_help(super().get_params(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _usage(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        localize()
        super().format_help(ctx, formatter)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except (typer.TyperException, typer.Abort):  # typer shows these with its words
            localize()
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Abort):
            localize()
            raise


def command(key: str) -> dict[str, Any]:
    """What ``app.command(…)`` takes for a command whose help is ``cli.help.<key>``."""
    return {"cls": Command, "help": cli_help(key), "options_metavar": typer_words()["options_metavar"]}


def group(key: str, **settings: Any) -> typer.Typer:
    """A command group whose help is ``cli.help.<key>`` (``settings``: more of ``typer.Typer``'s)."""
    found = typer_words()
    return typer.Typer(
        cls=Group,
        help=cli_help(key),
        options_metavar=found["options_metavar"],
        subcommand_metavar=found["subcommand_metavar"],
        context_settings=CONTEXT,
        **settings,
    )
