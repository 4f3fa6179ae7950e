"""Organiser-editable matchmaking settings: weights, org-type complementarity, exposure cap."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Self

from conference.matchmaking.model import ORG_TYPES

PRACTITIONERS = ("cooperative", "social_enterprise", "association")
FUNDERS = ("funder", "foundation")

# Applied in order, later rules overriding earlier ones; every unordered pair ends up with a value.
_DEFAULT_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...] = (
    (ORG_TYPES, ORG_TYPES, 0.3),
    (("network",), ORG_TYPES, 0.6),  # networks connect everyone
    (("network",), ("network",), 0.5),
    (PRACTITIONERS, PRACTITIONERS, 0.5),  # peer learning between practitioners
    (("government",), PRACTITIONERS, 0.9),  # policy makers ↔ practitioners
    (FUNDERS, PRACTITIONERS, 0.9),  # funders ↔ the organisations they fund
    (("research",), ("government",), 0.8),  # evidence for policy
    (("research",), PRACTITIONERS, 0.6),
    (("research",), ("international_org",), 0.7),
    (("research",), ("research",), 0.5),
    (("international_org",), ("government",), 0.8),
    (("international_org",), PRACTITIONERS, 0.6),
    (("government",), ("government",), 0.6),  # policy peers from other countries
    (("business",), PRACTITIONERS, 0.6),  # market access, supply chains
    (("business",), ("government",), 0.4),
    (FUNDERS, ("government",), 0.5),
    (FUNDERS, ("research",), 0.5),
    (FUNDERS, FUNDERS, 0.3),
)


def _default_complementarity() -> dict[tuple[str, str], float]:
    table: dict[tuple[str, str], float] = {}
    for left, right, value in _DEFAULT_RULES:
        for a in left:
            for b in right:
                table[a, b] = table[b, a] = value
    return table


DEFAULT_COMPLEMENTARITY: Mapping[tuple[str, str], float] = MappingProxyType(_default_complementarity())


class SettingsError(ValueError):
    """Invalid settings; `fields` maps each bad field (dotted path) to what is wrong with it."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.fields.items()))


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weight of each term of a one-way fit; only ratios matter."""

    intents: float = 0.35  # their offers meet my seeks
    themes: float = 0.3  # shared themes
    org_types: float = 0.2  # complementarity of organisation types
    other_country: float = 0.1  # a peer from another country
    free_slot: float = 0.05  # a networking slot both have free (only when slots are known)


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Everything an organiser can tune. Build from JSON with `from_dict`, which validates.

    `complementarity` is symmetric and complete over `ORG_TYPES` x `ORG_TYPES` (values in [0, 1]).
    `exposure_cap` bounds how many recommendation lists one person appears in.
    Pairs scoring `min_score` or less are never recommended.
    """

    weights: Weights = field(default_factory=Weights)
    complementarity: Mapping[tuple[str, str], float] = field(default_factory=lambda: DEFAULT_COMPLEMENTARITY)
    exposure_cap: int = 30
    min_score: float = 0.0

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        _check_weights(self.weights, errors)
        table = _check_table(((a, b, value) for (a, b), value in self.complementarity.items()), errors)
        _check_scalars(self.exposure_cap, self.min_score, errors)
        if errors:
            raise SettingsError(errors)
        complete = dict(DEFAULT_COMPLEMENTARITY)
        for (a, b), value in table.items():
            complete[a, b] = complete[b, a] = value
        object.__setattr__(self, "complementarity", MappingProxyType(complete))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `from_dict(to_dict())` gives back equal settings.

        The complementarity table is written once per unordered pair (`ORG_TYPES` order).
        """
        return {
            "weights": {f.name: getattr(self.weights, f.name) for f in fields(Weights)},
            "complementarity": {
                a: {b: self.complementarity[a, b] for b in ORG_TYPES[i:]} for i, a in enumerate(ORG_TYPES)
            },
            "exposure_cap": self.exposure_cap,
            "min_score": self.min_score,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Validate organiser JSON; missing keys keep their defaults. Raises `SettingsError`.

        The complementarity table may give each pair from either side (or both, if equal);
        pairs left out keep their default value.
        """
        if not isinstance(data, Mapping):
            raise SettingsError({"settings": "must be an object"})
        errors: dict[str, str] = {}
        for key in data:
            if key not in {"weights", "complementarity", "exposure_cap", "min_score"}:
                errors[str(key)] = "unknown setting"
        weights = _parse_weights(data.get("weights", {}), errors)
        table = _parse_table(data.get("complementarity", {}), errors)
        exposure_cap = data.get("exposure_cap", 30)
        min_score = data.get("min_score", 0.0)
        _check_scalars(exposure_cap, min_score, errors)
        if errors:
            raise SettingsError(errors)
        return cls(
            weights=weights, complementarity=table, exposure_cap=exposure_cap, min_score=float(min_score)
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_scalars(exposure_cap: Any, min_score: Any, errors: dict[str, str]) -> None:
    if isinstance(exposure_cap, bool) or not isinstance(exposure_cap, int) or exposure_cap < 1:
        errors["exposure_cap"] = "must be a whole number of at least 1"
    if not _is_number(min_score) or not 0 <= min_score < 1:
        errors["min_score"] = "must be a number from 0 up to (not including) 1"


def _check_weights(weights: Weights, errors: dict[str, str]) -> None:
    names = [f.name for f in fields(Weights)]
    valid = True
    for name in names:
        value = getattr(weights, name)
        if not _is_number(value) or value < 0:
            errors[f"weights.{name}"] = "must be a number of at least 0"
            valid = False
    if valid and not any(getattr(weights, name) > 0 for name in names):
        errors["weights"] = "at least one weight must be above 0"


def _parse_weights(data: Any, errors: dict[str, str]) -> Weights:
    if not isinstance(data, Mapping):
        errors["weights"] = "must be an object"
        return Weights()
    names = {f.name for f in fields(Weights)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            errors[f"weights.{key}"] = f"unknown weight (known: {', '.join(sorted(names))})"
        else:
            values[key] = value
    weights = Weights(**values)
    _check_weights(weights, errors)
    return Weights(**{k: float(v) if _is_number(v) else 0.0 for k, v in values.items()})


def _parse_table(data: Any, errors: dict[str, str]) -> dict[tuple[str, str], float]:
    if not isinstance(data, Mapping):
        errors["complementarity"] = 'must be an object of objects, e.g. {"government": {"cooperative": 0.9}}'
        return {}
    entries: list[tuple[Any, Any, Any]] = []
    for a, row in data.items():
        if a not in ORG_TYPES:
            errors[f"complementarity.{a}"] = "unknown organisation type"
        elif not isinstance(row, Mapping):
            errors[f"complementarity.{a}"] = "must be an object"
        else:
            entries.extend((a, b, value) for b, value in row.items())
    return _check_table(entries, errors)


def _check_table(
    entries: Iterable[tuple[Any, Any, Any]], errors: dict[str, str]
) -> dict[tuple[str, str], float]:
    given: dict[tuple[str, str], float] = {}
    for a, b, value in entries:
        path = f"complementarity.{a}.{b}"
        if a not in ORG_TYPES:
            errors[f"complementarity.{a}"] = "unknown organisation type"
        elif b not in ORG_TYPES:
            errors[path] = "unknown organisation type"
        elif not _is_number(value) or not 0 <= value <= 1:
            errors[path] = "must be a number from 0 to 1"
        elif (b, a) in given and given[b, a] != value:
            errors[path] = f"differs from complementarity.{b}.{a} ({given[b, a]}); the table is symmetric"
        else:
            given[a, b] = float(value)
    return given


def org_index(org_types: Iterable[str]) -> list[int]:
    """Column of each organisation type in matrices built from `ORG_TYPES`."""
    position = {name: i for i, name in enumerate(ORG_TYPES)}
    return [position.get(name, position["other"]) for name in org_types]
