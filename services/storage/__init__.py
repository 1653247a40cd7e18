"""Where large objects live: one interface (``put``, ``get``, ``delete``, ``exists``,
``signed_url``), a folder or an S3 bucket behind it, chosen by settings.

Only this package knows which backend runs. Areas store through ``services.storage.objects``
(encrypted before the bytes leave the app, a ``stored_objects`` row per object), never through
a backend directly.
"""
