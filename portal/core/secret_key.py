"""The session signing key of a deployment that sets no SECRET_KEY: random, kept in instance/."""

import os
import secrets
from pathlib import Path

KEY_FILE = "secret_key"


def load_or_create_secret_key(instance_path: str) -> str:
    """Return the key stored in instance_path, creating it (mode 0600) on the first start.

    The key is written to a private temporary file and linked into place, so concurrent
    first starts of several processes agree on one complete key.
    """
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        write_private_file(path, secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key: delete it to generate a new one.")
    return key


def write_private_file(path: Path, text: str) -> None:
    """Create `path` (mode 0600) holding `text`, unless another process created it first."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process created it first
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
