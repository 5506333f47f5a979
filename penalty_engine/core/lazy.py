"""A decision whose costly parts are built when first read (issue #15, ADR 0026).

``LazyDecision`` is a ``Decision`` made by the compiled evaluator (``core.compiled``) with the
fields it decided itself — outcome, tier, level, statutory range, band, recommended fine, and the
cheap ones (schema, case id, violation, dates, currency, engine) — and a compact record of how to
make the rest: the rule, the validated case, the decision date and where the case was read from.
Reading any other field (penalties, factors, duties, options, assumptions, ``set_by``, the trail,
the fingerprint), serialising it, comparing it, copying or pickling it first *expands* it: the
reference interpreter (``Evaluation``) makes the whole decision from the record, the decided fields
are checked against it (their ``repr``, so ``100`` and ``100.00`` differ), and the object becomes a
plain ``Decision`` with the reference's fields, for good. The output is the interpreter's, byte for
byte: it is the interpreter's.

How nothing reads a half-made decision: every reader of a pydantic model's fields other than
attribute access (pydantic's serialiser, ``repr``, ``==`` after its type check, ``copy``, pickle)
reads ``obj.__dict__``; here ``__dict__`` is a property that expands first. Attribute access of a
field that is not yet there reaches ``__getattr__``, which expands. The instance keeps the layout
of ``Decision`` (``__slots__ = ()``), so it can become one. The pending record sits in
``__pydantic_private__`` (``Decision`` has no private attributes; ``None`` once expanded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel

from ..models import Decision

#: the descriptor of a model instance's own ``__dict__`` (the slot ``BaseModel`` declares)
_DICT = BaseModel.__dict__["__dict__"]
_set = object.__setattr__
FIELDS = tuple(Decision.model_fields)
#: the fields a ``LazyDecision`` has when it is made (the compiled evaluator decided them)
DECIDED = (
    "schema_",
    "case_id",
    "violation",
    "dates",
    "outcome",
    "tier",
    "level",
    "statutory_range",
    "band",
    "recommended_fine",
    "currency",
    "engine",
)
_LAZY = frozenset(FIELDS) - frozenset(DECIDED)


class DisagreementError(RuntimeError):
    """A bug: the compiled evaluator decided a field otherwise than the interpreter (internal, never
    shown to a user as a finding; ``bench/compare_evaluators.py`` is there so that it never happens)."""


class Alike(NamedTuple):
    """What makes a fined case alike others, as the trail would show it (replay's similar-case key),
    from the compiled evaluator's record: the branch, the ids of the factors weighed (in the
    version's order) and the JSON values of the facts the trail's tier and factor steps read."""

    branch: str
    factors: tuple[str, ...]
    facts: dict[str, Any]


class Reads(Protocol):
    """What the compiled evaluator's record of a case answers without the interpreter
    (``core.record.Record``)."""

    def alike(self) -> Alike | None: ...

    def duty_kinds(self) -> tuple[str, ...]: ...

    def penalty_kinds(self) -> tuple[str, ...]: ...


class Pending:
    """What expanding a lazy decision needs: a function that makes the whole decision with the
    reference interpreter (the rule, the validated case and the dates are in its closure), and the
    compiled evaluator's record of the case (``Reads``): its ``Alike`` (``None`` without a band)
    and the kinds of its duties and of its penalties, in the decision's order."""

    __slots__ = ("make", "record")

    def __init__(self, make: Callable[[], Decision], record: Reads | None = None) -> None:
        self.make = make
        self.record = record


class LazyDecision(Decision):
    """A ``Decision`` whose trail, fingerprint and other sub-models are made on first read (see the
    module docstring); after that it is a plain ``Decision``."""

    __slots__ = ()

    @classmethod
    def made(cls, values: dict[str, Any], pending: Pending) -> LazyDecision:
        """A lazy decision with the decided ``values`` (every name of ``DECIDED``, in field order)."""
        obj = cls.__new__(cls)
        _DICT.__set__(obj, values)
        _set(obj, "__pydantic_fields_set__", set(FIELDS))
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", pending)
        return obj

    def expand(self) -> Decision:
        """Make the whole decision (once) and become it; returns ``self``."""
        pending = object.__getattribute__(self, "__pydantic_private__")
        if not isinstance(pending, Pending):
            return self
        full = pending.make()
        mine = _DICT.__get__(self)
        theirs = _DICT.__get__(full)
        for name in DECIDED:
            if repr(mine[name]) != repr(theirs[name]):  # never: the comparison set checks it
                raise DisagreementError(
                    f"the compiled evaluator and the interpreter disagree on {name} of case {mine['case_id']}: "
                    f"{mine[name]!r} != {theirs[name]!r}"
                )
        _DICT.__set__(self, dict(theirs))
        _set(self, "__pydantic_fields_set__", set(full.__pydantic_fields_set__))
        _set(self, "__pydantic_private__", None)
        _set(self, "__class__", Decision)
        return self

    def record(self) -> Reads | None:
        """The compiled evaluator's record (``Reads``), read without expanding the decision;
        ``None`` once expanded (read the fields then: ``duty_kinds`` and ``penalty_kinds`` below
        do either)."""
        pending = object.__getattribute__(self, "__pydantic_private__")
        return pending.record if isinstance(pending, Pending) else None

    def alike(self) -> Alike | None:
        """What makes this case alike others (``Alike``) without expanding it; ``None`` once expanded
        or for a case without a band (read the trail then)."""
        record = self.record()
        return None if record is None else record.alike()

    def _fields(self) -> dict[str, Any]:
        """The fields, all of them: reading them expands the decision."""
        self.expand()
        return _DICT.__get__(self)  # type: ignore[no-any-return]

    #: a property, so that every reader of the fields (pydantic's serialiser among them) expands first
    __dict__ = property(_fields)

    def __getattr__(self, name: str) -> Any:
        if name in _LAZY:
            self.expand()
            return getattr(self, name)
        return super().__getattr__(name)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        self.expand()
        return self == other

    def __reduce_ex__(self, protocol: Any) -> Any:
        self.expand()
        return self.__reduce_ex__(protocol)

    def __copy__(self) -> Any:
        self.expand()
        return self.__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        self.expand()
        return self.__deepcopy__(memo)

    def __repr__(self) -> str:
        self.expand()
        return repr(self)

    def __str__(self) -> str:
        self.expand()
        return str(self)

    def __hash__(self) -> int:
        self.expand()
        return hash(self)


def duty_kinds(d: Decision) -> tuple[str, ...]:
    """The kinds of a decision's duties in its order: from a lazy decision's record without
    expanding it, else from ``duties``."""
    record = d.record() if type(d) is LazyDecision else None
    return tuple(x.kind for x in d.duties) if record is None else record.duty_kinds()


def penalty_kinds(d: Decision) -> tuple[str, ...]:
    """The kinds of a decision's penalties in its order: from a lazy decision's record without
    expanding it, else from ``penalties``."""
    record = d.record() if type(d) is LazyDecision else None
    return tuple(p.kind for p in d.penalties) if record is None else record.penalty_kinds()


def expanded(value: Any) -> Any:
    """``value`` with a lazy decision expanded (anything else as it is)."""
    if type(value) is LazyDecision:
        value.expand()
    return value


__all__ = [
    "DECIDED",
    "Alike",
    "DisagreementError",
    "LazyDecision",
    "Pending",
    "Reads",
    "duty_kinds",
    "expanded",
    "penalty_kinds",
]
