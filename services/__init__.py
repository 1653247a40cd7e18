"""Business rules. No Flask request objects here: functions take ids and plain data,
flush (never commit) and raise DomainError subclasses."""
