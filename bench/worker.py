"""One outbox worker process for the benchmark: send every due email, then exit."""

import sys

from portal import create_app
from portal.messaging.worker import drain

if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        report = drain(batch_size=int(sys.argv[1]) if len(sys.argv) > 1 else 200)
        print(f"sent {report.sent} retried {report.retried} failed {report.failed}", flush=True)
