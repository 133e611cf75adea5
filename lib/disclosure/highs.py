"""HiGHS through scipy: the integer and linear programmes every check and search runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scipy.optimize import linprog as _linprog
from scipy.optimize import milp as _milp


@contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS's integer solver sometimes prints a diagnostic line straight to the process's standard
    output, past every option; keep it off the command line's and the server's output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def milp(*args: Any, **kwargs: Any) -> Any:
    with _quiet():
        return _milp(*args, **kwargs)


def linprog(*args: Any, **kwargs: Any) -> Any:
    return _linprog(*args, **kwargs)
