"""Packs: reading rule packs safely (``loader``), merging layers over their base (``layers``,
``layer_rules``, ``layered``; ADR 0011) and compiling them for evaluation (``compiled``)."""

from __future__ import annotations

from ..text import shown_input
from .adjustments import CompiledAdjustment, CompiledAdjustments, CompiledExclusion, setting_share
from .compiled import (
    FACT_DECIMAL,
    CompiledRule,
    CompiledVersion,
    canonical_json,
    compile_pack,
    compile_rule,
    position_of,
)
from .cond_words import cel_text, condition_words
from .layered import LayeredSource
from .loader import (
    LoadedPack,
    LoadedRule,
    allowed_fields,
    bundled_pack_paths,
    load_pack_files,
    resolve_pack,
)

__all__ = [
    "FACT_DECIMAL",
    "CompiledAdjustment",
    "CompiledAdjustments",
    "CompiledExclusion",
    "CompiledRule",
    "CompiledVersion",
    "LayeredSource",
    "LoadedPack",
    "LoadedRule",
    "allowed_fields",
    "bundled_pack_paths",
    "canonical_json",
    "cel_text",
    "compile_pack",
    "compile_rule",
    "condition_words",
    "load_pack_files",
    "position_of",
    "resolve_pack",
    "setting_share",
    "shown_input",
]
