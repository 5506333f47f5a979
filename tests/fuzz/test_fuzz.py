"""Fuzzing kept in the project (issue #16): mutated cases, case files and rule files end in a
decision or a project error (library), exit 0 or 1 without a traceback (command line), in bounded time.

Hypothesis draws the ``Random`` each mutator uses (tests/fuzz/mutate.py); a failure prints the
example to replay. Budgets: tests/fuzz/conftest.py.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import penalty_engine as pe
from tests.fuzz.conftest import budget
from tests.fuzz.mutate import CEL_VALUES, case_text, mutate_case, mutate_text, rule_texts, write_pack
from tests.fuzz.outcome import Tally, cached_engine, case_file, library_case, rule_pack

randoms = st.randoms(use_true_random=False)


def _assert_clean(tally: Tally) -> None:
    assert tally.clean, "\n".join(tally.bad)


@budget(ci=150, thorough=20_000)
@given(rnd=randoms)
def test_mutated_cases_give_a_decision_or_a_project_error(
    rnd: random.Random, fuzz_engine: pe.Engine, seeds: list[dict[str, Any]]
) -> None:
    tally = Tally()
    case, as_of = mutate_case(rnd, rnd.choice(seeds))
    library_case(fuzz_engine, case, as_of, tally)
    _assert_clean(tally)


@budget(ci=25, thorough=2000)
@given(rnd=randoms)
def test_mutated_case_files_exit_0_or_1_without_a_traceback(
    rnd: random.Random, fuzz_engine: pe.Engine, seeds: list[dict[str, Any]]
) -> None:
    text, suffix = case_text(rnd, rnd.choice(seeds))
    tally, reader = Tally(), Tally()
    with tempfile.TemporaryDirectory() as tmp, cached_engine(fuzz_engine):
        path = Path(tmp) / f"case{suffix}"
        path.write_text(mutate_text(rnd, text), encoding="utf-8", errors="surrogatepass")
        case_file(path, tally, reader)
    _assert_clean(tally)
    _assert_clean(reader)


@budget(ci=25, thorough=2000)
@given(rnd=randoms)
def test_mutated_rule_files_load_or_give_rule_errors_without_a_traceback(rnd: random.Random) -> None:
    pack_text, rule_text = rnd.choice(rule_texts())
    if rnd.random() < 0.2:
        pack_text = mutate_text(rnd, pack_text)
    else:
        rule_text = mutate_text(rnd, rule_text, CEL_VALUES)
    tally, cli = Tally(), Tally()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_pack(Path(tmp) / "mini", pack_text, rule_text)
        rule_pack(folder, tally, cli)  # not `rules check`: its search runs Hypothesis, which cannot nest
    _assert_clean(tally)
    _assert_clean(cli)
