"""Near-optimal pairing of a large lobby: bipartite relaxation, repair, then local search.

`match_large` solves the bipartite relaxation of matching on each person's best `NEIGHBOURS`
allowed partners exactly, by sparse Jonker-Volgenant (scipy). Its solution is mostly 2-cycles
(pairs, already optimal) plus a few longer paths and cycles, split into pairs leaving one person
out per odd one. Those few are seated two at a time by the heaviest short augmenting path, and
vectorised 2-opt and 3-opt passes polish the whole. The relaxation's value bounds from above the
best pairing within the candidate graph.

Weights are a float32 matrix with -inf for every pair that may not meet.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

NEIGHBOURS = 24
ROTATE_NEIGHBOURS = 8  # 3-opt looks at each person's 8 best partners: k² moves per person
# Costs of the relaxation are shifted to stay positive; sitting out costs more than any pair.
_SIT_OUT = 1e6
# Tie-breaker against leaving a favoured person over (weights are compatibility scores in [0, 1]).
FAVOUR = 1e3


def match_large(weights: np.ndarray, favoured: np.ndarray) -> tuple[np.ndarray, list[int], float, np.ndarray]:
    """Partner of each person (-1: none), the people left over, the relaxation bound, candidates."""
    best = best_partners(weights)
    edges = _neighbours(weights, best)
    partner, extras, bound = _relaxation(weights, favoured, edges)
    if len(extras) > 1:
        extras = _pair_extras(extras, partner, weights, favoured, best)
    nearest = closest(weights, best, ROTATE_NEIGHBOURS)
    for _ in range(6):
        _improve(partner, weights, edges)
        if not _rotate_three(partner, weights, nearest):
            break
    if len(extras) == 1 and _swap_extra(extras, partner, weights, favoured):
        _improve(partner, weights, edges)
    return partner, extras, bound, best


def best_partners(weights: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """Each person's best `k` partners (n x k, unordered; may include forbidden ones if few)."""
    k = min(k, len(weights) - 1)
    return np.argpartition(np.negative(weights), k - 1, axis=1)[:, :k]  # the k smallest of -w


def closest(weights: np.ndarray, best: np.ndarray, k: int) -> np.ndarray:
    """The `k` heaviest of each row's candidate partners `best`, heaviest first."""
    rows = np.arange(len(best))[:, None]
    order = np.argsort(-weights[rows, best], axis=1, kind="stable")[:, :k]
    return best[rows, order]


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
        value = sum(float(weights[a, b]) for a, b in pairs) - FAVOUR * favoured[chain[drop]]
        if value > best_value:
            best_value, best_pairs, best_left = value, pairs, [chain[drop]]
    return best_pairs, best_left


def _pair_extras(
    extras: list[int], partner: np.ndarray, weights: np.ndarray, favoured: np.ndarray, best: np.ndarray
) -> list[int]:
    """Place the people the relaxation left over, two at a time, by the best augmenting path.

    An augmenting path joins two left-over people through up to two existing pairs
    (r - s, r - a = b - s, or r - a = b - c = d - s); flipping it seats both. The path adding the
    most weight goes first. Beyond those lengths a plain breadth-first search keeps seating people.
    """
    remaining = list(extras)
    if len(remaining) > 60:  # many left over (repeat constraints): pair the bulk directly first
        remaining = _greedy_pairs(np.array(remaining), partner, weights, favoured)
    while len(remaining) > 1:
        if not (_augment_best(remaining, partner, weights, best) or _augment(remaining, partner, weights)):
            break
    return sorted(remaining, key=lambda k: favoured[k])


