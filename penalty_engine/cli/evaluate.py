"""``penalty evaluate``: cases in, recommendations with their explanation out (on standard output, or
as a case-file document with ``-o FILE``: .docx, .html or .md by the file's suffix).

Not pure: reads case files (or stdin) and the clock (``--as-of`` defaults to today), writes files.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..core import Engine, read_case_file, to_case
from ..errors import PenaltyEngineError
from ..models import Decision, Decisions
from ..render import SUFFIXES, DocFormat, law_texts, render_any, render_document
from ..yamlio import Located
from .common import DateOpt, Fmt, Lang, PackOpt, fail, guarded, load_engine, print_text, say
from .lang import cli_help, cli_text, os_reason
from .ledger import open_or_exit

if TYPE_CHECKING:  # imported where used (--record): a quick start does not load the ledger
    from ..ledger import Entry, Ledger


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _read(path: str) -> Located | PenaltyEngineError:
    """The case file read, or the error it gives (shown in its turn; ``-`` is read once)."""
    try:
        return read_case_file(path)
    except PenaltyEngineError as exc:
        return exc


def _caller() -> str:
    """``cli:<login name>`` (the CLI may read who runs it; the core may not)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unknown"


def _entry(engine: Engine, data: Any, decision: Decision | Decisions, caller: str) -> Entry:
    """The ledger entry of one decision: the case as read (dates as ISO text) and the decision JSON."""
    from ..ledger import Entry

    first = decision.decisions[0] if isinstance(decision, Decisions) else decision
    pack = engine.rule(first.violation.id).pack
    case = json.loads(json.dumps(data, default=_json_value, ensure_ascii=False))
    return Entry(case, decision.model_dump(mode="json"), first.fingerprint, pack.id, pack.version, first.engine, caller)


#: what a file name may not hold on any common system, and control characters
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
PLACEHOLDER = "{case_id}"


def _document_format(output: Path) -> DocFormat:
    """The document format ``output``'s suffix names; another suffix is a usage error (exit 2)."""
    fmt = SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        got = cli_text("suffix_got", suffix=output.suffix) if output.suffix else cli_text("suffix_none")
        raise typer.BadParameter(cli_text("suffix", known=known, got=got), param_hint="'--output' / '-o'")
    return fmt


def _target(output: Path, case_id: str) -> Path:
    """``output`` with ``{case_id}`` replaced by the case id made safe as a file name."""
    if PLACEHOLDER not in str(output):
        return output
    safe = _UNSAFE.sub("_", case_id).strip(" .") or "_"
    return Path(str(output).replace(PLACEHOLDER, safe))


def _write_document(path: Path, data: bytes, force: bool, written: set[Path]) -> bool:
    """Write one document; refuse to overwrite a file (without --force) or one written by this run."""
    if path in written:
        say(cli_text("written_twice", path=path))
        return False
    if path.exists() and not force:
        say(cli_text("exists", path=path))
        return False
    try:
        path.write_bytes(data)
    except OSError as exc:
        say(cli_text("cannot_write", path=path, reason=os_reason(exc)))
        return False
    written.add(path)
    say(cli_text("wrote", path=path))
    return True


def evaluate(
    cases: Annotated[list[str], typer.Argument(help=cli_help("evaluate.cases"))],
    pack: PackOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help=cli_help("format_opt"))] = Fmt.text,
    lang: Annotated[Lang | None, typer.Option("--lang", help=cli_help("evaluate.lang"))] = None,
    as_of: DateOpt = None,
    record: Annotated[
        str | None, typer.Option("--record", metavar=cli_help("metavar_ledger"), help=cli_help("evaluate.record"))
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar=cli_help("metavar_file"), help=cli_help("evaluate.output"))
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=cli_help("evaluate.force"))] = False,
) -> None:
    """``penalty evaluate`` (help: ``cli.help.evaluate``): each case evaluated and printed, recorded
    with ``--record``, written as a case-file document with ``-o``."""
    doc_fmt = _document_format(output) if output is not None else None
    if output is not None and len(cases) > 1 and PLACEHOLDER not in str(output):
        example = f"out/{PLACEHOLDER}{output.suffix}"
        raise typer.BadParameter(
            cli_text("one_file", n=len(cases), placeholder=PLACEHOLDER, example=example),
            param_hint="'--output' / '-o'",
        )
    written: set[Path] = set()
    read = [_read(path) for path in cases]  # read first: the packs the cases name are all that load
    engine = (
        load_engine(pack) if pack else guarded(lambda: Engine.load_for(r.data for r in read if isinstance(r, Located)))
    )
    ledger: Ledger | None = open_or_exit(record) if record else None
    caller = _caller()
    language = (lang or (Lang.en if fmt is Fmt.json and output is None else Lang.zh)).value
    day = as_of.date() if as_of else dt.date.today()
    source = "--as-of" if as_of else "today"
    failed = 0
    for i in range(len(cases)):
        try:
            located = read[i]
            if isinstance(located, PenaltyEngineError):
                raise located
            decision = engine.evaluate_any(located.data, as_of=day, source=located, as_of_label=source)
        except PenaltyEngineError as exc:
            fail(exc)
            failed += 1
            continue
        if ledger is not None:
            rec = guarded(partial(ledger.append, _entry(engine, located.data, decision, caller)))
            say(cli_text("recorded", id=rec.id, seq=rec.seq))
        if output is not None and doc_fmt is not None:
            party = to_case(located.data, located).party
            data = render_document(decision, doc_fmt, language, party=party, law=law_texts(engine, decision))
            if not _write_document(_target(output, decision.case_id), data, force, written):
                failed += 1
        elif fmt is Fmt.json:
            out = render_any(decision, "json", language)
            print_text(out if len(cases) == 1 else json.dumps(json.loads(out), ensure_ascii=False))
        else:
            if i:
                print_text("\n" + ("-" * 72 if fmt is Fmt.text else "---") + "\n")
            print_text(render_any(decision, fmt.value, language))
    if ledger is not None:
        ledger.close()
    if failed:
        raise typer.Exit(1)
