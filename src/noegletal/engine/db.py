"""DuckDB connections, with a thread budget for work that runs beside pandas.

DuckDB uses every core by default. The early ledger work (:mod:`noegletal.engine.early`) runs
while pandas validates the other tables on one core; given one thread, DuckDB leaves pandas
its core and the two finish sooner together (on this 2-core machine the national load takes
6.1 s instead of 7.0 s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

__all__ = ["connect", "thread_budget"]

_LOCAL = threading.local()


def connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory connection, with this thread's budget (see :func:`thread_budget`)."""
    threads = getattr(_LOCAL, "threads", None)
    return duckdb.connect(config={"threads": threads}) if threads else duckdb.connect()


@contextmanager
def thread_budget(threads: int) -> Iterator[None]:
    """Connections made in this thread inside the block use at most ``threads`` threads."""
    before = getattr(_LOCAL, "threads", None)
    _LOCAL.threads = threads
    try:
        yield
    finally:
        _LOCAL.threads = before
