"""The document an officer files: a decision (or a case's decisions) as .docx, .html or .md.

``render_document(result, fmt, lang)`` is the one entry point (``penalty evaluate -o FILE``, the
officers' web page's download). Both .docx and .html are drawn from one ``CaseFile`` view, built here
from the decision: every word comes from the text catalog (area ``document``, penalty kinds and
tiers from ``decision``), pack prose through ``in_lang``, amounts through ``money``/``capitals`` and
dates through ``date_text``. Identifiers (rule id and version, fingerprint, engine) appear only in the
view's one ``machine`` line at the foot. Markdown is the decision render itself (``render_any``).

Pure: the same decision gives the same bytes (the .docx has fixed core properties and no date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..models import Decision, Decisions, Party, in_lang, localized
from ..text import Scope, capitals, date_text, money, words
from .decision import render_any
from .templating import environment

DocFormat = Literal["docx", "html", "md"]
#: the formats ``render_document`` writes, by the file suffix that names them
SUFFIXES: dict[str, DocFormat] = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "md"}

#: how the engine marks a citation of the benchmark rather than of law (``models.Benchmark.citation``)
BENCHMARK_MARK = "裁量基准："

_env = environment("penalty_engine.render")


@dataclass(frozen=True, slots=True)
class Row:
    """A label and its value (the facts table, the recommendation box)."""

    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a section: its text, the basis it rests on, a provision's quoted text."""

    text: str
    basis: str = ""
    quote: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    entries: list[Entry]
    ordered: bool = False
    note: str = ""
    box: list[Row] = field(default_factory=list)
    kind: str = ""  # for styling: box, penalties, duties, factors, options, assumptions, provisions, trail, combined


@dataclass(frozen=True, slots=True)
class Part:
    """One decision: its heading (empty when the case has one violation), facts and sections."""

    heading: str
    facts: list[Row]
    sections: list[Section]


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything a document shows, every text final, in its order."""

    lang: str
    html_lang: str
    title: str
    subtitle: str
    case_no: str
    head: list[Row]
    parts: list[Part]
    tail: list[Section]
    signatures: list[str]
    sign_labels: tuple[str, str, str, str]  # title, opinion, signature, date
    date_blank: str
    none: str
    page: tuple[str, str]  # the page-number pattern's text before and after the number
    machine: str


class _Numbers:
    """Section numbers of one container, in the catalog's numerals (一、二、… / 1. 2. …)."""

    def __init__(self, w: Scope) -> None:
        self.w = w
        self.numerals = w("numerals").split(",")
        self.n = 0

    def numeral(self, n: int) -> str:
        return self.numerals[n - 1] if n <= len(self.numerals) else str(n)

    def __call__(self, title: str) -> str:
        self.n += 1
        return self.w("section", n=self.numeral(self.n), title=title)


