"""The benchmark's risk recompute in a process of its own, so its peak memory is its own.

Usage: python -m bench.recompute DATABASE_URL. Prints one JSON line: measure_risk()'s
figures and `peak_rss_mb` (VmHWM of this process: the floor's rows and the recompute's).
"""

import json
import subprocess
import sys

from bench.delivery import ROOT
from bench.district import make_app, measure_risk
from bench.worker import peak_rss_kib


def measure_risk_apart(database_url: str) -> dict:
    """Run this module on the database and return what it printed."""
    finished = subprocess.run([sys.executable, "-m", "bench.recompute", database_url],
                              cwd=ROOT, capture_output=True, text=True)
    if finished.returncode:
        raise RuntimeError(f"the risk recompute failed:\n{finished.stderr}")
    return json.loads(finished.stdout.splitlines()[-1])


if __name__ == "__main__":
    with make_app(sys.argv[1]).app_context():
        figures = measure_risk()
    print(json.dumps({**figures, "peak_rss_mb": round(peak_rss_kib() / 1024, 1)}), flush=True)
