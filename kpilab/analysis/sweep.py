"""Sweeps: many plan variants × one team (× many scenarios), resolved once, paid in chunks on Dask.

:func:`sweep` resolves the team once (:func:`kpilab.engine.resolve_team`),
ships the resolved view to the workers once (``Client.scatter``), and pays the
candidates in chunks, each chunk one task. Every candidate is reduced on the
worker to a few figures (payroll by default, or any picklable ``reduce``), so
only small results travel back; ``keep`` brings whole pay columns back when
they are wanted (the identity tests do).

Where it runs (``client``):

* ``None``: a :class:`distributed.LocalCluster` on this machine (processes,
  one thread each, ``workers`` of them; default one per core), closed at the end;
* a scheduler address (``"tcp://10.0.0.5:8786"``): a real cluster;
* a :class:`distributed.Client`: that client (left open);
* ``"inline"``: no Dask at all, in this process (small problems, tests).

The numbers never depend on where or how the work ran: each candidate is paid
by the same pure function on the same arrays, whatever the worker, the number
of workers or the chunk size, and the results come back in candidate order.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Resolved, pay_resolved, resolve_team
from ..errors import KpilabError
from ..plan import Plan, Scheme, load_plan
from ._common import Result
from ..i18n.messages import msg

__all__ = ["sweep", "Sweeper", "chunk_size", "SweepResult", "payroll_figures", "INLINE", "scenario_table", "WORKER_ENVIRON"]

#: ``client=INLINE`` pays the candidates in this process, without Dask.
INLINE = "inline"

#: Set in every local worker process before it starts (give the workers of a real cluster the same
#: variables). Dask sets ``MALLOC_TRIM_THRESHOLD_=65536``, which (glibc) freezes the mmap threshold at
#: 128 KiB and hands every freed megabyte back to the kernel: each temporary array of a pay computation
#: is then fresh memory, zeroed page by page (about 2,000 page faults per candidate on 120,000 rows,
#: measured 3-8x slower than in this process, and worse with two workers: the faults serialise in the
#: kernel). A 64 MiB mmap threshold and a 256 MiB trim threshold keep the freed arrays in the worker for
#: the next candidate (measured: from 64,000 faults per 32 candidates to under 60). BLAS and OpenMP
#: stay at one thread per worker (Dask's own setting): one worker per core, no oversubscription.
WORKER_ENVIRON = {"distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(64 * 2**20),
                  "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": str(256 * 2**20),
                  "distributed.nanny.pre-spawn-environ.OMP_NUM_THREADS": "1",
                  "distributed.nanny.pre-spawn-environ.OPENBLAS_NUM_THREADS": "1",
                  "distributed.nanny.pre-spawn-environ.MKL_NUM_THREADS": "1"}

Reduce = Callable[[Any, Mapping[str, np.ndarray], Resolved], Mapping[str, float]]


def payroll_figures(plan: Plan | Scheme, columns: Mapping[str, np.ndarray], view: Resolved) -> dict[str, float]:
    """The default reduction: payroll and variable payroll, each the mean over scenarios of the sum of rows.

    The same arithmetic as :func:`kpilab.differentiation` (a pandas sum divided
    by the number of scenarios), so the figures agree to the last bit.
    """
    n = view.n_scenarios
    return {"payroll": float(pd.Series(columns["total"]).sum() / n),
            "variable_payroll": float(pd.Series(columns["variable"]).sum() / n)}


def _light(view: Resolved) -> Resolved:
    """The view without the performance table itself (workers need the arrays only)."""
    return dataclasses.replace(view, frame=view.frame.iloc[:0])


def _pay_chunk(view: Resolved, plans: Sequence[Plan | Scheme], reduce: Reduce, keep: Sequence[str]
               ) -> list[tuple[dict[str, float], dict[str, np.ndarray]]]:
    """One task: pay each plan of the chunk against the view and reduce it (runs on a worker).

    A reducer with ``partial`` and ``finish`` methods (the optimizer's scorer) reduces each candidate's
    columns with ``partial`` and then the whole chunk at once with ``finish``, vectorised across candidates.
    """
    partial = getattr(reduce, "partial", None)
    if partial is None:
        out = []
        for plan in plans:
            columns = pay_resolved(plan, view)
            out.append((dict(reduce(plan, columns, view)), {k: columns[k] for k in keep}))
        return out
    parts, kept = [], []
    for plan in plans:
        columns = pay_resolved(plan, view)
        parts.append(partial(plan, columns, view))
        kept.append({k: columns[k] for k in keep})
    return [(dict(figures), k) for figures, k in zip(reduce.finish(parts), kept)]


def scenario_table(team: pd.DataFrame, scenarios: int | pd.DataFrame | None, seed: int = 0) -> pd.DataFrame:
    """The table a sweep pays: the team itself, a given scenario table, or ``scenarios`` simulated years.

    An int asks :mod:`kpilab.data.scenarios` for that many years drawn from the
    team (the one scenario rule of kpilab), seeded by ``seed``.
    """
    if scenarios is None:
        return team
    if isinstance(scenarios, pd.DataFrame):
        if "scenario" not in scenarios.columns:
            raise KpilabError(msg("api_errors.sweep_scenario_column"))
        return scenarios
    if isinstance(scenarios, bool) or not isinstance(scenarios, (int, np.integer)) or scenarios < 1:
        raise KpilabError(msg("api_errors.sweep_scenarios_kind", scenarios=scenarios))
    from ..data.scenarios import bootstrap_years

    return bootstrap_years(team, int(scenarios), seed)


#: A task should pay for at least this long, so that scheduling and moving plans and figures (a few
#: milliseconds a task) stay under 5 % of its time.
TASK_SECONDS = 0.25
#: A rough rate (rows per second per core) and fixed cost (seconds) per candidate, for sizing tasks only.
_ROWS_PER_SECOND, _PER_CANDIDATE = 5e6, 0.002


def chunk_size(candidates: int, workers: int, rows: int) -> int:
    """Candidates per task: each task long enough to pay for its scheduling (``TASK_SECONDS``), and the
    tasks a whole multiple of the workers (up to four rounds), so no worker waits for the last one.

    >>> chunk_size(96, 2, 120_000), chunk_size(64, 2, 600), chunk_size(3, 2, 120_000)
    (12, 32, 2)
    """
    if workers <= 1:
        return max(1, math.ceil(candidates / 4)) if rows * candidates > 0 else 1
    per_task = max(1, math.ceil(TASK_SECONDS / (rows / _ROWS_PER_SECOND + _PER_CANDIDATE)))
    rounds = max(1, min(4, candidates // (workers * per_task)))
    return max(1, math.ceil(candidates / (workers * rounds)))


class Sweeper:
    """Pays batch after batch of candidates against one resolved team on one Dask client.

    The optimizer keeps one Sweeper for a whole search, so the view is
    scattered to the workers once, not once per generation. Use it as a
    context manager (or call :meth:`close`).

    Parameters
    ----------
    view
        The resolved team (:func:`~kpilab.engine.resolve_team`).
    reduce
        ``reduce(plan, columns, view) -> {figure: float}``, run on the worker;
        must be picklable for a cluster (a module-level function or a small object).
    keep
        Pay columns to bring back whole (e.g. ``("total",)``).
    client, workers
        Where to run (see the module docstring).
    chunk
        Candidates per task (default :func:`chunk_size`: tasks of at least a quarter second, a whole
        number of rounds over the workers).
    """

    def __init__(self, view: Resolved, reduce: Reduce = payroll_figures, keep: Sequence[str] = (), *,
                 client: Any = None, workers: int | None = None, chunk: int | None = None) -> None:
        if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1):
            raise KpilabError(msg("api_errors.sweep_chunk", chunk=chunk))
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, (int, np.integer))
                                    or workers < 1):
            raise KpilabError(msg("api_errors.sweep_workers", workers=workers))
        self.view, self.reduce, self.keep, self.chunk = view, reduce, tuple(keep), chunk
        self._own: list[Any] = []  # what this sweeper started and must close
        self.client = None
        self.n_workers = 1
        if isinstance(client, str) and client == INLINE:
            return
        from distributed import Client, LocalCluster

        if client is None:
            import logging

            import dask

            n = workers or max(1, os.cpu_count() or 1)
            with dask.config.set(WORKER_ENVIRON):
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=logging.ERROR)
            self.client = Client(cluster)
            self._own = [self.client, cluster]
        elif isinstance(client, str):
            self.client = Client(client)
            self._own = [self.client]
        elif isinstance(client, Client):
            self.client = client
        else:
            raise KpilabError(msg("api_errors.sweep_client_kind", INLINE=INLINE, client_type=type(client).__name__))
        self.n_workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self._view = self.client.scatter(_light(view), broadcast=True)
        # A plain function travels with each task; a reducer holding arrays (the optimizer's scorer) goes once.
        self._reduce = reduce if isinstance(reduce, types.FunctionType) else \
            self.client.scatter(reduce, broadcast=True, hash=False)

    def run(self, candidates: Sequence[Plan | Scheme], progress: Callable[[int], None] | None = None
            ) -> list[tuple[dict[str, float], dict[str, np.ndarray]]]:
        """Pay and reduce every candidate; results in candidate order.

        ``progress(k)`` is called with the number of candidates just finished.
        """
        plans = list(candidates)
        for i, plan in enumerate(plans):
            if not self.view._fits(plan):
                raise KpilabError(msg("api_errors.sweep_candidate_unresolved", i=i))
        if not plans:
            return []
        size = self.chunk or chunk_size(len(plans), self.n_workers, self.view.n)
        chunks = [plans[i:i + size] for i in range(0, len(plans), size)]
        if self.client is None:
            out: list[Any] = []
            for part in chunks:
                out.extend(_pay_chunk(self.view, part, self.reduce, self.keep))
                if progress:
                    progress(len(part))
            return out
        from distributed import as_completed

        futures = [self.client.submit(_pay_chunk, self._view, part, self._reduce, self.keep, pure=False)
                   for part in chunks]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        for future in as_completed(futures):
            results[index[future.key]] = future.result()
            if progress:
                progress(len(chunks[index[future.key]]))
        return [item for part in results for item in part]

    def close(self) -> None:
        """Close the client and cluster this sweeper started (never one it was given)."""
        for thing in self._own:
            thing.close()
        self._own = []

    def __enter__(self) -> "Sweeper":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


@dataclass(frozen=True, eq=False)
class SweepResult(Result):
    """The result of :func:`sweep`.

    Attributes
    ----------
    table
        One row per candidate, in candidate order: the reduced figures.
    kept
        Per candidate, the pay columns asked for with ``keep``.
    rows, scenarios, seconds, workers
        Rows paid per candidate, scenarios among them, wall time, Dask workers (1 inline).
    """

    kept: tuple[dict[str, np.ndarray], ...] = ()
    rows: int = 0
    scenarios: int = 1
    seconds: float = 0.0
    workers: int = 1
    candidates: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def rate(self) -> float:
        """Rep-month(-scenario) evaluations per second: candidates × rows / wall time."""
        return len(self.table) * self.rows / self.seconds if self.seconds > 0 else float("nan")


def sweep(candidates: Sequence[Plan | Scheme | Mapping[str, Any]], team: pd.DataFrame,
          scenarios: int | pd.DataFrame | None = None, *, client: Any = None, workers: int | None = None,
          chunk: int | None = None, reduce: Reduce = payroll_figures, keep: Sequence[str] = (), seed: int = 0,
          progress: Callable[[int], None] | None = None) -> SweepResult:
    """Pay many plan variants on one team (and its scenarios), on Dask, resolved once.

    Parameters
    ----------
    candidates
        Plans or schemes (or plan-format mappings); the first one decides what
        the team is resolved for, the others must read the same metrics
        (any numbers may differ).
    team
        The performance table (with or without a ``scenario`` column).
    scenarios
        None: ``team`` as it is; a scenario table (it replaces ``team``); an int:
        that many simulated years drawn from ``team`` with ``seed``.
    client, workers
        ``None`` starts a local cluster of ``workers`` processes (default one per
        core); a scheduler address or a ``distributed.Client`` uses that cluster;
        ``"inline"`` runs here without Dask.
    chunk
        Candidates per task (default :func:`chunk_size`).
    reduce
        ``reduce(plan, columns, view) -> {figure: float}`` per candidate
        (default :func:`payroll_figures`).
    keep
        Pay columns to return whole per candidate (``("total",)``).
    seed
        Seed of the simulated years.
    progress
        Called with the number of candidates each finished task paid.

    Returns
    -------
    SweepResult
        ``table`` (one row of figures per candidate), ``kept``, ``rate``.

    Examples
    --------
    >>> import kpilab
    >>> from kpilab.plan.paths import set_at
    >>> team = kpilab.make_team(8, 3, seed=1)
    >>> plan = kpilab.datasets.load_plan("balanced_kpi")
    >>> plans = [set_at(plan, "target_bonus", tb) for tb in (40000, 55000)]
    >>> result = sweep(plans, team, client="inline")
    >>> bool(result.table["payroll"].is_monotonic_increasing)
    True
    """
    plans = [load_plan(c) if isinstance(c, Mapping) else c for c in candidates]
    if not plans:
        raise KpilabError(msg("api_errors.sweep_no_candidate"))
    for i, plan in enumerate(plans):
        if not isinstance(plan, (Plan, Scheme)):
            raise KpilabError(msg("api_errors.sweep_candidate_not_plan", i=i, plan_type=type(plan).__name__))
    data = scenario_table(team, scenarios, seed)
    view = resolve_team(plans[0], data)
    with Sweeper(view, reduce, keep, client=client, workers=workers, chunk=chunk) as sweeper:
        start = time.perf_counter()  # the work, not the cluster's start
        results = sweeper.run(plans, progress)
        seconds = time.perf_counter() - start
        n_workers = sweeper.n_workers
    table = pd.DataFrame([figures for figures, _ in results])
    table.index.name = "candidate"
    return SweepResult(table=table, kept=tuple(kept for _, kept in results), rows=view.n,
                       scenarios=view.n_scenarios, seconds=seconds, workers=n_workers, candidates=tuple(plans))