def _label(value: Any, lang: str) -> str | None:
    """A ``{zh, en}`` label (a model or a mapping) in ``lang``; ``None`` when there is none."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        text = value.get(lang) or value.get("zh")
    else:
        text = getattr(value, lang, None) or getattr(value, "zh", None)
    return str(text) if text else None


def _around(text: str) -> tuple[str, str]:
    before, _, after = text.partition("\0")
    return before, after


def _version(version: str, w: Scope) -> str:
    try:
        return w("version_from", date=date_text(dt.date.fromisoformat(version), w.lang))
    except ValueError:
        return version


class _Builder:
    def __init__(self, lang: str, law: Mapping[str, str] | None) -> None:
        self.lang = lang
        self.w = words(lang).scope("document")
        self.t = words(lang).scope("decision")
        self.law = law or {}
        self.cited: dict[str, None] = {}  # law citations in order of first use

    # ------------------------------------------------------------------ pieces

    def basis(self, basis: Iterable[str]) -> str:
        """``依据：…`` for a list of citations (empty for none); law citations are kept for the provisions."""
        basis = list(basis)
        texts = [in_lang(b, self.lang) for b in basis]
        for b in basis:
            if not str(b).startswith(BENCHMARK_MARK):
                self.cited.setdefault(str(b), None)
        return self.w("basis", basis=self.w("basis_sep").join(texts)) if texts else ""

    def money(self, value: Any, currency: str) -> str:
        return money(value, self.lang, currency)

    def per_day(self, p: Any, d: Decision) -> str:
        """A per-day fine's daily amount and days (ADR 0023); empty for any other penalty."""
        if p.days is None:
            return ""
        return str(self.t("per_day_detail", daily=self.money(p.daily, d.currency), days=p.days))

    def span(self, lo: Any, hi: Any, currency: str) -> str:
        return self.w("span", lo=self.money(lo, currency), hi=self.money(hi, currency))

    def recommended(self, d: Decision) -> str:
        if d.recommended_fine is None:
            return self.w("range_only") if d.band else self.w("no_fine")
        return self.amount_text(d.recommended_fine, d.currency)

    def amount_text(self, value: Decimal, currency: str) -> str:
        """A fine as a document states it: in figures and, in Chinese, in capitals (大写)."""
        figures = self.money(value, currency)
        pattern = words(self.lang).texts["document.capitals"]
        if not pattern or currency != "CNY":  # renminbi in capitals, where the language writes them (zh)
            return figures
        return self.w("recommended_value", figures=figures, capitals=self.w("capitals", text=capitals(value)))

    def party(self, party: Party | None, decisions: list[Decision]) -> list[Row]:
        w = self.w
        rows = []
        if party is None:
            rows.append(Row(w("party"), w("party_blank")))
        else:
            aged = party.kind == "individual" and party.age is not None
            kind = w("individual_aged", age=party.age) if aged else w(party.kind)
            rows.append(Row(w("party"), w("party_line", name=party.name or w("party_blank"), kind=kind)))
        facts = [s for d in decisions for s in d.trail if s.code == "facts"]
        if any(s.inputs.get("party_note") for s in facts):  # the engine took an individual of unknown age as an adult
            rows.append(Row(w("age"), w("adult_assumed")))
        return rows

    # ------------------------------------------------------------------ one decision

    def facts(self, d: Decision, *, titled: bool = False) -> list[Row]:
        """The violation's particulars (without its title when a heading shows it: ``titled``)."""
        w = self.w
        rows = [
            *([] if titled else [Row(w("violation"), d.violation.title)]),
            Row(w("occurred"), date_text(d.dates.occurred_on, self.lang)),
            Row(
                w("discovered"),
                date_text(d.dates.discovered_on, self.lang) if d.dates.discovered_on else w("not_given"),
            ),
            Row(w("decided"), date_text(d.dates.decided_on, self.lang)),
            Row(w("version"), _version(d.violation.version, w)),
        ]
        return rows

    def box(self, d: Decision) -> list[Row]:
        w, t = self.w, self.t
        rows = [Row(w("outcome"), t(d.outcome), strong=True)]
        if d.level is not None:
            rows.append(Row(w("level"), _label(d.level.name, self.lang) or d.level.name.zh))
        if d.tier is not None:
            rows.append(Row(w("tier"), t(d.tier)))
        rows.append(Row(w("recommended"), self.recommended(d), strong=d.recommended_fine is not None))
        if d.band is not None:
            rows.append(Row(w("band"), self.span(d.band.min, d.band.max, d.currency)))
        if d.statutory_range is not None:
            rows.append(Row(w("range"), self.span(d.statutory_range.min, d.statutory_range.max, d.currency)))
        return rows

    def sections(self, d: Decision, number: _Numbers, provisions_here: bool) -> list[Section]:
        w, t, lang = self.w, self.t, self.lang
        out = [Section(number(w("box")), [], box=self.box(d), kind="box")]
        penalties = [
            Entry(w("penalty_line", kind=t(p.kind), amount=self.money(p.amount, d.currency)) + self.per_day(p, d))
            if p.amount is not None
            else Entry(t(p.kind))
            for p in d.penalties
        ]
        out.append(Section(number(w("penalties")), penalties, kind="penalties"))
        out.append(
            Section(number(w("duties")), [Entry(t(x.kind), self.basis(x.basis)) for x in d.duties], kind="duties")
        )
        factors = []
        for f in d.factors:
            effect = t(f.effect)
            label = _label(getattr(f, "label", None), lang)
            text = w("factor_line", effect=effect, label=label) if label else w("factor_unnamed", effect=effect)
            factors.append(Entry(text, self.basis(f.basis)))
        out.append(Section(number(w("factors")), factors, kind="factors"))
        options = [
            Entry(w("option_line", kind=t(o.kind), reason=in_lang(o.reason, lang)), self.basis(o.basis))
            for o in d.options
        ]
        out.append(Section(number(w("options")), options, kind="options"))
        out.append(
            Section(
                number(w("assumptions")),
                [Entry(in_lang(a, lang)) for a in d.assumptions],
                note=w("assumptions_note"),
                kind="assumptions",
            )
        )
        trail = [Entry(s.message, self.basis(s.basis)) for s in localized(d.trail, lang)]
        if provisions_here:  # one decision: the provisions before the trail that applies them
            out.append(self.provisions(number))
        out.append(Section(number(w("trail")), trail, ordered=True, kind="trail"))
        return out

    def provisions(self, number: _Numbers | None) -> Section:
        w = self.w
        entries = [
            Entry(cite, quote=self.law[cite]) if self.law.get(cite) else Entry(cite, basis=w("provision_uncited"))
            for cite in self.cited
        ]
        title = w("provisions")
        return Section(number(title) if number else title, entries, kind="provisions")

    def machine(self, decisions: list[Decision]) -> str:
        ids = [f"{d.violation.id}@{d.violation.version} · {d.fingerprint}" for d in decisions]
        return self.w("machine", ids=self.w("machine_sep").join(ids), engine=decisions[0].engine)


