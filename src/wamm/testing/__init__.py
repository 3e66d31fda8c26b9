"""Test helpers for suites that run against wamm (also used by wamm's own tests)."""
