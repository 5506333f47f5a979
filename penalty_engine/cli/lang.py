"""The command line's own language: its help, its messages and typer's words (issue #12).

``PENALTY_LANG`` (``zh`` or ``en``) when set; else the locale — the first of ``LC_ALL``,
``LC_MESSAGES`` and ``LANG`` that is set — English when it starts with ``en``; else Chinese (C,
POSIX or no locale at all is Chinese: Chinese first). The shell may read the environment; the core
never does: what a command renders (a decision, a document) is in its ``--lang``, not in this one.

Help is chosen once, when the commands are built (typer reads help texts then): ``cli_help``.
Messages are chosen when they are said: ``cli_text``. Both read the catalog area ``cli``
(``text/cli.zh.yaml``, ``text/cli.en.yaml``).

Not pure: reads the environment.
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Mapping
from typing import Any

from ..text import MissingText, Words, words

#: The variable that chooses the command line's language over the locale.
ENV = "PENALTY_LANG"
_LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG")


def _named(value: str) -> str | None:
    """``zh`` or ``en`` for a value such as ``en``, ``en_US.UTF-8``, ``zh_CN``; else None."""
    value = value.strip().lower()
    return "en" if value.startswith("en") else "zh" if value.startswith("zh") else None


def cli_lang(environ: Mapping[str, str] | None = None) -> str:
    """The command line's language, ``zh`` or ``en``, from ``environ`` (default: the process's).

    ``PENALTY_LANG`` wins when it names a language (another value is ignored); else the locale in
    force (the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set and not empty) gives
    ``en`` when it starts with ``en``; anything else, or none, gives ``zh``.
    """
    env = os.environ if environ is None else environ
    chosen = _named(env.get(ENV, ""))
    if chosen is not None:
        return chosen
    for name in _LOCALE:
        value = env.get(name, "")
        if value:
            return "en" if value.strip().lower().startswith("en") else "zh"
    return "zh"


def cli_text(key: str, /, **fields: Any) -> str:
    """The message ``cli.msg.<key>`` in the command line's language now, ``fields`` filled in."""
    return words(cli_lang())(f"cli.msg.{key}", **fields)


def cli_pattern(key: str) -> str:
    """The message ``cli.msg.<key>`` in the command line's language now, unfilled: a pattern
    another formatter fills (rich's progress columns: ``{task.completed}``)."""
    found = words(cli_lang())
    try:
        return found.texts[f"cli.msg.{key}"]
    except KeyError:
        raise MissingText(f"cli.msg.{key}", found.lang, found.texts) from None


@functools.cache
def _help() -> Words:
    return words(cli_lang())


def cli_help(key: str) -> str:
    """The help text ``cli.help.<key>`` in the language the command line started in, as written
    (a help text is no pattern: its braces, as in ``{case_id}``, are shown).

    Raises:
        MissingText: the catalog has no such key.
    """
    found = _help()
    try:
        return found.texts[f"cli.help.{key}"]
    except KeyError:
        raise MissingText(f"cli.help.{key}", found.lang, found.texts) from None


def help_lang() -> str:
    """The language the command line started in: of its help and of typer's words."""
    return _help().lang


def typer_words() -> dict[str, str]:
    """typer's own words (panel titles, "Usage:", "[default: …]") in the language the command line
    started in, raw (their ``{}`` are typer's to fill)."""
    return _help().area("cli.typer")


#: the system's reasons a file cannot be written that the catalog words (``cli.msg.os.<name>``)
_REASONS = frozenset({"ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "ENOSPC", "EROFS", "EEXIST", "ENAMETOOLONG"})


def os_reason(exc: OSError) -> str:
    """Why the system refused, in the command line's language (English: the system's own words)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    strerror = exc.strerror or str(exc)
    return cli_text(f"os.{name}" if name in _REASONS else "os.other", strerror=strerror)
