"""The plain data the matchmaking core works on: vocabularies and `MatchProfile`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

ORG_TYPES: tuple[str, ...] = (
    "cooperative",
    "social_enterprise",
    "association",
    "foundation",
    "government",
    "international_org",
    "research",
    "funder",
    "network",
    "business",
    "other",
)

INTENTS: tuple[str, ...] = (
    "funding",
    "partnership",
    "expertise",
    "policy_dialogue",
    "research_collab",
    "market_access",
    "peer_learning",
    "visibility",
    "data_evidence",
    "mentoring",
)

INTENT_LABELS: dict[str, str] = {
    "funding": "funding",
    "partnership": "partnership",
    "expertise": "expertise",
    "policy_dialogue": "policy dialogue",
    "research_collab": "research collaboration",
    "market_access": "market access",
    "peer_learning": "peer learning",
    "visibility": "visibility",
    "data_evidence": "data and evidence",
    "mentoring": "mentoring",
}


def _frozen(values: Iterable[Any] | None) -> frozenset[Any]:
    return frozenset(values or ())


@dataclass(frozen=True, slots=True)
class MatchProfile:
    """What matchmaking needs to know about one person; every collection is a frozenset.

    `org_type` outside `ORG_TYPES` counts as "other"; intents outside `INTENTS` and theme slugs
    outside the index's theme list are ignored. `free_slots` holds indexes of the networking slots
    the person has free (empty: unknown). `listed=False` people get recommendations but are never
    recommended to others.
    """

    id: int
    name: str = ""
    org_type: str = "other"
    country: str = ""
    themes: frozenset[str] = field(default_factory=frozenset)
    offers: frozenset[str] = field(default_factory=frozenset)
    seeks: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)
    free_slots: frozenset[int] = field(default_factory=frozenset)
    listed: bool = True

    def __post_init__(self) -> None:
        # Callers pass lists straight from JSON; freezing them keeps profiles hashable and safe to share.
        for name in ("themes", "offers", "seeks", "languages", "free_slots"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, _frozen(value))
        if self.org_type not in ORG_TYPES:
            object.__setattr__(self, "org_type", "other")
        object.__setattr__(self, "country", (self.country or "").upper())
        object.__setattr__(self, "languages", frozenset(lang.lower() for lang in self.languages))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from the SPEC's Profile shape (extra keys such as `bio` are ignored)."""
        return cls(
            id=int(data["id"]),
            name=str(data.get("name") or ""),
            org_type=str(data.get("org_type") or "other"),
            country=str(data.get("country") or ""),
            themes=_frozen(data.get("themes")),
            offers=_frozen(data.get("offers")),
            seeks=_frozen(data.get("seeks")),
            languages=_frozen(data.get("languages")),
            free_slots=_frozen(data.get("free_slots")),
            listed=bool(data.get("listed", True)),
        )
