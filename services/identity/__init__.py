"""Identity: real-name verification before approval, enrollment on site for workers without a
smartphone, and the non-face path.

- ``verification.py``: WeChat 人脸核身 or the labour manager's check of the physical card; what counts.
- ``photos.py``: ID-card and paper-form photos, checked and encrypted bound to their row.
- ``onsite.py``: the labour manager enrolls a worker in person, records paper consents, makes claim codes.
- ``claims.py``: the worker binds their own WeChat with a claim code.
- ``paths.py``: the face path or the non-face path, for approval, the gate and the worker's app.
"""
