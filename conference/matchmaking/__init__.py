"""Pure matchmaking core: recommendations, speed-networking pairs, roundtable seating."""
