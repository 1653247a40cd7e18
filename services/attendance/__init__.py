"""Attendance: clocks (selfie + GPS, or witnessed by the leader), anti-fraud flags, business days,
the leader's confirmation, disputes and the monthly sheet.

Modules: ``clocks`` (record and decide a clock; the face hand-over), ``geofence``, ``fraud``
(flags), ``days`` (aggregation into business days), ``confirmation``, ``disputes``, ``locks``
(payroll's month lock), ``export`` (xlsx), ``sweeper`` (what waits when Redis was down).
"""
