"""Content-addressed, deduplicated, encrypted screenshot files: named by the SHA-256 of the plaintext PNG."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from audit.keys import BlobCorrupted, KeyRing


class ScreenshotMissing(Exception):
    """No file holds the screenshot with this hash."""


class ScreenshotMismatch(Exception):
    """A screenshot file decrypted to content whose hash is not its name (or could not be decrypted)."""


_DIGEST = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ScreenshotStore:
    """Screenshots under `root/ab/cd/<sha256>.bin`, AES-GCM encrypted with the hash as associated data."""

    def __init__(self, root: Path, keys: KeyRing) -> None:
        self.root = root
        self.keys = keys
        root.mkdir(parents=True, exist_ok=True)

    def path_of(self, digest: str) -> Path:
        if not _DIGEST.fullmatch(digest):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / digest[:2] / digest[2:4] / f"{digest}.bin"

    def put(self, png: bytes) -> str:
        """Store `png` once (a second identical screenshot costs a hash and a stat) and return its hash."""
        digest = sha256_hex(png)
        self.put_hashed(digest, png)
        return digest

    def put_hashed(self, digest: str, png: bytes) -> None:
        """`put` for a caller that has just hashed `png` itself (`digest` must be its SHA-256)."""
        path = self.path_of(digest)
        if not path.exists():
            self._write_atomically(path, self.keys.encrypt(png, digest.encode("ascii")))

    def get(self, digest: str) -> bytes:
        """The plaintext PNG, checked against its hash; raises ScreenshotMissing or ScreenshotMismatch."""
        path = self.path_of(digest)
        try:
            blob = path.read_bytes()
        except FileNotFoundError as error:
            raise ScreenshotMissing(f"screenshot {digest[:16]} is missing") from error
        try:
            png = self.keys.decrypt(blob, digest.encode("ascii"))
        except BlobCorrupted as error:
            raise ScreenshotMismatch(f"screenshot {digest[:16]}: {error}") from error
        if sha256_hex(png) != digest:
            raise ScreenshotMismatch(f"screenshot {digest[:16]} does not hash to its name")
        return png

    def delete(self, digest: str) -> bool:
        try:
            self.path_of(digest).unlink()
        except FileNotFoundError:
            return False
        return True

    def all_digests(self) -> list[str]:
        return sorted(path.stem for path in self.root.glob("??/??/*.bin"))

    def reencrypt(self, digest: str) -> bool:
        """Re-encrypt one blob under the newest key; False when it already is."""
        path = self.path_of(digest)
        blob = path.read_bytes()
        if self.keys.key_id_of(blob) == self.keys.newest.key_id:
            return False
        png = self.get(digest)
        self._write_atomically(path, self.keys.encrypt(png, digest.encode("ascii")))
        return True

    @staticmethod
    def _write_atomically(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{id(data)}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
