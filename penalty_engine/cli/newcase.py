"""``penalty new-case``: a case file for a rule, by questions on the terminal or as a template.

Not pure: asks on stderr, reads answers from stdin, writes the case to stdout or a file.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .. import newcase
from .common import Lang, OutputOpt, PackOpt, RuleArg, guarded, load_engine, say, write
from .lang import cli_help, cli_text


def _ask(prompt: str) -> str:
    # Not typer.prompt: it writes a space of every prompt on stdout, where the case file may go.
    sys.stderr.write(f"{prompt}: ")
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    answer = line.rstrip("\r\n")
    if not sys.stdin.isatty():  # piped answers are not echoed by a terminal: show them
        typer.echo(answer, err=True)
    return answer


def _tell(message: str) -> None:
    typer.echo(message, err=True)


def new_case(
    rule: RuleArg,
    output: OutputOpt = None,
    template: Annotated[bool, typer.Option("--template", help=cli_help("new_case.template"))] = False,
    pack: PackOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help=cli_help("new_case.lang"))] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help=cli_help("new_case.force"))] = False,
) -> None:
    """``penalty new-case`` (help: ``cli.help.new_case``): questions on stderr, the case file on
    stdout or in ``--output``; ``--template`` writes a file to fill in instead."""
    engine = load_engine(pack)
    compiled = guarded(lambda: engine.rule(rule))
    if output is not None and output.exists() and not force:
        say(cli_text("exists", path=output))
        raise typer.Exit(1)
    if template:
        write(newcase.template_yaml(compiled, lang.value), output)
        return
    try:
        data = guarded(lambda: newcase.build_case(compiled, _ask, _tell, lang.value))
    except EOFError:
        say("\n" + cli_text("input_ended"))
        raise typer.Exit(1) from None
    write(newcase.case_yaml(compiled, data, lang.value), output)
