"""Persistence: the engine, the tables and the migrations."""
