"""Pure matchmaking core: recommendations, speed-networking pairs, roundtable seating.

Entry points, all on plain data (no database, no HTTP):
`scoring.recommend` / `scoring.MatchIndex` (lists with reasons), `settings.MatchSettings`
(organiser JSON), `pairing.pair_round`, `seating.seat`, and `population.demo_profiles`.
"""
