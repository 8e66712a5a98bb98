"""A counting SMTP sink for the delivery benchmark, run in a process of its own."""

import re
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingSink:
    """aiosmtpd handler writing one line per message: arrival time and Message-ID."""

    def __init__(self, log_path: Path):
        self.log = log_path.open("a", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content or envelope.content)
        message_id = found.group(1).decode() if found else "-"
        self.log.write(f"{time.perf_counter():.6f} {message_id}\n")
        return "250 Message accepted for delivery"


def read_log(log_path: Path) -> list[tuple[float, str]]:
    """Return (arrival time, Message-ID) of every message the sink received."""
    if not log_path.exists():
        return []
    return [(float(moment), message_id) for moment, message_id in
            (line.split(" ", 1) for line in log_path.read_text().splitlines() if line)]


if __name__ == "__main__":
    controller = Controller(CountingSink(Path(sys.argv[2])), hostname="127.0.0.1",
                            port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    controller.stop()
