"""A general part written once and used by several packs (ADR 0022): ``rules/<id>/general.yaml``.

The general part of 行政处罚法 (minors, capacity, Art. 32/33, limitation, Art. 37, the duties) is
the law's, the same for every authority that applies it. A shared general part holds it with the
facts it reads (``SharedGeneral``); a pack names it in ``general.use`` (``GeneralUse``) and adds
only what is its own. What the shared part may hold is ``SHARED_PARTS`` (the law's) plus the
readings a pack may replace (``REPLACEABLE_PARTS``); what only a pack sets (the authority's: the
较大数额 of a hearing, 减轻 amounts, the kinds taken as 重大) is not a field of ``SharedPart``.
"""

from __future__ import annotations

from pydantic import Field

from .pack import Limitation, Provision, RuleList, Setting
from .rules import FactSpec, Frozen, LawRef, Text

#: General parts a shared part sets and a pack using it may not set again (the law's words).
SHARED_PARTS = (
    "provisions",
    "limitation",
    "hearing_basis",
    "collective_discussion_basis",
    "education_basis",
    "legal_review_basis",
    "lenient_law_basis",
)
#: General parts a shared part may give as a default reading that a pack replaces (lists by name).
REPLACEABLE_PARTS = ("lists", "legal_review_with_hearing")
#: The file of a shared general part inside its folder.
SHARED_FILE = "general.yaml"


class SharedPart(Frozen):
    """The ``general:`` of a shared file: the law's provisions and bases, and default readings."""

    provisions: tuple[Provision, ...] = ()
    lists: dict[str, RuleList] = Field(
        default_factory=dict, description="default lists (e.g. an empty 首违不罚 list); a pack replaces one by name"
    )
    limitation: Limitation | None = None
    hearing_basis: tuple[LawRef, ...] = ()
    collective_discussion_basis: tuple[LawRef, ...] = ()
    education_basis: tuple[LawRef, ...] = ()
    legal_review_with_hearing: Setting | None = Field(
        default=None, description="a default reading; a pack that writes its own replaces it"
    )
    legal_review_basis: tuple[LawRef, ...] = ()
    lenient_law_basis: tuple[LawRef, ...] = ()


class SharedGeneral(Frozen):
    """A shared general part: the law's general part and the common facts it reads."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    version: str
    common_facts: dict[str, FactSpec] = Field(default_factory=dict)
    general: SharedPart


class GeneralUse(Frozen):
    """The keys of a pack's ``general:`` that name a shared part and add to it."""

    use: str = Field(min_length=1, description="a bundled shared part's id, or a path relative to the pack folder")
    version: str | None = Field(
        default=None,
        description="the version of the shared part the pack is written against; another one found is PE-R023",
    )
    local_basis: dict[str, tuple[LawRef, ...]] = Field(
        default_factory=dict,
        description="by provision id: the pack's own basis (a local rule restating the provision), after the law's",
    )


class UsesGeneral(Frozen):
    """``pack.yaml`` seen only for its ``general.use`` and ``general.local_basis``."""

    general: GeneralUse
