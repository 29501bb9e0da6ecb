"""The benchmark charges each spill sample to the dbt nodes running at the time: it follows
dbt's START and result lines, which come out of order when two threads run."""

from __future__ import annotations

from audiences.benchmark import track_running

ROLLUP = "intermediate.int_identity_hours_aggregated"
DELETED = "intermediate.int_persons_deleted"
LINES = [
    f"13:56:47  219 of 582 START sql incremental model {ROLLUP}  [RUN]",
    # the console's padding, as the benchmark reads it
    f"13:56:48  220 of 582 START sql table model {DELETED} .................. [RUN]",
    f"13:56:50  220 of 582 OK created sql table model {DELETED}  [OK in 2.50s]",
    "13:56:51  254 of 582 START test not_null_dim_persons_person_id ......... [RUN]",
    f"13:56:57  219 of 582 OK created sql incremental model {ROLLUP}  [OK in 9.12s]",
    "13:56:58  254 of 582 FAIL 3 not_null_dim_persons_person_id  [FAIL 3 in 0.30s]",
]


def test_running_nodes_follow_starts_and_results_out_of_order() -> None:
    running: dict[int, str] = {}
    seen = []
    for line in LINES:
        track_running(line, running)
        seen.append(sorted(running.values()))
    assert seen == [
        [ROLLUP],
        [ROLLUP, DELETED],
        [ROLLUP],
        [ROLLUP, "not_null_dim_persons_person_id"],
        ["not_null_dim_persons_person_id"],
        [],
    ]
