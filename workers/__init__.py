"""RQ job functions (thin wrappers around services) and the worker class that runs them."""
