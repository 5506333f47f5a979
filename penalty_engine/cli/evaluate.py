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
from typing import Annotated, Any

import typer

from ..core import Engine, read_case_file, to_case
from ..errors import PenaltyEngineError
from ..ledger import Entry, Ledger
from ..models import Decision, Decisions
from ..render import SUFFIXES, DocFormat, law_texts, render_any, render_document
from .common import DateOpt, Fmt, Lang, PackOpt, fail, guarded, load_engine, print_text, say
from .ledger import open_or_exit


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _caller() -> str:
    """``cli:<login name>`` (the CLI may read who runs it; the core may not)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unknown"


def _entry(engine: Engine, data: Any, decision: Decision | Decisions, caller: str) -> Entry:
    """The ledger entry of one decision: the case as read (dates as ISO text) and the decision JSON."""
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
        got = f"'{output.suffix}'" if output.suffix else "no suffix"
        raise typer.BadParameter(
            f"the file's suffix names the document: one of {known}; got {got}", param_hint="'--output' / '-o'"
        )
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
        say(f"not written: {path} was already written for another case of this run (two cases with one id?)")
        return False
    if path.exists() and not force:
        say(f"{path} exists; use --force to overwrite it")
        return False
    try:
        path.write_bytes(data)
    except OSError as exc:
        say(f"cannot write {path}: {exc.strerror}")
        return False
    written.add(path)
    say(f"wrote {path}")
    return True


def evaluate(
    cases: Annotated[list[str], typer.Argument(help="Case files (YAML or JSON); '-' reads standard input.")],
    pack: PackOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.text,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of the explanation (default: zh for text and markdown, en for json)."),
    ] = None,
    as_of: DateOpt = None,
    record: Annotated[
        str | None,
        typer.Option("--record", metavar="LEDGER_URL", help="Record each decision in this ledger (file path or URL)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the case-file document instead of printing: .docx, .html or .md by the suffix "
            "(--format is then not used). Several cases need {case_id} in FILE: one file per case.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
) -> None:
    """Evaluate cases and print the recommendation with its explanation.

    One case in JSON prints one object; several print one object per line (JSON Lines). With
    --record, each decision is also appended to the ledger and its record id printed on stderr.
    With -o FILE, the explanation is written as a document to sign and file (Word, printable HTML
    or Markdown, in Chinese unless --lang en); 'out/{case_id}.docx' writes one file per case.
    """
    doc_fmt = _document_format(output) if output is not None else None
    if output is not None and len(cases) > 1 and PLACEHOLDER not in str(output):
        raise typer.BadParameter(
            f"{len(cases)} cases cannot share one file: put {PLACEHOLDER} in it for one file per case, "
            f"e.g. -o 'out/{PLACEHOLDER}{output.suffix}'",
            param_hint="'--output' / '-o'",
        )
    written: set[Path] = set()
    engine = load_engine(pack)
    ledger: Ledger | None = open_or_exit(record) if record else None
    caller = _caller()
    language = (lang or (Lang.en if fmt is Fmt.json and output is None else Lang.zh)).value
    day = as_of.date() if as_of else dt.date.today()
    source = "--as-of" if as_of else "today"
    failed = 0
    for i, path in enumerate(cases):
        try:
            located = read_case_file(path)
            decision = engine.evaluate_any(located.data, as_of=day, source=located, as_of_label=source)
        except PenaltyEngineError as exc:
            fail(exc)
            failed += 1
            continue
        if ledger is not None:
            rec = guarded(partial(ledger.append, _entry(engine, located.data, decision, caller)))
            say(f"recorded {rec.id} (seq {rec.seq})")
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
