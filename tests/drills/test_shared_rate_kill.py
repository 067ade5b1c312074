"""Drill: one of two processes sending one account is killed (SIGKILL) mid-delivery.

The other delivers the rest: what the dead one held goes back in the queue once it is
gone, its unused send times simply lapse (a short gap, never two requests in one), and
the account's rate is never passed at the receiver.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.delivery.test_shared_rate import ACCOUNT, add_account, flush, queue
from tests.drills.tools import database, states
from tests.helpers.servers import limited_regal

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]

#: Workers of one sender: the most requests the killed one can have on the wire.
WORKERS = 24


def test_the_other_sender_delivers_what_a_killed_one_left(tmp_path: Path) -> None:
    with limited_regal(limit=100) as receiver:
        add_account(receiver.url, 100)
        bodies = queue(receiver.url, 600)
        doomed, survivor = flush(tmp_path / "doomed.err"), flush(tmp_path / "survivor.err")
        deadline = time.monotonic() + 60
        while receiver.count() < 200:
            assert doomed.poll() is None, "the first sender ended early"
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.01)
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=10) == -signal.SIGKILL
        assert survivor.wait(timeout=120) == 0, (tmp_path / "survivor.err").read_text()

        arrived = Counter(receiver.bodies)
        duplicates = sum(arrived.values()) - len(bodies)
        print(
            f"DRILL shared-rate-kill ({ACCOUNT}): sent {len(bodies)}, arrived "
            f"{sum(arrived.values())} (distinct {len(arrived)}), lost "
            f"{len(set(bodies) - set(arrived))}, duplicates {duplicates} (bound {WORKERS}), "
            f"busiest second {receiver.busiest_second()} (limit 100)"
        )
        assert set(arrived) == set(bodies)
        assert duplicates <= WORKERS  # only what was on the wire when it died
        assert receiver.throttled == 0
        assert receiver.busiest_second() <= 100
    assert states(database()) == {"delivered": len(bodies)}
