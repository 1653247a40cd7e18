"""Face and liveness checks: one module per job.

engine (pure analysis) / challenge (active liveness rules) / decision (pure verdict) /
checks (request use cases) / job (the job body) / retention / handover (results to other areas) /
settings, runtime (the process's engine) / reasons (codes and messages) / weights (offline models).
"""
