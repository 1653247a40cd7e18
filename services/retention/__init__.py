"""Retention by record type, tied to the project: what is kept, how long, on which legal basis.

- ``policy.py``: the one table (record type, period, from when, legal basis, what happens); docs/retention.md
  shows the same table and a test keeps the two equal.
- ``due.py``: which rows are due when (a pure reading of the database).
- ``job.py``: the daily job that deletes what is due (audited) and the report ``flask retention report`` prints.
"""
