"""Speed-networking rounds: pair everyone present for the most total compatibility, never twice.

Small lobbies (up to `EXACT_LIMIT` people) are solved exactly with Edmonds' blossom algorithm
(networkx); odd ones of up to `SMALL_ODD` try every trio. Larger lobbies use the bipartite
relaxation on each person's best partners, repaired and polished by local search
(`matching.py`); its value bounds the best pairing within that candidate graph from above
(`Round.relaxation_bound`).

With an odd number present, the one person left over joins the pair that gains most from them
(a trio), then local search moves the trio where it adds most (`trios.py`). People in
`sat_out_last` (who sat out or were in a trio last round) are kept out of the trio whenever
that is possible. When repeat-avoidance makes placing someone impossible (a small group where
everyone has met), they are listed in `Round.unpaired` rather than paired again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import numpy as np

from conference.matchmaking.matching import NEIGHBOURS, match_large
from conference.matchmaking.trios import place_extras

__all__ = ["EXACT_LIMIT", "NEIGHBOURS", "Round", "Scores", "pair_round"]

EXACT_LIMIT = 100
SMALL_ODD = 11  # up to this many, an odd lobby tries every possible trio

Scores = np.ndarray | Callable[[Sequence[int]], np.ndarray]


@dataclass(frozen=True)
class Round:
    """One round: `pairs` holds pairs and the trio (if any) as tuples of user ids.

    `total_weight` sums the score of every pair met (a trio counts its three pairs).
    `unpaired` lists people who could not be placed without a repeat meeting.
    `method` is "exact" or "relaxation". `relaxation_bound` (relaxation only) is the value of the
    bipartite relaxation on the candidate graph: no pairing within that graph weighs more.
    """

    pairs: list[tuple[int, ...]]
    total_weight: float
    unpaired: list[int] = field(default_factory=list)
    method: str = "exact"
    relaxation_bound: float | None = None


def pair_round(
    present_ids: Sequence[int],
    scores: Scores,
    met: Iterable[Collection[int]] = (),
    sat_out_last: Collection[int] = (),
    *,
    exact_limit: int = EXACT_LIMIT,
) -> Round:
    """Pair everyone in `present_ids` for one round.

    `scores` is a matrix aligned with `present_ids` (symmetric; -inf or NaN forbids a pair), or a
    function returning one for the ids, such as `MatchIndex.score_matrix`. `met` holds the
    groups (pairs or trios) that already met in earlier rounds of the event; none of their pairs
    is formed again. People in `sat_out_last` are never the trio's extra person when someone else
    can be, and are kept out of the trio altogether where possible.
    """
    ids = list(present_ids)
    n = len(ids)
    if len(set(ids)) != n:
        raise ValueError("present_ids has duplicates")
    if n < 2:
        return Round(pairs=[], total_weight=0.0, unpaired=ids)
    # one float32 copy; -inf marks every pair that may not meet
    weights = np.array(scores(ids) if callable(scores) else scores, dtype=np.float32)
    if weights.shape != (n, n):
        raise ValueError(f"scores must be {n} x {n}, aligned with present_ids; got {weights.shape}")
    weights[~np.isfinite(weights)] = -np.inf
    np.fill_diagonal(weights, -np.inf)
    position = {user_id: k for k, user_id in enumerate(ids)}
    for group in met:
        members = [position[m] for m in group if m in position]
        for a in members:
            weights[a, members] = -np.inf
    favoured = np.zeros(n, dtype=bool)
    favoured[[position[i] for i in sat_out_last if i in position]] = True

    bound = None
    best = None
    if n % 2 and n <= SMALL_ODD:
        groups, unpaired = _small_odd(weights, favoured)
        return _round(ids, groups, unpaired, weights, "exact", None)
    if n <= exact_limit:
        partner, extras = _exact(weights, favoured)
    else:
        partner, extras, bound, best = match_large(weights, favoured)
    groups, unpaired = place_extras(partner, extras, weights, favoured, best)
    return _round(ids, groups, unpaired, weights, "exact" if bound is None else "relaxation", bound)


def _round(
    ids: list[int],
    groups: list[tuple[int, ...]],
    unpaired: list[int],
    weights: np.ndarray,
    method: str,
    bound: float | None,
) -> Round:
    return Round(
        pairs=[tuple(ids[k] for k in group) for group in groups],
        total_weight=float(sum(_group_weight(group, weights) for group in groups)),
        unpaired=[ids[k] for k in unpaired],
        method=method,
        relaxation_bound=bound,
    )


def _group_weight(group: Sequence[int], weights: np.ndarray) -> float:
    return sum(float(weights[a, b]) for i, a in enumerate(group) for b in group[i + 1 :])


def _small_odd(weights: np.ndarray, favoured: np.ndarray) -> tuple[list[tuple[int, ...]], list[int]]:
    """Every possible trio, each with an exact matching of the rest; best by (placed, favour, weight)."""
    n = len(weights)
    allowed = weights > -np.inf
    best_key: tuple[float, ...] | None = None
    best: tuple[list[tuple[int, ...]], list[int]] = ([], list(range(n)))
    for trio in combinations(range(n), 3):
        t, a, b = trio
        if not (allowed[t, a] and allowed[t, b] and allowed[a, b]):
            continue
        rest = np.array([k for k in range(n) if k not in trio], dtype=np.int64)
        partner, left = _exact(weights[np.ix_(rest, rest)], favoured[rest]) if len(rest) else (rest, [])
        pairs = [(int(rest[i]), int(rest[j])) for i, j in enumerate(partner.tolist()) if i < j]
        groups = sorted([*pairs, trio])
        key = (
            n - len(left),
            -float(favoured[list(trio)].sum()),
            sum(_group_weight(g, weights) for g in groups),
        )
        if best_key is None or key > best_key:
            best_key, best = key, (groups, sorted(int(rest[i]) for i in left))
    if best_key is None:  # no trio possible at all: pairs only, the rest unpaired
        partner, left = _exact(weights, favoured)
        return sorted((a, int(b)) for a, b in enumerate(partner.tolist()) if a < b), left
    return best


def _exact(weights: np.ndarray, favoured: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Maximum-cardinality, then maximum-weight, matching by the blossom algorithm."""
    n = len(weights)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    rows, cols = np.nonzero(np.triu(weights > -np.inf, 1))
    graph.add_weighted_edges_from(
        zip(rows.tolist(), cols.tolist(), weights[rows, cols].astype(float).tolist(), strict=True)
    )
    if n % 2:
        # A stand-in partner for whoever will be the trio's extra; favoured people may not take it.
        spare = [k for k in range(n) if not favoured[k]] or list(range(n))
        graph.add_weighted_edges_from((n, k, 0.0) for k in spare)
    partner = np.full(n, -1, dtype=np.int64)
    for a, b in nx.max_weight_matching(graph, maxcardinality=True):
        if a < n and b < n:
            partner[a], partner[b] = b, a
    return partner, np.flatnonzero(partner < 0).tolist()
