"""Find the best plan for a budget: a seeded search over the plan's own numbers, and a Pareto front.

:func:`optimize` moves the numbers named in ``free`` (key paths of the plan
with bounds, the paths :mod:`kpilab.plan.paths` reads and writes), pays every
candidate against the team resolved once (:mod:`kpilab.analysis.sweep`, on Dask
or in this process), scores it with the verdict's figures and keeps the best.

How a candidate is scored
-------------------------
Each candidate is paid on every row (and scenario) and reduced to figures
computed as :func:`kpilab.differentiation` computes them (per-rep monthly
means, Spearman rho, top-quartile / minimum-doer median total pay, P90 of
variable pay over the target bonus, inversions, payroll as the mean over
scenarios, cost of sales) plus the worst loss of any rep against the starting
plan. The best plan is then judged again by ``differentiation`` itself, so the
verdict the consultant reads is the real one, not the search's.

Constraints and how they are handled
------------------------------------
Every constraint is a violation ``v >= 0`` scaled by its threshold (0 when
met): the verdict's criteria (rho, top-to-minimum, P90 multiple, inversions,
the cost-of-sales band when given), ``payroll_max``, ``max_loss`` (no rep's mean
monthly pay falls more than this share below the starting plan's), and
``monotone`` (no curve of the plan falls as its input rises). With
``robust_share`` each criterion must also hold in at least that share of the
scenarios. A candidate the plan contract refuses (curve points out of order,
weights over 1) is kept with the reason and scored as infeasible.

Single objective: :func:`scipy.optimize.differential_evolution`, seeded,
population evaluated in batches (``vectorized``, deferred updating), the
starting plan in the first population, no gradient polish. Constraints by
*feasibility first* (Deb's rule as a static penalty): a feasible candidate
scores its objective divided by the starting plan's, an infeasible one scores
1000 plus its total violation, so every feasible plan beats every infeasible
one and among infeasible ones the less violating wins.

Two or three objectives: pymoo's NSGA-II with the violations as inequality
constraints (constraint domination); the Pareto table is the non-dominated set
of every feasible candidate evaluated.
"""


from .free import Free, candidate_plan, cheaper_free, falling_segments, parse_free
from .result import OptimizeResult, describe_path
from .score import OBJECTIVES, Scorer, violations
from .search import cheapest_passing, optimize

__all__ = ["optimize", "OptimizeResult", "Free", "parse_free", "OBJECTIVES", "Scorer", "candidate_plan",
           "falling_segments", "describe_path", "violations", "cheaper_free", "cheapest_passing"]
