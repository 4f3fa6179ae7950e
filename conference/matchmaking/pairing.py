"""Speed-networking rounds: pair everyone present for the most total compatibility, never twice.

Small lobbies (up to `EXACT_LIMIT` people) are solved exactly with Edmonds' blossom algorithm
(networkx). Larger ones use the bipartite relaxation of matching on each person's best
`NEIGHBOURS` allowed partners, solved exactly by sparse Jonker-Volgenant (scipy): its solution
is a set of 2-cycles (pairs, already optimal) and a few longer cycles, which are split into
pairs leaving one person out per odd cycle; those few are matched among themselves and a
vectorised 2-opt pass polishes the whole. The relaxation's value bounds the best pairing within
the candidate graph from above (`Round.relaxation_bound`).

With an odd number present, the one person left over joins the pair that gains most from them
(a trio). People in `sat_out_last` (who sat out or were in a trio last round) are kept out of the
trio whenever that is possible. When repeat-avoidance makes placing someone impossible (a small
group where everyone has met), they are listed in `Round.unpaired` rather than paired again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

EXACT_LIMIT = 100
SMALL_ODD = 11  # up to this many, an odd lobby tries every possible trio
NEIGHBOURS = 24
# Costs of the relaxation are shifted to stay positive; sitting out costs more than any pair.
_SIT_OUT = 1e6
# Tie-breaker against leaving a favoured person over (weights are compatibility scores in [0, 1]).
_FAVOUR = 1e3

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
        best = _best_partners(weights)
        edges = _neighbours(weights, best)
        partner, extras, bound = _relaxation(weights, favoured, edges)
        if len(extras) > 1:
            extras = _pair_extras(extras, partner, weights, favoured)
        _improve(partner, weights, edges)
        if len(extras) == 1 and _swap_extra(extras, partner, weights, favoured):
            _improve(partner, weights, edges)
    groups, unpaired = _place_extras(partner, extras, weights, favoured, best)
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


def _best_partners(weights: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """Each person's best `k` partners (n x k, unordered; may include forbidden ones if few)."""
    k = min(k, len(weights) - 1)
    return np.argpartition(np.negative(weights), k - 1, axis=1)[:, :k]  # the k smallest of -w


