"""A test helper run as a process: append COUNT entries (0: forever) to LEDGER_URL, printing each
committed seq on its own line. Used by the concurrency and kill -9 tests."""

from __future__ import annotations

import itertools
import sys

from penalty_engine.ledger import Entry, open_ledger


def main() -> None:
    url, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ledger = open_ledger(url)
    for i in itertools.count() if count == 0 else range(count):
        case = {"case_id": f"{tag}-{i}", "facts": {"i": i}}
        decision = {"case_id": f"{tag}-{i}", "outcome": "penalty", "fine": "1000"}
        rec = ledger.append(Entry(case, decision, "sha256:0", "p", "1", "penalty-engine test", f"writer:{tag}"))
        print(rec.seq, flush=True)
    ledger.close()


if __name__ == "__main__":
    main()
