"""Python's cyclic garbage collector, tuned for processes that build large results.

CPython 3.11 collects its youngest generation after every 700 new container objects, and every
tenth of those also the middle one. Decoding the country's 290 frozen deliveries (1.7 MB of JSON,
some 200 000 lists and dicts) or listing the 35 000 waits of a first IVO report thus walks the same
long-lived objects hundreds of times: in a Django process 175 of 196 ms of that decoding was the
collector (bench/README.md). Freezing what start-up loaded takes Django's own objects out of every
later walk, and a larger first threshold makes the walks rarer. Collection still happens, so
reference cycles are still freed, a little later.
"""

from __future__ import annotations

import gc

from lib.env import EnvironmentError_, env_list

THRESHOLD_VARIABLE = "INSYN_GC_THRESHOLD"
DEFAULT_THRESHOLD = (50_000, 50, 100)


def threshold_from_env() -> tuple[int, int, int]:
    """INSYN_GC_THRESHOLD as three positive integers ("50000,50,100"), or the default."""
    parts = env_list(THRESHOLD_VARIABLE, [str(value) for value in DEFAULT_THRESHOLD])
    try:
        values = tuple(int(part) for part in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) < 1:
        raise EnvironmentError_(
            f"Environment variable {THRESHOLD_VARIABLE} must be three positive integers such as "
            f"'50000,50,100', got {','.join(parts)!r}."
        )
    return values[0], values[1], values[2]


def tune_collector(threshold: tuple[int, int, int], *, freeze: bool) -> None:
    """Set the collector's thresholds; `freeze`: first move every object alive now (what start-up
    loaded) to the permanent generation, which the collector no longer walks."""
    if freeze:
        gc.collect()
        gc.freeze()
    gc.set_threshold(*threshold)
