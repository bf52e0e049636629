"""DuckDB connections, with a thread budget for work that runs beside pandas.

DuckDB uses every core by default. The early ledger work (:mod:`noegletal.engine.early`) runs
while pandas validates the other tables on one core; given one thread, DuckDB leaves pandas
its core and the two finish sooner together (on this 2-core machine the national load takes
6.1 s instead of 7.0 s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb

__all__ = ["allow_budgeted", "connect", "interrupt_budgeted", "thread_budget"]

_LOCAL = threading.local()


#: Connections opened under a thread budget (background work), for :func:`interrupt_budgeted`.
_BUDGETED: set[duckdb.DuckDBPyConnection] = set()
_GUARD = threading.Lock()
#: Set by :func:`interrupt_budgeted`: background work opens no new connection.
_STOP = threading.Event()


def connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory connection, with this thread's budget (see :func:`thread_budget`)."""
    threads = getattr(_LOCAL, "threads", None)
    if not threads:
        return duckdb.connect()
    if _STOP.is_set():
        raise duckdb.InterruptException("background DuckDB work was stopped")
    con = duckdb.connect(config={"threads": threads})
    with _GUARD:
        _BUDGETED.add(con)
    _LOCAL.opened.append(con)
    return con


@contextmanager
def thread_budget(threads: int) -> Iterator[None]:
    """Connections made in this thread inside the block use at most ``threads`` threads."""
    before = getattr(_LOCAL, "threads", None), getattr(_LOCAL, "opened", [])
    _LOCAL.threads, _LOCAL.opened = threads, []
    try:
        yield
    finally:
        with _GUARD:
            _BUDGETED.difference_update(_LOCAL.opened)
        _LOCAL.threads, _LOCAL.opened = before


def allow_budgeted() -> None:
    """Let background work open connections again (a new run after an interrupted one)."""
    _STOP.clear()


def interrupt_budgeted() -> None:
    """Stop the queries of background work (Ctrl-C in the main thread must not wait): the
    running ones are interrupted, and no new one starts."""
    _STOP.set()
    with _GUARD:
        connections = list(_BUDGETED)
        _BUDGETED.clear()
    for con in connections:
        with suppress(duckdb.Error):  # closed already
            con.interrupt()
