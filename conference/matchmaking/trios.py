"""Groups from a matching: people left over join pairs as trios, and the one trio is chosen well.

Nobody in `favoured` (who sat out or was in a trio last round) is brought into a trio when
someone else can be.
"""

from __future__ import annotations

import numpy as np

from conference.matchmaking.matching import FAVOUR, best_partners, closest


def place_extras(
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
                candidates = best_partners(weights)
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
    value -= FAVOUR * (favoured[a].astype(np.float64) + favoured[b])
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
    best = closest(weights, best, k)
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
