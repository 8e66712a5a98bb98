"""One outbox worker process for the benchmark: send every due email, then exit.

Its last line is its own peak memory (`peak_rss_kib N`): VmHWM of this program, read from
/proc. The rusage a parent gets from wait4 would not do: Linux carries the high-water mark
over fork and exec, so it reports the (large) benchmark process that started the worker.
"""

import resource
import sys
from pathlib import Path

from portal import create_app
from portal.messaging.worker import drain


def peak_rss_kib() -> int:
    """Return this program's peak resident memory in KiB (getrusage where /proc is missing)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        report = drain(batch_size=int(sys.argv[1]) if len(sys.argv) > 1 else 200)
        print(f"sent {report.sent} retried {report.retried} failed {report.failed}", flush=True)
    print(f"peak_rss_kib {peak_rss_kib()}", flush=True)
