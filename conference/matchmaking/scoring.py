"""Reciprocal recommendation scores and top-k lists, computed with matrix products over everyone.

A one-way fit says how well j suits what i looks for:

    fit(i→j) = (w_intents · |seeks_i ∩ offers_j| / |seeks_i|
                + w_themes · |themes_i ∩ themes_j| / |themes_i|
                + w_org · complementarity[org_i, org_j]
                + w_country · [country_i ≠ country_j]
                + w_slot · |free_i ∩ free_j| / |free_i|) / Σw

and the score of the pair is the harmonic mean of fit(i→j) and fit(j→i): symmetric, in [0, 1],
and low when only one side gains. A pair with no language in common scores 0 and is never
recommended. The slot term counts only once some profile has free slots. All terms but the
country one are bilinear, so with X = [w_t·T/|T|, w_i·S/|S|, w_o·G·C, w_s·F/|F|] and
Y = [T, O, G, F] (one-hot themes T, offers O, seeks S, org types G, free slots F) one product
X·Yᵀ gives every fit(i→j) numerator and Y·Xᵀ every fit(j→i) one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from conference.matchmaking.features import Candidates, ProfileMatrix, concatenate, merge_top_k, top_k
from conference.matchmaking.model import MatchProfile
from conference.matchmaking.reasons import Explainer
from conference.matchmaking.settings import MatchSettings

__all__ = [
    "Exclusions",
    "MatchIndex",
    "MatchProfile",
    "MatchSettings",
    "Recommendation",
    "Themes",
    "recommend",
]

# (viewer, other) pairs as frozensets are excluded both ways; a mapping viewer -> ids is one-way.
Exclusions = Iterable[frozenset[int]] | Mapping[int, Iterable[int]]
# slug -> name, or the programme's [{"slug", "name"}], or (slug, name) pairs, or bare slugs.
Themes = Mapping[str, str] | Iterable[str | tuple[str, str] | Mapping[str, str]]

_BLOCK_CELLS = 1 << 22  # score rows in blocks of ~4M cells (16 MB per float32 matrix)
# Scores carry a 1e-12 epsilon (see `ProfileMatrix.scores`); anything this small is a zero fit.
_NOTHING = 1e-6


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One person recommended to a viewer: their id, the pair's score in (0, 1], and why."""

    user_id: int
    score: float
    reasons: list[str]


def recommend(
    profiles: Iterable[MatchProfile],
    settings: MatchSettings | None = None,
    exclusions: Exclusions | None = None,
    limit: int = 10,
    for_ids: Iterable[int] | None = None,
    *,
    themes: Themes | None = None,
    slot_labels: Mapping[int, str] | Sequence[str] | None = None,
) -> dict[int, list[Recommendation]]:
    """Top-`limit` recommendations for each viewer (everyone, or `for_ids`), best first.

    People never see themselves, anyone excluded for them, anyone unlisted, or anyone without a
    shared language; nobody appears in more than `settings.exposure_cap` lists. For repeated
    queries keep a `MatchIndex` instead.
    """
    index = MatchIndex(profiles, settings, themes=themes, exclusions=exclusions, slot_labels=slot_labels)
    return index.recommend_all(limit=limit, for_ids=for_ids)


def normalise_themes(themes: Themes) -> dict[str, str]:
    """Theme slug -> display name, in the given order."""
    if isinstance(themes, Mapping):
        return {str(slug): str(name) for slug, name in themes.items()}
    names: dict[str, str] = {}
    for item in themes:
        if isinstance(item, str):
            names[item] = item.replace("-", " ").capitalize()
        elif isinstance(item, Mapping):
            names[str(item["slug"])] = str(item.get("name") or item["slug"])
        else:
            slug, name = item
            names[str(slug)] = str(name)
    return names


