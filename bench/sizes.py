"""Dataset sizes for the benchmark. `full` is the brief's figure; `small` is a tenth of it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    courses: int
    learners: int
    attempts: int
    certificates: int
    # Seconds per wrk run; DESIGN.md section 6 asks for 15 s runs, the smaller sizes use less
    # so that the whole bench stays within a few minutes on 2 cores.
    run_seconds: int
    modules_per_course: int = 12
    enrollments_per_learner: int = 3


SIZES = {
    # For tests/bench only: seeds in a few seconds.
    "tiny": Size("tiny", courses=2, learners=12, attempts=120, certificates=6, run_seconds=2),
    "small": Size(
        "small", courses=20, learners=1_000, attempts=20_000, certificates=2_000, run_seconds=5
    ),
    "medium": Size(
        "medium",
        courses=20,
        learners=5_000,
        attempts=100_000,
        certificates=10_000,
        run_seconds=10,
    ),
    "full": Size(
        "full",
        courses=20,
        learners=10_000,
        attempts=200_000,
        certificates=20_000,
        run_seconds=15,
    ),
}
