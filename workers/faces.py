"""RQ job functions of the face area: they own the transactions, the rules live in services.faces."""

from __future__ import annotations

from models import db
from services.faces import job
from services.faces.runtime import face_engine


def face_check_job(check_id: int) -> str:
    """Run one face check (queue ``face``). Safe to run twice: the result is written once."""
    if not job.begin_attempt(check_id):
        db.session.rollback()
        return job.check_status(check_id)
    db.session.commit()  # the attempt counts even if this process dies inside the models
    engine = face_engine()
    attempt = job.load_attempt(check_id, engine)
    db.session.rollback()  # only read: no lock held while the models run (SQLite locks on BEGIN)
    status = job.write_result(attempt, job.decide_attempt(attempt, engine), engine)
    if status is None:
        db.session.rollback()  # another delivery of this job wrote the result first
        return job.check_status(check_id)
    db.session.commit()
    return status