class MatchIndex:
    """Holds everyone's profile as matrices and the current recommendation lists.

    `recommend_all()` computes lists for everyone (blocked matrix products, a global greedy pass
    for the exposure cap); after a profile change, `update(profile)` then `top(user_id)` refreshes
    that one person's list in a few milliseconds. Other people's lists pick the change up at their
    next `top()` or the next `recommend_all()`.
    """

    def __init__(
        self,
        profiles: Iterable[MatchProfile] = (),
        settings: MatchSettings | None = None,
        *,
        themes: Themes | None = None,
        exclusions: Exclusions | None = None,
        slot_labels: Mapping[int, str] | Sequence[str] | None = None,
    ) -> None:
        self.settings = settings or MatchSettings()
        self._theme_names = normalise_themes(themes) if themes is not None else {}
        self._matrix = ProfileMatrix(self.settings, self._theme_names, themes_fixed=themes is not None)
        if isinstance(slot_labels, Mapping):
            self._slot_names = {int(k): str(v) for k, v in slot_labels.items()}
        else:
            self._slot_names = dict(enumerate(slot_labels or ()))
        self._excluded: dict[int, set[int]] = {}
        self._lists: dict[int, np.ndarray] = {}  # viewer row -> rows shown to them
        self._exposure = np.zeros(self._matrix.capacity, dtype=np.int64)  # row -> lists showing it
        for profile in profiles:
            self.update(profile)
        if exclusions is not None:
            self.exclude_all(exclusions)

    # -- profiles and exclusions ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._matrix.row)

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._matrix.row

    def profile(self, user_id: int) -> MatchProfile:
        """The profile stored for `user_id` (KeyError if unknown)."""
        profile = self._matrix.profiles[self._matrix.row[user_id]]
        assert profile is not None
        return profile

    def update(self, profile: MatchProfile) -> None:
        """Add a profile or replace the one with the same id; O(features), no rebuild."""
        self._matrix.put(profile)
        if len(self._exposure) < self._matrix.capacity:
            grown = np.zeros(self._matrix.capacity, dtype=np.int64)
            grown[: len(self._exposure)] = self._exposure
            self._exposure = grown

    def remove(self, user_id: int) -> None:
        """Forget a person: they get no list and appear in nobody's."""
        self._drop_list(self._matrix.drop(user_id))

    def exclude(self, viewer_id: int, other_id: int, *, both_ways: bool = True) -> None:
        """Never recommend `other_id` to `viewer_id` (and the reverse, unless `both_ways=False`)."""
        self._excluded.setdefault(viewer_id, set()).add(other_id)
        if both_ways:
            self._excluded.setdefault(other_id, set()).add(viewer_id)

    def exclude_all(self, exclusions: Exclusions) -> None:
        """Add exclusions: frozenset pairs both ways, or a mapping viewer -> ids one way."""
        if isinstance(exclusions, Mapping):
            for viewer, others in exclusions.items():
                self._excluded.setdefault(viewer, set()).update(others)
            return
        for pair in exclusions:
            members = tuple(pair)
            if len(members) == 2:
                self.exclude(members[0], members[1])

    # -- scores --------------------------------------------------------------------------------

    def score(self, a: int, b: int) -> float:
        """The reciprocal score of two people (0 when they share no language)."""
        rows = np.array([self._matrix.row[a]])
        value = float(self._matrix.scores(rows, np.array([self._matrix.row[b]]))[0, 0])
        return value if value > _NOTHING else 0.0

    @property
    def _floor(self) -> float:
        return max(self.settings.min_score, _NOTHING)

    def score_matrix(self, user_ids: Sequence[int]) -> np.ndarray:
        """Scores among `user_ids` (float32, aligned with them) for pairing.

        Pairs that cannot meet (no shared language, an exclusion either way, the diagonal) are -inf.
        Listing does not matter here: everyone present in a networking lobby takes part.
        """
        rows = np.array([self._matrix.row[i] for i in user_ids], dtype=np.int64)
        matrix = self._matrix.scores(rows, rows, impossible=-np.inf)
        matrix[(matrix < _NOTHING) & (matrix > 0)] = 0.0
        np.fill_diagonal(matrix, -np.inf)
        position = {user_id: k for k, user_id in enumerate(user_ids)}
        for k, user_id in enumerate(user_ids):
            for other in self._excluded.get(user_id, ()):
                j = position.get(other)
                if j is not None:
                    matrix[k, j] = matrix[j, k] = -np.inf
        return matrix

    # -- recommendation lists ------------------------------------------------------------------

    def recommend_all(
        self, limit: int = 10, for_ids: Iterable[int] | None = None
    ) -> dict[int, list[Recommendation]]:
        """Fresh lists for everyone (or `for_ids`), the exposure cap holding over all current lists.

        Each viewer's best `limit + max(limit, 20)` candidates, from all viewers at once, are taken
        in descending score order and accepted while the viewer's list has room and the person
        shown is under the cap. Viewers left short because the cap took their candidates are then
        topped up, in further passes, from the people still under it. So this is the global greedy
        assignment, except that a top-up pass comes after the first rather than interleaved with it.
        With `for_ids`, other viewers' current lists keep their share of the cap.
        """
        if for_ids is None:
            viewers = np.flatnonzero(self._matrix.active[: self._matrix.n])
            self._lists.clear()
            self._exposure[:] = 0
        else:
            viewers = np.array([self._matrix.row[i] for i in for_ids], dtype=np.int64)
            for row in viewers.tolist():
                self._drop_list(row)
        chosen: dict[int, list[tuple[int, float]]] = {row: [] for row in viewers.tolist()}
        take = self._take(limit)
        if for_ids is None and len(viewers):
            pending = self._accept(self._candidates_everyone(take), chosen, limit)
        else:
            pending = viewers
        for _ in range(8):  # each pass only tops up lists that the cap left short
            if len(pending) == 0:
                break
            pending = self._accept(self._candidates(pending, take, chosen), chosen, limit)
        for row, shown in chosen.items():
            self._lists[row] = np.array([col for col, _ in shown], dtype=np.int64)
        return {
            int(self._matrix.ids[row]): self._recommendations(row, shown) for row, shown in chosen.items()
        }

    def top(self, user_id: int, limit: int = 10) -> list[Recommendation]:
        """Recompute one person's list (e.g. after `update`), respecting everyone's exposure."""
        row = self._matrix.row[user_id]
        self._drop_list(row)
        chosen: dict[int, list[tuple[int, float]]] = {row: []}
        self._accept(self._candidates(np.array([row]), self._take(limit), chosen), chosen, limit)
        self._lists[row] = np.array([col for col, _ in chosen[row]], dtype=np.int64)
        return self._recommendations(row, chosen[row])

    def current(self, user_id: int) -> list[int]:
        """Ids currently shown to `user_id` (from the last `recommend_all` or `top`)."""
        shown = self._lists.get(self._matrix.row[user_id], np.empty(0, dtype=np.int64))
        return [int(self._matrix.ids[row]) for row in shown]

    def exposure(self, user_id: int) -> int:
        """In how many current lists `user_id` appears."""
        return int(self._exposure[self._matrix.row[user_id]])

    def _take(self, limit: int) -> int:
        # spare candidates so that the exposure cap and exclusions rarely leave a list short
        return max(1, min(limit + max(limit, 20), self._matrix.n))

    def _candidates(
        self, viewers: np.ndarray, take: int, chosen: Mapping[int, Sequence[tuple[int, float]]]
    ) -> Candidates:
        """Best `take` people for each viewer, everything that rules them out masked first."""
        n = self._matrix.n
        saturated = np.flatnonzero(self._exposure[:n] >= self.settings.exposure_cap)
        hidden_targets = np.flatnonzero(~(self._matrix.active[:n] & self._matrix.listed[:n]))
        block = max(16, _BLOCK_CELLS // max(n, 1))
        parts: list[Candidates] = []
        for start in range(0, len(viewers), block):
            rows = viewers[start : start + block]
            scores = self._matrix.scores(rows)
            scores[:, hidden_targets] = -1.0
            scores[:, saturated] = -1.0
            scores[np.arange(len(rows)), rows] = -1.0
            for k, row in enumerate(rows.tolist()):
                hidden = [
                    self._matrix.row[i]
                    for i in self._excluded.get(int(self._matrix.ids[row]), ())
                    if i in self._matrix.row
                ]
                hidden.extend(col for col, _ in chosen[row])
                if hidden:
                    scores[k, hidden] = -1.0
            top, top_scores = top_k(scores, take)
            keep = top_scores > self._floor
            # every candidate kept means better-than-nothing people may lie beyond them
            truncated = keep.all(axis=1) & (take < n)
            viewer_rows = np.broadcast_to(rows[:, None], top.shape)
            parts.append((viewer_rows[keep], top[keep], top_scores[keep], rows[truncated]))
        return concatenate(parts)

    def _candidates_everyone(self, take: int) -> Candidates:
        """Best `take` people for every row, scoring each unordered pair once.

        Scores are symmetric, so a block of rows is scored only against itself and later rows:
        the block's rows take their candidates along the rows, the later rows along the columns,
        each merged into a running best-`take` table. Unlisted people, exclusions and the
        exposure cap are applied afterwards (lists they leave short are topped up later).
        """
        n = self._matrix.n
        best_scores = np.full((n, take), -1.0, dtype=np.float32)
        best_cols = np.zeros((n, take), dtype=np.int64)
        block = max(16, _BLOCK_CELLS // max(n, 1))
        for start in range(0, n, block):
            end = min(n, start + block)
            rows = np.arange(start, end)
            scores = self._matrix.scores(rows, slice(start, n))
            scores[np.arange(end - start), np.arange(end - start)] = -1.0
            top, top_scores = top_k(scores, take)
            merge_top_k(best_scores, best_cols, rows, top_scores, top + start)
            if end < n:
                later = np.ascontiguousarray(scores[:, end - start :].T)
                top, top_scores = top_k(later, take)
                merge_top_k(best_scores, best_cols, np.arange(end, n), top_scores, top + start)
        scored = best_scores > self._floor
        truncated = np.flatnonzero(scored.all(axis=1) & (take < n - 1) & self._matrix.active[:n])
        viewer_rows = np.broadcast_to(np.arange(n)[:, None], best_cols.shape)
        keep = scored & self._matrix.active[:n, None] & (self._matrix.active & self._matrix.listed)[best_cols]
        excluded = [
            (row, self._matrix.row[other])
            for viewer, others in self._excluded.items()
            if (row := self._matrix.row.get(viewer)) is not None
            for other in others
            if other in self._matrix.row
        ]
        if excluded:
            codes = np.array([row * n + col for row, col in excluded], dtype=np.int64)
            keep &= ~np.isin(viewer_rows * n + best_cols, codes)
        return viewer_rows[keep], best_cols[keep], best_scores[keep], truncated

    def _accept(
        self, candidates: Candidates, chosen: dict[int, list[tuple[int, float]]], limit: int
    ) -> np.ndarray:
        """Greedy over all candidate pairs, best first; returns the viewers worth another pass."""
        rows, cols, scores, truncated = candidates
        cap = self.settings.exposure_cap
        order = np.lexsort((self._matrix.ids[cols], self._matrix.ids[rows], -scores))
        exposure = self._exposure.tolist()  # plain ints: this loop runs over every candidate pair
        for row, col, score in zip(
            rows[order].tolist(), cols[order].tolist(), scores[order].tolist(), strict=True
        ):
            shown = chosen[row]
            if len(shown) < limit and exposure[col] < cap:
                shown.append((col, score))
                exposure[col] += 1
        self._exposure[:] = exposure
        return np.array([row for row in truncated.tolist() if len(chosen[row]) < limit], dtype=np.int64)

    def _recommendations(self, row: int, shown: Sequence[tuple[int, float]]) -> list[Recommendation]:
        viewer = self._matrix.profiles[row]
        others = [self._matrix.profiles[col] for col, _ in shown]
        people = [p for p in others if p is not None]
        assert viewer is not None and len(people) == len(others), "lists only hold current profiles"
        reasons = self._explainer.reasons_for(viewer, people)
        result = [
            Recommendation(user_id=other.id, score=round(score, 6), reasons=lines)
            for other, (_, score), lines in zip(people, shown, reasons, strict=True)
        ]
        result.sort(key=lambda r: (-r.score, r.user_id))
        return result

    @property
    def _explainer(self) -> Explainer:
        slot_label = self._slot_label if self._matrix.slots_on else None
        key = (len(self._theme_names), slot_label is not None)
        if getattr(self, "_explainer_key", None) != key:
            self._explainer_cache = Explainer(self.settings, self._theme_names, slot_label)
            self._explainer_key = key
        return self._explainer_cache

    def _slot_label(self, slot: int) -> str:
        label = self._slot_names.get(slot)
        return label if label is not None else f"networking slot {slot + 1}"

    def _drop_list(self, row: int) -> None:
        shown = self._lists.pop(row, None)
        if shown is not None and len(shown):
            np.subtract.at(self._exposure, shown, 1)