def _augment_best(remaining: list[int], partner: np.ndarray, weights: np.ndarray, best: np.ndarray) -> bool:
    """Flip the heaviest augmenting path of length 1, 3 or 5 between two of `remaining`."""
    free = np.array(remaining)
    top_gain, top_path = -np.inf, None
    for r in remaining:
        ends = weights[:, free].copy()  # ends[x, j]: weight of x - free[j]
        ends[:, free == r] = -np.inf  # a path may not return to where it started
        gain = float(ends[r].max())
        if gain > top_gain:
            top_gain, top_path = gain, [r, int(free[int(ends[r].argmax())])]
        first = best[r]
        first = first[(weights[r, first] > -np.inf) & (partner[first] >= 0)]
        if len(first) == 0:
            continue
        mate = partner[first]
        lead = weights[r, first] - weights[first, mate]  # r - a = b
        three = lead[:, None] + ends[mate]  # ... b - s
        k = int(np.argmax(three))
        if three.flat[k] > top_gain:
            i, j = divmod(k, len(free))
            top_gain, top_path = float(three.flat[k]), [r, int(first[i]), int(mate[i]), int(free[j])]
        second = best[mate]  # c, one row per b
        far = partner[second]  # d
        usable = (weights[mate[:, None], second] > -np.inf) & (far >= 0) & (second != first[:, None])
        middle = np.full(usable.shape, -np.inf, dtype=np.float32)
        step = weights[mate[:, None], second]
        np.subtract(step, weights[second, np.maximum(far, 0)], out=middle, where=usable)
        five = (lead[:, None] + middle)[:, :, None] + ends[np.maximum(far, 0)]
        k = int(np.argmax(five))
        if five.flat[k] > top_gain:
            i, rest = divmod(k, second.shape[1] * len(free))
            c, j = divmod(rest, len(free))
            path = [r, int(first[i]), int(mate[i]), int(second[i, c]), int(far[i, c]), int(free[j])]
            top_gain, top_path = float(five.flat[k]), path
    if top_path is None or not np.isfinite(top_gain):
        return False
    for u, v in zip(top_path[::2], top_path[1::2], strict=True):
        partner[u], partner[v] = v, u
    remaining.remove(top_path[0])
    remaining.remove(top_path[-1])
    return True


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


def _rotate_three(partner: np.ndarray, weights: np.ndarray, best: np.ndarray) -> bool:
    """3-opt: pairs a-b, c-d, e-f become a-c, d-e, f-b where that gains weight; True if any did."""
    n, k = best.shape
    a = np.repeat(np.arange(n), k)
    c = best.ravel()
    b, d = partner[a], partner[c]
    ok = (b >= 0) & (d >= 0) & (c != b) & (weights[a, c] > -np.inf)
    a, b, c, d = a[ok], b[ok], c[ok], d[ok]
    opening = weights[a, c] - weights[a, b] - weights[c, d]  # a-c in, a-b and c-d out
    e = best[d]  # one row of k per (a, c)
    f = partner[e]
    a2, b2, c2 = a[:, None], b[:, None], c[:, None]
    usable = (f >= 0) & (e != c2) & (e != a2) & (e != b2) & (f != a2) & (f != b2)
    usable &= weights[d[:, None], e] > -np.inf
    f_safe = np.maximum(f, 0)
    closing = weights[f_safe, b[:, None]]
    usable &= closing > -np.inf
    with np.errstate(invalid="ignore"):  # forbidden pairs make -inf - -inf; `usable` drops them
        total = opening[:, None] + weights[d[:, None], e] + closing - weights[e, f_safe]
    gain = np.where(usable, total, -np.inf)
    rows, cols = np.nonzero(gain > 1e-6)
    if len(rows) == 0:
        return False
    touched = np.zeros(n, dtype=bool)
    changed = False
    for i in np.argsort(-gain[rows, cols]).tolist():
        r, q = rows[i], cols[i]
        six = [a[r], b[r], c[r], d[r], e[r, q], f[r, q]]
        if touched[six].any():
            continue
        touched[six] = True
        pa, pb, pc, pd, pe, pf = six
        partner[pa], partner[pc] = pc, pa
        partner[pd], partner[pe] = pe, pd
        partner[pf], partner[pb] = pb, pf
        changed = True
    return changed
