"""Profiles as one-hot matrices, and the blocked kernel that scores rows against columns.

See `scoring.py` for the formula. Rows are never reused: a removed profile's row goes inactive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from conference.matchmaking.model import INTENTS, ORG_TYPES, MatchProfile
from conference.matchmaking.settings import MatchSettings, org_index

# (viewer rows, candidate rows, scores, viewers that may have more candidates beyond these)
Candidates = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

_INTENT_COLUMN = {name: i for i, name in enumerate(INTENTS)}
_ORG_COUNT = len(ORG_TYPES)


class Columns:
    """A growing vocabulary: key -> column of a one-hot matrix."""

    def __init__(self, keys: Iterable[object] = (), *, fixed: bool = False) -> None:
        self.index = {key: i for i, key in enumerate(keys)}
        self.fixed = fixed

    def columns(self, keys: Iterable[object]) -> list[int]:
        found = []
        for key in keys:
            column = self.index.get(key)
            if column is None and not self.fixed:
                column = self.index[key] = len(self.index)
            if column is not None:
                found.append(column)
        return found


class ProfileMatrix:
    """Every profile as a row of feature matrices; `scores()` is the vectorised kernel.

    `theme_names` (slug -> name) is shared with the caller; when `themes_fixed` is false, new
    slugs found in profiles are added to it.
    """

    def __init__(self, settings: MatchSettings, theme_names: dict[str, str], *, themes_fixed: bool) -> None:
        self.settings = settings
        self.theme_names = theme_names
        self.themes = Columns(theme_names, fixed=themes_fixed)
        self.languages = Columns()
        self.slots = Columns()
        self.countries: dict[str, int] = {"": 0}
        self.row: dict[int, int] = {}  # user id -> row
        self.profiles: list[MatchProfile | None] = []
        self.n = 0  # rows in use, inactive ones included
        self.complementarity = np.array(
            [[settings.complementarity[a, b] for b in ORG_TYPES] for a in ORG_TYPES], dtype=np.float32
        )
        self._allocate(16)

    @property
    def capacity(self) -> int:
        return self._capacity

    def put(self, profile: MatchProfile) -> int:
        """Add or replace a profile; returns its row. O(features), no rebuild."""
        row = self.row.get(profile.id)
        if row is None:
            if self.n == self._capacity:
                self._grow_rows()
            row = self.row[profile.id] = self.n
            self.n += 1
            self.profiles.append(profile)
        else:
            self.profiles[row] = profile
        self.ids[row] = profile.id
        self.active[row] = True
        self.listed[row] = profile.listed
        self._org[row] = org_index([profile.org_type])[0]
        self._country[row] = self.countries.setdefault(profile.country, len(self.countries))
        self._set_one_hot("_T", row, self.themes.columns(sorted(profile.themes)))
        self._set_one_hot("_L", row, self.languages.columns(sorted(profile.languages)))
        slots_were_on = self.slots_on
        self._set_one_hot("_F", row, self.slots.columns(sorted(profile.free_slots)))
        self._O[row] = 0
        self._O[row, [_INTENT_COLUMN[i] for i in profile.offers if i in _INTENT_COLUMN]] = 1
        self._S[row] = 0
        self._S[row, [_INTENT_COLUMN[i] for i in profile.seeks if i in _INTENT_COLUMN]] = 1
        if not self.themes.fixed:
            for slug in profile.themes:
                self.theme_names.setdefault(slug, slug.replace("-", " ").capitalize())
        if self.slots_on != slots_were_on:
            self._rebuild_xy()  # the weights' total changes once slots first appear
        else:
            self._set_xy(row)
        return row

    def drop(self, user_id: int) -> int:
        """Retire a profile's row (it scores 0 against everyone from now on); returns the row."""
        row = self.row.pop(user_id)
        self.profiles[row] = None
        self.active[row] = False
        self.listed[row] = False
        self._L[row] = 0
        self._set_xy(row)
        return row

    @property
    def slots_on(self) -> bool:
        return bool(self.slots.index) and self.settings.weights.free_slot > 0

    @property
    def _total_weight(self) -> float:
        weights = self.settings.weights
        total = weights.themes + weights.intents + weights.org_types + weights.other_country
        return total + (weights.free_slot if self.slots_on else 0.0)

    def scores(self, rows: np.ndarray, cols: np.ndarray | None = None, impossible: float = 0.0) -> np.ndarray:
        """Reciprocal scores of `rows` against `cols` (default: every row) as float32.

        Pairs without a shared language get `impossible`. Block sizes are the caller's concern:
        this allocates a handful of len(rows) x len(cols) matrices.
        """
        columns = slice(0, self.n) if cols is None else cols
        # X holds 2/Σw times the weights, so ab/(a+b) below is already the normalised 2ab/(a+b)
        ahead = self._X[rows] @ self._Y[columns].T  # fit(viewer -> other)
        back = self._Y[rows] @ self._X[columns].T  # fit(other -> viewer)
        country_rows, country_cols = self._country[rows], self._country[columns]
        abroad = country_rows[:, None] != country_cols[None, :]
        if not country_rows.all() or not country_cols.all():  # code 0: country unknown
            abroad[country_rows == 0, :] = False
            abroad[:, country_cols == 0] = False
        # the epsilon turns 0/0 into 0 without a masked divide
        bonus = 2.0 * self.settings.weights.other_country / self._total_weight
        common = np.array([1e-12, bonus + 1e-12], dtype=np.float32)[abroad.view(np.int8)]
        ahead += common
        back += common
        denominator = ahead + back
        ahead *= back
        ahead /= denominator
        gate = self._L[rows] @ self._L[columns].T
        np.minimum(gate, 1.0, out=gate)
        ahead *= gate
        if impossible:
            ahead[gate == 0] = impossible
        return ahead

    # -- storage -------------------------------------------------------------------------------

    def _allocate(self, capacity: int) -> None:
        self._capacity = capacity
        self.ids = np.zeros(capacity, dtype=np.int64)
        self.active = np.zeros(capacity, dtype=bool)
        self.listed = np.zeros(capacity, dtype=bool)
        self._org = np.zeros(capacity, dtype=np.int64)
        self._country = np.zeros(capacity, dtype=np.int16)
        self._T = np.zeros((capacity, max(8, len(self.themes.index))), dtype=np.float32)
        self._L = np.zeros((capacity, 8), dtype=np.float32)
        self._F = np.zeros((capacity, 8), dtype=np.float32)
        self._O = np.zeros((capacity, len(INTENTS)), dtype=np.float32)
        self._S = np.zeros((capacity, len(INTENTS)), dtype=np.float32)
        self._rebuild_xy()

    def _grow_rows(self) -> None:
        old = self._capacity
        for name in (
            "ids",
            "active",
            "listed",
            "_org",
            "_country",
            "_T",
            "_L",
            "_F",
            "_O",
            "_S",
            "_X",
            "_Y",
        ):
            array = getattr(self, name)
            grown = np.zeros((old * 2, *array.shape[1:]), dtype=array.dtype)
            grown[:old] = array
            setattr(self, name, grown)
        self._capacity = old * 2

    def _set_one_hot(self, name: str, row: int, columns: list[int]) -> None:
        matrix = getattr(self, name)
        if columns and max(columns) >= matrix.shape[1]:
            wider = np.zeros(
                (matrix.shape[0], max(2 * matrix.shape[1], max(columns) + 1)), dtype=matrix.dtype
            )
            wider[:, : matrix.shape[1]] = matrix
            setattr(self, name, wider)
            matrix = wider
            if name in ("_T", "_F"):
                self._rebuild_xy()
        matrix[row] = 0
        matrix[row, columns] = 1

    def _rebuild_xy(self) -> None:
        self._X, self._Y = self._xy(np.arange(self._capacity))

    def _set_xy(self, row: int) -> None:
        x, y = self._xy(np.array([row]))
        self._X[row], self._Y[row] = x[0], y[0]

    def _xy(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of X = 2/Σw · [w_t·T/|T|, w_i·S/|S|, w_o·C[org], w_s·F/|F|] and Y = [T, O, G, F]."""
        weights = self.settings.weights
        scale = 2.0 / self._total_weight
        slot_weight = weights.free_slot if self.slots_on else 0.0

        def shares(matrix: np.ndarray, weight: float) -> np.ndarray:
            counts = matrix.sum(axis=1, keepdims=True)
            return matrix * (np.float32(weight * scale) / np.maximum(counts, 1))

        org = self._org[rows]
        themes, seeks, offers, slots = self._T[rows], self._S[rows], self._O[rows], self._F[rows]
        x = np.hstack(
            [
                shares(themes, weights.themes),
                shares(seeks, weights.intents),
                np.float32(weights.org_types * scale) * self.complementarity[org],
                shares(slots, slot_weight),
            ]
        )
        y = np.hstack([themes, offers, np.eye(_ORG_COUNT, dtype=np.float32)[org], slots])
        inactive = ~self.active[rows]
        x[inactive] = 0.0
        y[inactive] = 0.0
        return np.ascontiguousarray(x, dtype=np.float32), np.ascontiguousarray(y, dtype=np.float32)


def top_k(scores: np.ndarray, take: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the `take` highest scores of each row (unordered); negates `scores`."""
    np.negative(scores, out=scores)  # argpartition picks the k smallest
    if take < scores.shape[1]:
        top = np.argpartition(scores, take - 1, axis=1)[:, :take]
    else:
        top = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    return top, -np.take_along_axis(scores, top, axis=1)


def merge_top_k(
    best_scores: np.ndarray, best_cols: np.ndarray, rows: np.ndarray, scores: np.ndarray, cols: np.ndarray
) -> None:
    """Fold new candidates for `rows` into the running best-k table."""
    take = best_scores.shape[1]
    all_scores = np.hstack([best_scores[rows], scores])
    all_cols = np.hstack([best_cols[rows], cols])
    keep = np.argpartition(-all_scores, take - 1, axis=1)[:, :take]
    best_scores[rows] = np.take_along_axis(all_scores, keep, axis=1)
    best_cols[rows] = np.take_along_axis(all_cols, keep, axis=1)


def concatenate(parts: Sequence[Candidates]) -> Candidates:
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float32), empty
    rows, cols, scores, truncated = zip(*parts, strict=True)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(scores), np.concatenate(truncated)
