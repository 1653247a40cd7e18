"""Face and liveness checks (issue #4): engine (pure), challenge rules, DB services."""
