"""A local SMTP server for developers: every email it receives is saved as a .eml file."""

import time
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToFolder:
    """aiosmtpd handler that writes each received message to a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-{self.count:04d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        print(f"mail-sink: {', '.join(envelope.rcpt_tos)} -> {path}", flush=True)
        return "250 Message accepted for delivery"


def run_mail_sink(*, folder: Path, host: str, port: int) -> None:
    """Serve SMTP on host:port until interrupted, saving messages in folder."""
    controller = Controller(SaveToFolder(folder), hostname=host, port=port)
    controller.start()
    print(f"mail-sink: listening on {host}:{port}, saving emails in {folder}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
