"""Enrollment: the real-name profile, review, safety training and the entry gate."""
