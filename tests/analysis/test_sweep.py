"""Sweeps on Dask give the in-process engine's numbers, bit for bit, whatever the workers and chunks.

One two-worker LocalCluster serves the whole module, so the cluster starts
once; its workers are threads (``processes=False``), which saves the suite the
seconds each new process spends importing numpy, pandas and scipy. What a
process cluster adds, pickling the view and the tasks, is checked directly
(the benchmark, benchmarks/sweep.py, runs on process workers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab import datasets
from kpilab.analysis.sweep import INLINE, Sweeper, payroll_figures, scenario_table, sweep
from kpilab.engine import resolve_team
from kpilab.errors import KpilabError
from kpilab.plan.paths import set_at


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                       silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def years() -> pd.DataFrame:
    return kpilab.make_scenarios(10, 6, 8, seed=11)


@pytest.fixture(scope="module")
def candidates() -> list:
    plan = datasets.load_plan("balanced_kpi")
    out = []
    for i, tb in enumerate(np.linspace(30000, 80000, 11)):
        variant = set_at(plan, "target_bonus", float(tb))
        out.append(set_at(variant, "gates[0].when.at_least", 800000 + 20000 * i))
    return out


def loop_totals(candidates, data):
    return [kpilab.evaluate(c, data).table["total"].to_numpy() for c in candidates]


def test_cluster_totals_equal_a_plain_loop_over_evaluate(client, candidates, years) -> None:
    want = loop_totals(candidates, years)
    got = sweep(candidates, years, client=client, keep=("total",), chunk=3)
    assert got.workers == 2
    assert len(got.kept) == len(candidates)
    for i, (kept, total) in enumerate(zip(got.kept, want)):
        assert np.array_equal(kept["total"], total), i
    n = years["scenario"].nunique()
    assert got.table["payroll"].tolist() == [float(pd.Series(t).sum() / n) for t in want]
    assert got.rows == len(years) and got.scenarios == 8 and got.rate > 0


@pytest.mark.parametrize("chunk", [1, 4, 50])
def test_results_do_not_depend_on_chunking_or_workers(client, candidates, years, chunk: int) -> None:
    inline = sweep(candidates, years, client=INLINE)
    spread = sweep(candidates, years, client=client, chunk=chunk)
    pd.testing.assert_frame_equal(inline.table, spread.table, check_exact=True)
    one_worker = client.scheduler_info()["workers"]
    assert len(one_worker) == 2


def test_a_scheme_sweeps_too(client) -> None:
    scheme = datasets.load_plan("roles_scheme")
    team = datasets.load_sample_team()
    variants = [scheme, set_at(scheme, "plans.senior.target_bonus", 20000)]
    got = sweep(variants, team, client=client, keep=("total",))
    for kept, plan in zip(got.kept, variants):
        assert np.array_equal(kept["total"], kpilab.evaluate(plan, team).table["total"].to_numpy(), equal_nan=True)


def test_a_sweeper_scatters_once_and_runs_many_batches(client, candidates, years) -> None:
    view = resolve_team(candidates[0], years)
    with Sweeper(view, payroll_figures, client=client) as sweeper:
        first = sweeper.run(candidates[:5])
        second = sweeper.run(candidates[5:])
    inline = sweep(candidates, years, client=INLINE).table.to_dict("records")
    assert [f for f, _ in first + second] == inline
    assert not client.status == "closed"  # a client we were given stays open


def test_what_travels_to_a_process_worker_pickles(candidates, years) -> None:
    import pickle

    from kpilab.analysis.sweep import _light, _pay_chunk

    view = resolve_team(candidates[0], years)
    light = pickle.loads(pickle.dumps(_light(view)))
    assert len(light.frame) == 0 and light.n_scenarios == 8
    task = pickle.loads(pickle.dumps((_pay_chunk, candidates[:2], payroll_figures)))
    got = task[0](light, task[1], task[2], ("total",))
    assert np.array_equal(got[1][1]["total"], kpilab.evaluate(candidates[1], years).table["total"].to_numpy())


def test_progress_counts_every_candidate(candidates, years) -> None:
    seen: list[int] = []
    sweep(candidates, years, client=INLINE, chunk=4, progress=seen.append)
    assert seen == [4, 4, 3]


def test_bad_arguments_are_named(candidates, years) -> None:
    with pytest.raises(KpilabError, match="chunk"):
        sweep(candidates, years, client=INLINE, chunk=0)
    with pytest.raises(KpilabError, match="at least one"):
        sweep([], years, client=INLINE)
    with pytest.raises(KpilabError, match="client"):
        sweep(candidates, years, client=3.5)
    with pytest.raises(KpilabError, match="candidate 1 reads"):
        sweep([candidates[0], datasets.load_plan("tiered_commission")], years, client=INLINE)
    with pytest.raises(KpilabError, match="scenario column"):
        scenario_table(years, years.drop(columns="scenario"))


def test_a_local_process_cluster_of_its_own(candidates, years) -> None:
    """client=None starts (and closes) a LocalCluster of worker processes: the view and the tasks
    are pickled, and the workers start with the mmap threshold of WORKER_ENVIRON."""
    got = sweep(candidates[:3], years, workers=1, keep=("total",))
    assert got.workers == 1
    for kept, plan in zip(got.kept, candidates[:3]):
        assert np.array_equal(kept["total"], kpilab.evaluate(plan, years).table["total"].to_numpy())


def test_the_optimizer_evaluates_its_population_on_the_cluster(client) -> None:
    """The same seed gives the same search in this process and on two workers (its scorer scattered once)."""
    from kpilab.analysis.optimize import optimize

    team = kpilab.make_scenarios(10, 6, 3, seed=9)
    plan = datasets.load_plan("balanced_kpi")
    free = {"target_bonus": [30000, 70000], "gates[0].when.at_least": [800000, 1100000]}
    here = optimize(plan, team, free, seed=4, budget=60)
    there = optimize(plan, team, free, seed=4, budget=60, client=client)
    pd.testing.assert_frame_equal(here.table, there.table, check_exact=True)
