"""Development helpers that ship with the project (used by the demo and the tests)."""
