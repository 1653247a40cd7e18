"""The load driver: GETs from client threads, one keep-alive connection each; latency figures."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from bench.harness import HOST, REQUEST_TIMEOUT_S, percentile

MAX_ERROR_SAMPLES = 5


@dataclass
class Result:
    target: str
    requests: int
    errors: int
    seconds: float
    req_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    client_cpu_s: float = 0.0  # CPU the bench process itself used; near `seconds` means client-bound
    aborted: bool = False
    error_samples: list[str] = field(default_factory=list)


class _Counter:
    def __init__(self, limit: int) -> None:
        self._next = 0
        self._limit = limit
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._next >= self._limit:
                return False
            self._next += 1
            return True


def percentile_ms(seconds: list[float], pct: float) -> float | None:
    value = percentile(seconds, pct)
    return None if value is None else round(value * 1000, 2)


def drive(port: int, path: str, headers: Mapping[str, str], total: int, concurrency: int,
          deadline: float, stop: threading.Event) -> Result:
    """``total`` GETs from ``concurrency`` threads, one keep-alive connection each, until done, the
    deadline, or ``stop`` (set when the run is interrupted)."""
    counter = _Counter(total)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    samples: list[str] = []
    hdrs = dict(headers)

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        my_errors = 0
        my_samples: list[str] = []
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        try:
            while not stop.is_set() and time.monotonic() < deadline and counter.take():
                t0 = time.perf_counter()
                problem: str | None = None
                try:
                    conn.request("GET", path, headers=hdrs)
                    resp = conn.getresponse()
                    body = resp.read()
                    if resp.status != 200:
                        problem = f"HTTP {resp.status}: {body[:200]!r}"
                except (OSError, http.client.HTTPException) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                    conn.close()  # the next request reconnects
                mine.append(time.perf_counter() - t0)
                if problem is not None:
                    my_errors += 1
                    if len(my_samples) < MAX_ERROR_SAMPLES and problem not in my_samples:
                        my_samples.append(problem)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                errors += my_errors
                for sample in my_samples:
                    if sample not in samples and len(samples) < MAX_ERROR_SAMPLES:
                        samples.append(sample)

    threads = [threading.Thread(target=worker, name=f"bench-{i}", daemon=True) for i in range(concurrency)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    latencies.sort()
    done = len(latencies)
    return Result(
        target=f"GET {path}", requests=done, errors=errors, seconds=round(seconds, 3),
        req_per_s=round(done / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=percentile_ms(latencies, 50), p99_ms=percentile_ms(latencies, 99),
        client_cpu_s=round(cpu, 3), aborted=done < total, error_samples=samples,
    )
