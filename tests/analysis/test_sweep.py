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


def test_tasks_pay_for_their_scheduling_in_whole_rounds() -> None:
    from kpilab.analysis.sweep import TASK_SECONDS, WORKER_ENVIRON, chunk_size

    for candidates, workers, rows in ((96, 2, 120_000), (1000, 2, 120_000), (64, 2, 600), (7, 3, 50_000)):
        size = chunk_size(candidates, workers, rows)
        tasks = -(-candidates // size)
        assert size >= 1 and tasks >= min(workers, candidates)
        # whole rounds over the workers: the busiest worker pays at most a third more than an even share
        busiest = -(-tasks // workers) * size
        assert candidates / workers / busiest >= 0.75, (candidates, workers, size)
        if candidates >= 4 * workers * 10:
            assert size * (rows / 5e6 + 0.002) >= TASK_SECONDS
    assert chunk_size(96, 2, 120_000) == 12  # eight tasks of about a third of a second: two workers, four rounds
    environ = {k.rsplit(".", 1)[1]: v for k, v in WORKER_ENVIRON.items()}
    assert int(environ["MALLOC_TRIM_THRESHOLD_"]) >= 2**27 and environ["OPENBLAS_NUM_THREADS"] == "1"


def test_the_scorer_scores_a_chunk_as_it_scores_each_candidate() -> None:
    from kpilab.analysis.criteria import Criteria
    from kpilab.analysis.optimize import Scorer
    from kpilab.engine import pay_resolved, resolve_team
    from kpilab.plan.paths import set_at

    team = kpilab.make_scenarios(12, 6, 3, seed=5)
    plan = kpilab.datasets.load_plan("balanced_kpi")
    view = resolve_team(plan, team)
    scorer = Scorer(team, Criteria(), robust_share=0.6)
    scorer.baseline(pay_resolved(plan, view)["total"])
    plans = [set_at(plan, "target_bonus", tb) for tb in (20000.0, 55000.0, 90000.0)]
    alone = [scorer(p, pay_resolved(p, view), view) for p in plans]
    together = scorer.finish([scorer.partial(p, pay_resolved(p, view), view) for p in plans])
    for a, b in zip(alone, together):
        assert a.keys() == b.keys()
        assert all((np.isnan(a[k]) and np.isnan(b[k])) or a[k] == b[k] for k in a), (a, b)
    assert together[0]["payroll"] < together[1]["payroll"] < together[2]["payroll"]
