"""Is this selfie the enrolled worker? Distances between 128-d descriptors, and the decision.

The metric and threshold were chosen on all shared pairs (web + LFW, clean and degraded):
zero false accepts with a margin to the nearest impostor, then the fewest false rejects.
bench/README.md has the ROC of each candidate metric and the reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

METRICS = ("euclidean", "cosine", "euclidean_l2")


def distance(a: np.ndarray, b: np.ndarray, metric: str = "euclidean") -> float:
    """``euclidean``: dlib's own; ``cosine``: 1 - cos; ``euclidean_l2``: euclidean of unit vectors.

    ``euclidean_l2`` equals sqrt(2 * cosine), so those two rank pairs identically and differ
    only in the scale of the threshold.
    """
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if metric == "euclidean":
        return float(np.linalg.norm(x - y))
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        return float("inf")
    if metric == "cosine":
        return float(1.0 - x @ y / (nx * ny))
    if metric == "euclidean_l2":
        return float(np.linalg.norm(x / nx - y / ny))
    raise ValueError(f"unknown metric {metric!r}")


@dataclass(frozen=True)
class MatchResult:
    matched: bool
    distance: float  # to the closest template
    threshold: float
    template_index: int  # which template was closest


def match_templates(
    embedding: np.ndarray, templates: Sequence[np.ndarray], threshold: float, metric: str = "euclidean"
) -> MatchResult:
    """A selfie matches a worker when it is close enough to any of their templates (the closest)."""
    if not len(templates):
        raise ValueError("no templates to match against")
    distances = [distance(embedding, t, metric) for t in templates]
    best = int(np.argmin(distances))
    return MatchResult(
        matched=distances[best] <= threshold,
        distance=distances[best],
        threshold=threshold,
        template_index=best,
    )