def casefile(
    result: Decision | Decisions,
    lang: str = "zh",
    *,
    party: Party | None = None,
    law: Mapping[str, str] | None = None,
) -> CaseFile:
    """The view both the .docx and the .html documents draw (see the module docstring)."""
    b = _Builder(lang, law)
    w, t = b.w, b.t
    decisions = [result] if isinstance(result, Decision) else list(result.decisions)
    head = [Row(w("case_no"), result.case_id), *b.party(party, decisions)]
    tail: list[Section] = []
    if isinstance(result, Decision):
        number = _Numbers(w)
        # one violation: the case's and the violation's particulars make one table
        parts = [Part("", [*head, *b.facts(result)], b.sections(result, number, provisions_here=True))]
        head = []
    else:
        parts = []
        for i, d in enumerate(decisions, start=1):
            number = _Numbers(w)
            heading = w("item", n=number.numeral(i), title=d.violation.title)
            parts.append(Part(heading, b.facts(d, titled=True), b.sections(d, number, provisions_here=False)))
        titles = {d.violation.id: d.violation.title for d in decisions}
        fines = [
            Entry(
                w(
                    "combined_line",
                    title=titles.get(f.violation, f.violation),
                    amount=b.money(f.amount, decisions[0].currency),
                )
            )
            for f in result.combined.fines
        ] or [Entry(w("none"))]
        reason = t(
            "reason_same_act" if result.same_act else "reason_separate", reason=in_lang(result.combined.reason, lang)
        )
        standing = [f.amount for f in result.combined.fines]
        if len(standing) > 1:  # separate acts: the fines add up to what the party pays
            total = sum(standing, Decimal(0))
            fines.append(Entry(w("combined_total", amount=b.amount_text(total, decisions[0].currency))))
        fines.append(Entry(reason, b.basis(result.combined.basis)))
        tail.append(Section(w("combined"), fines, kind="combined"))
        tail.append(b.provisions(None))
    return CaseFile(
        lang=lang,
        html_lang=w("html_lang"),
        title=w("title"),
        subtitle=w("subtitle"),
        case_no=result.case_id,
        head=head,
        parts=parts,
        tail=tail,
        signatures=[w("handler"), w("reviewer"), w("head")],
        sign_labels=(w("signatures"), w("opinion"), w("sign"), w("date")),
        date_blank=w("date_blank"),
        none=w("none"),
        page=_around(w("page", page="\0")),
        machine=b.machine(decisions),
    )


def render_document(
    result: Decision | Decisions,
    fmt: DocFormat,
    lang: str = "zh",
    *,
    party: Party | None = None,
    law: Mapping[str, str] | None = None,
) -> bytes:
    """The case-file document of a decision (or of a case's decisions) as bytes to write to a file.

    Args:
        result: what ``Engine.evaluate_any`` returned (or a decision read back from its JSON).
        fmt: ``docx`` (Word), ``html`` (one self-contained printable A4 page) or ``md`` (the Markdown
            render of the decision).
        lang: ``zh`` (the document officers file) or ``en``.
        party: the case's party (name, kind, age) for the header; without it the party line is a blank
            to fill in by hand.
        law: verbatim texts by citation (``law_texts``) quoted under the provisions applied; a
            citation without a text is listed with a note to see the law.

    Raises:
        ValueError: another format or language.
    """
    if fmt == "md":
        return render_any(result, "markdown", lang).encode("utf-8")
    if fmt == "html":
        view = casefile(result, lang, party=party, law=law)
        return _env.get_template("casefile.html.j2").render(doc=view).encode("utf-8")
    if fmt == "docx":
        from .docx import docx_bytes  # python-docx loads only when a .docx is written

        return docx_bytes(casefile(result, lang, party=party, law=law))
    raise ValueError(f"document format must be one of docx, html, md, got {fmt!r}")
