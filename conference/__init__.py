"""A virtual conference and networking platform."""