def _neighbours(weights: np.ndarray, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undirected edges (low, high) joining each person to their `best` partners that are allowed."""
    n, k = best.shape
    rows = np.repeat(np.arange(n), k)
    cols = best.ravel()
    keep = weights[rows, cols] > -np.inf
    low, high = np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])
    codes = np.unique(low * n + high)
    return codes // n, codes % n


def _relaxation(
    weights: np.ndarray, favoured: np.ndarray, edges: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, list[int], float]:
    """Pairs from the bipartite relaxation on the candidate graph, odd cycles and paths split."""
    n = len(weights)
    low, high = edges
    linked = np.zeros(n, dtype=bool)
    linked[low] = linked[high] = True
    people = np.flatnonzero(linked)  # the rest have met everyone present
    compact = np.full(n, -1, dtype=np.int64)
    compact[people] = np.arange(len(people))
    m = len(people)
    top = float(weights[low, high].max()) + 1.0
    rows = np.concatenate([compact[low], compact[high]])
    cols = np.concatenate([compact[high], compact[low]])
    costs = np.concatenate([top - weights[low, high], top - weights[high, low]]).astype(np.float64)
    try:
        _, chosen = min_weight_full_bipartite_matching(csr_matrix((costs, (rows, cols)), shape=(m, m)))
    except ValueError:
        # no way to give everyone a partner in the relaxation: let people sit out, at a high cost
        sit_out = np.arange(m)
        relaxed = csr_matrix(
            (
                np.concatenate([costs, np.full(m, _SIT_OUT)]),
                (np.concatenate([rows, sit_out]), np.concatenate([cols, m + sit_out])),
            ),
            shape=(m, 2 * m),
        )
        _, chosen = min_weight_full_bipartite_matching(relaxed)
    successor = np.full(n, -1, dtype=np.int64)
    real = chosen < m
    successor[people[real]] = people[chosen[real]]
    used = successor >= 0
    bound = float(weights[np.flatnonzero(used), successor[used]].astype(np.float64).sum()) / 2

    partner = np.full(n, -1, dtype=np.int64)
    extras: list[int] = np.flatnonzero(~linked).tolist()
    for chain, closed in _chains(successor, linked):
        pairs, left = _best_split(chain, closed, weights, favoured)
        for a, b in pairs:
            partner[a], partner[b] = b, a
        extras.extend(left)
    return partner, extras, bound


def _chains(successor: np.ndarray, linked: np.ndarray) -> list[tuple[list[int], bool]]:
    """Split a successor map (-1: none) over `linked` people into paths and cycles."""
    n = len(successor)
    has_predecessor = np.zeros(n, dtype=bool)
    has_predecessor[successor[successor >= 0]] = True
    seen = ~linked
    chains: list[tuple[list[int], bool]] = []
    following = successor.tolist()
    for start in np.flatnonzero(linked & ~has_predecessor).tolist():
        path = []
        k = start
        while k >= 0:
            path.append(k)
            seen[k] = True
            k = following[k]
        chains.append((path, False))
    for start in np.flatnonzero(~seen).tolist():
        if seen[start]:
            continue
        cycle = []
        k = start
        while not seen[k]:
            cycle.append(k)
            seen[k] = True
            k = following[k]
        chains.append((cycle, True))
    return chains


def _best_split(
    chain: list[int], closed: bool, weights: np.ndarray, favoured: np.ndarray
) -> tuple[list[tuple[int, int]], list[int]]:
    """Best pairs along a path or cycle, leaving one person out when its length is odd."""
    length = len(chain)
    if length == 2:
        return [(chain[0], chain[1])], []
    if length == 1:
        return [], chain
    if length % 2 == 0:
        options = [chain] if not closed else [chain, chain[1:] + chain[:1]]
        best = max(
            options, key=lambda seq: sum(float(weights[seq[i], seq[i + 1]]) for i in range(0, length, 2))
        )
        return [(best[i], best[i + 1]) for i in range(0, length, 2)], []
    best_value, best_pairs, best_left = -np.inf, [], [chain[0]]
    for drop in range(length) if closed else range(0, length, 2):
        # a cycle reopens as the path after the gap; a path's two even halves pair within themselves
        rest = chain[drop + 1 :] + chain[:drop] if closed else chain[:drop] + chain[drop + 1 :]
        pairs = [(rest[i], rest[i + 1]) for i in range(0, length - 1, 2)]
        value = sum(float(weights[a, b]) for a, b in pairs) - _FAVOUR * favoured[chain[drop]]
        if value > best_value:
            best_value, best_pairs, best_left = value, pairs, [chain[drop]]
    return best_pairs, best_left


def _pair_extras(
    extras: list[int], partner: np.ndarray, weights: np.ndarray, favoured: np.ndarray
) -> list[int]:
    """Match the people the relaxation left over: among themselves, then by augmenting paths."""
    members = np.array(extras)
    if len(members) <= EXACT_LIMIT:
        block = np.ix_(members, members)
        sub_partner, left = _exact(weights[block], favoured[members])
        for k, j in enumerate(sub_partner.tolist()):
            if j >= 0:
                partner[members[k]] = members[j]
        remaining = [int(members[k]) for k in left]
    else:
        remaining = _greedy_pairs(members, partner, weights, favoured)
    while len(remaining) > 1 and _augment(remaining, partner, weights):
        pass
    return sorted(remaining, key=lambda k: favoured[k])


def _augment(remaining: list[int], partner: np.ndarray, weights: np.ndarray, reach: int = 5000) -> bool:
    """Place two of `remaining` by flipping an alternating path between them; False if none found.

    Breadth-first over alternating paths (free - pair - pair - ... - free), heavier edges first.
    Blossoms are not contracted, so a path can be missed in rare cases, never wrongly found.
    """
    targets = set(remaining)
    for start in remaining:
        parent: dict[int, tuple[int, int]] = {}  # outer person -> (previous outer, their partner now)
        queue = [start]
        visited = {start}
        for outer in queue:
            if len(visited) > reach:
                break
            row = weights[outer]
            options = np.flatnonzero(row > -np.inf)
            for v in options[np.argsort(-row[options], kind="stable")].tolist():
                if v in targets and v != start:
                    end = v
                    while True:  # start - v1 = o1 - v2 = ... - outer - end becomes start - v1, o1 - v2, ...
                        partner[outer], partner[v] = v, outer
                        if outer == start:
                            break
                        outer, v = parent[outer]
                    remaining.remove(start)
                    remaining.remove(end)
                    return True
                w = int(partner[v])
                if w >= 0 and w not in visited:
                    visited.add(w)
                    parent[w] = (outer, v)
                    queue.append(w)
    return False


def _greedy_pairs(
    members: np.ndarray, partner: np.ndarray, weights: np.ndarray, favoured: np.ndarray
) -> list[int]:
    """Heaviest allowed pairs first among `members`; returns who is left."""
    block = weights[np.ix_(members, members)]
    rows, cols = np.nonzero(np.triu(block > -np.inf, 1))
    order = np.argsort(-block[rows, cols], kind="stable")
    for r, c in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        a, b = members[r], members[c]
        if partner[a] < 0 and partner[b] < 0:
            partner[a], partner[b] = b, a
    return [int(k) for k in members if partner[k] < 0]


def _improve(partner: np.ndarray, weights: np.ndarray, edges: tuple[np.ndarray, np.ndarray]) -> None:
    """2-opt: swap partners across two pairs (a-b, c-d -> a-c, b-d) while that gains weight."""
    low, high = edges
    first, second = np.concatenate([low, high]), np.concatenate([high, low])
    for _ in range(50):
        a, c = first, second
        b, d = partner[a], partner[c]
        ok = (b >= 0) & (d >= 0) & (b != c)
        a, b, c, d = a[ok], b[ok], c[ok], d[ok]
        ok = weights[b, d] > -np.inf
        a, b, c, d = a[ok], b[ok], c[ok], d[ok]
        gain = weights[a, c] + weights[b, d] - weights[a, b] - weights[c, d]
        improving = np.flatnonzero(gain > 1e-6)
        if len(improving) == 0:
            return
        touched = np.zeros(len(partner), dtype=bool)
        for k in improving[np.argsort(-gain[improving])].tolist():
            quad = [a[k], b[k], c[k], d[k]]
            if touched[quad].any():
                continue
            touched[quad] = True
            partner[quad[0]], partner[quad[2]] = quad[2], quad[0]
            partner[quad[1]], partner[quad[3]] = quad[3], quad[1]


def _swap_extra(extras: list[int], partner: np.ndarray, weights: np.ndarray, favoured: np.ndarray) -> bool:
    """Let the one person left over take someone's place in a pair while that gains weight."""
    swapped = False
    for _ in range(100):
        [extra] = extras
        others = np.flatnonzero((weights[extra] > -np.inf) & (partner >= 0))
        if len(others) == 0:
            break
        # extra - other replaces other - partner[other], whose partner becomes the one left over
        leaving = partner[others]
        gain = weights[extra, others].astype(np.float64) - weights[others, leaving]
        gain[favoured[leaving] & ~favoured[extra]] = -np.inf
        k = int(np.argmax(gain))
        if not gain[k] > 1e-9:
            break
        other, left = int(others[k]), int(leaving[k])
        partner[extra], partner[other], partner[left] = other, extra, -1
        extras[0] = left
        swapped = True
    return swapped


def _place_extras(
    partner: np.ndarray,
    extras: list[int],
    weights: np.ndarray,
    favoured: np.ndarray,
    candidates: np.ndarray | None,
) -> tuple[list[tuple[int, ...]], list[int]]:
    """Turn the matching into groups: each extra joins the pair that gains most from them."""
    n = len(partner)
    pairs = {a: (a, int(b)) for a, b in enumerate(partner.tolist()) if a < b}
    joined: dict[int, int] = {}  # pair key -> extra
    unpaired: list[int] = []
    for extra in sorted(extras, key=lambda k: favoured[k]):
        best = _best_trio(extra, pairs, joined, weights, favoured)
        if best is None:
            unpaired.append(extra)
        else:
            joined[best] = extra
    if len(joined) == 1 and favoured[next(iter(joined.values()))]:
        _swap_out_favoured(pairs, joined, weights, favoured)
    if len(joined) == 1:
        for _ in range(10):
            _improve_trio(pairs, joined, weights, favoured)
            if candidates is None:
                candidates = _best_partners(weights)
            if not _move_trio(pairs, joined, weights, favoured, candidates):
                break
    groups = [pair + ((joined[key],) if key in joined else ()) for key, pair in pairs.items()]
    assert sum(len(g) for g in groups) + len(unpaired) == n
    return sorted(groups), sorted(unpaired)


def _best_trio(
    extra: int,
    pairs: dict[int, tuple[int, int]],
    joined: dict[int, int],
    weights: np.ndarray,
    favoured: np.ndarray,
) -> int | None:
    """Key of the free pair that `extra` adds most to (favoured members only as a last resort)."""
    keys = np.array([key for key in pairs if key not in joined], dtype=np.int64)
    if len(keys) == 0:
        return None
    a = keys
    b = np.array([pairs[key][1] for key in keys.tolist()], dtype=np.int64)
    value = weights[extra, a].astype(np.float64) + weights[extra, b]
    value -= _FAVOUR * (favoured[a].astype(np.float64) + favoured[b])
    best = int(np.argmax(value))
    return int(keys[best]) if np.isfinite(value[best]) else None


def _swap_out_favoured(
    pairs: dict[int, tuple[int, int]], joined: dict[int, int], weights: np.ndarray, favoured: np.ndarray
) -> None:
    """A favoured extra takes an unfavoured person's place in a pair; that person becomes the extra."""
    [extra] = joined.values()
    best_value, best_move = -np.inf, None
    for key, (a, b) in pairs.items():
        for stay, leave in ((a, b), (b, a)):
            if favoured[leave] or not weights[extra, stay] > -np.inf:
                continue
            rest = {k: v for k, v in pairs.items() if k != key}
            target = _best_trio(leave, rest, {}, weights, favoured)
            if target is None or favoured[rest[target][0]] or favoured[rest[target][1]]:
                continue
            c, d = rest[target]
            value = (
                float(weights[extra, stay])
                - float(weights[a, b])
                + float(weights[leave, c])
                + float(weights[leave, d])
            )
            if value > best_value:
                best_value, best_move = value, (key, stay, leave, target)
    if best_move is None:
        return
    key, stay, leave, target = best_move
    del pairs[key]
    low, high = min(extra, stay), max(extra, stay)
    pairs[low] = (low, high)
    joined.clear()
    joined[target] = leave


def _improve_trio(
    pairs: dict[int, tuple[int, int]], joined: dict[int, int], weights: np.ndarray, favoured: np.ndarray
) -> None:
    """Local search on the trio, (a, b) joined by t, against every other pair (c, d).

    Two moves, neither bringing a favoured person into the trio: t pairs with c while d joins
    (a, b); or a leaves to join (c, d) while t and b pair up.
    """
    w = weights.astype(np.float64)
    for _ in range(100):
        [(key, t)] = joined.items()
        a, b = pairs[key]
        keys = np.array([k for k in pairs if k != key], dtype=np.int64)
        if len(keys) == 0:
            return
        c = keys
        d = np.array([pairs[k][1] for k in keys.tolist()], dtype=np.int64)
        best_gain, best_move = 1e-9, None
        for first, second in ((c, d), (d, c)):
            gain = w[t, first] + w[second, a] + w[second, b] - w[first, second] - w[t, a] - w[t, b]
            gain[favoured[second]] = -np.inf
            k = int(np.argmax(gain))
            if gain[k] > best_gain:
                best_gain, best_move = (
                    float(gain[k]),
                    (int(keys[k]), (t, int(first[k])), (a, b), int(second[k])),
                )
        for leaving, staying in ((a, b), (b, a)):
            gain = w[leaving, c] + w[leaving, d] - w[leaving, t] - w[leaving, staying]
            gain[favoured[c] | favoured[d]] = -np.inf
            k = int(np.argmax(gain))
            if gain[k] > best_gain:
                best_gain, best_move = (
                    float(gain[k]),
                    (int(keys[k]), (t, staying), (int(c[k]), int(d[k])), leaving),
                )
        if best_move is None:
            return
        other_key, new_pair, trio_pair, extra = best_move
        del pairs[other_key], pairs[key]
        joined.clear()
        for pair in (new_pair, trio_pair):
            low, high = min(pair), max(pair)
            pairs[low] = (low, high)
        joined[min(trio_pair)] = extra


def _move_trio(
    pairs: dict[int, tuple[int, int]],
    joined: dict[int, int],
    weights: np.ndarray,
    favoured: np.ndarray,
    best: np.ndarray,
    k: int = 12,
) -> bool:
    """Move the trio onto a strong triangle (x, y, z) elsewhere if the total gains.

    x, y and z leave their partners; those three and the old extra re-pair as best they can, and
    the old trio's pair stays together. Triangles come from each person's best `k` partners.
    """
    n = len(weights)
    [(key, t)] = joined.items()
    a, b = pairs[key]
    partner = np.full(n, -1, dtype=np.int64)
    for low, high in pairs.values():
        partner[low], partner[high] = high, low
    eligible = (partner >= 0) & ~favoured
    eligible[[a, b, t]] = False
    if best.shape[1] > k:  # the k best of the candidates
        rows = np.arange(n)[:, None]
        best = best[rows, np.argsort(-weights[rows, best], axis=1)[:, :k]]
    k = best.shape[1]
    first, second = np.triu_indices(k, 1)
    x = np.repeat(np.arange(n), len(first))
    y, z = best[:, first].ravel(), best[:, second].ravel()
    px, py, pz = partner[x], partner[y], partner[z]
    ok = eligible[x] & eligible[y] & eligible[z] & (x < y) & (x < z)
    ok &= (px != y) & (px != z) & (py != z)
    ok &= (weights[x, y] > -np.inf) & (weights[x, z] > -np.inf) & (weights[y, z] > -np.inf)
    x, y, z, px, py, pz = x[ok], y[ok], z[ok], px[ok], py[ok], pz[ok]
    if len(x) == 0:
        return False
    w = weights.astype(np.float64)
    freed = np.stack([px, py, pz, np.full(len(x), t)])
    options = [((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))]
    values = np.stack([w[freed[i], freed[j]] + w[freed[m], freed[o]] for (i, j), (m, o) in options])
    choice = np.argmax(values, axis=0)
    repaired = values[choice, np.arange(len(x))]
    gain = w[x, y] + w[x, z] + w[y, z] + repaired - w[x, px] - w[y, py] - w[z, pz] - w[t, a] - w[t, b]
    best_k = int(np.argmax(gain))
    if not gain[best_k] > 1e-9:
        return False
    for person in (x[best_k], y[best_k], z[best_k]):
        pairs.pop(min(person, partner[person]))
    joined.clear()
    (i, j), (m, o) = options[int(choice[best_k])]
    people = freed[:, best_k]
    for u, v in ((people[i], people[j]), (people[m], people[o])):
        pairs[min(u, v)] = (int(min(u, v)), int(max(u, v)))
    low, high = int(min(y[best_k], z[best_k])), int(max(y[best_k], z[best_k]))
    pairs[low] = (low, high)
    joined[low] = int(x[best_k])
    return True
