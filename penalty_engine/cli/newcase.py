"""``penalty new-case``: a case file for a rule, by questions on the terminal or as a template.

Not pure: asks on stderr, reads answers from stdin, writes the case to stdout or a file.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .. import newcase
from .common import Lang, OutputOpt, PackOpt, RuleArg, guarded, load_engine, say, write


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
    template: Annotated[
        bool, typer.Option("--template", help="Write a commented case file to fill in by hand instead of asking.")
    ] = False,
    pack: PackOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the questions and comments.")] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Write a case file for RULE_ID: answer the questions (case, date, party, each fact), or use --template.

    Questions go to stderr, so without -o the case file alone is printed on stdout.
    """
    engine = load_engine(pack)
    compiled = guarded(lambda: engine.rule(rule))
    if output is not None and output.exists() and not force:
        say(f"{output} exists; use --force to overwrite it")
        raise typer.Exit(1)
    if template:
        write(newcase.template_yaml(compiled, lang.value), output)
        return
    try:
        data = guarded(lambda: newcase.build_case(compiled, _ask, _tell, lang.value))
    except EOFError:
        say("\ninput ended before the case was complete; nothing written")
        raise typer.Exit(1) from None
    write(newcase.case_yaml(compiled, data, lang.value), output)
