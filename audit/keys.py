"""Encryption keys for screenshots at rest: a ring of AES-256-GCM keys with ids, the newest used for new writes.

Key material comes from an environment variable or a key file, in the same format: entries `KEY_ID BASE64`
(or `KEY_ID:BASE64`), one per line or separated by commas, oldest first. Old keys stay so old blobs stay readable;
`retrofhir audit rotate` re-encrypts every blob under the newest key, after which old keys may be removed.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RFA1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AuditKeyError(Exception):
    """Base for key problems; messages name key ids and files, never key material."""


class NoAuditKey(AuditKeyError):
    """No key is configured, so screenshots cannot be stored or read."""


class UnknownKeyId(AuditKeyError):
    """A blob was encrypted under a key id the ring no longer has."""


class BlobCorrupted(AuditKeyError):
    """A blob is not in the expected format or failed authentication (altered or wrong key)."""


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    material: bytes


def parse_keys(text: str, origin: str) -> list[AuditKey]:
    """Parse `KEY_ID BASE64` entries (newlines or commas between them); raises AuditKeyError naming `origin`."""
    keys: list[AuditKey] = []
    for number, raw in enumerate(re.split(r"[\n,]", text), start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        parts = re.split(r"[\s:]+", entry, maxsplit=1)
        if len(parts) != 2 or not _KEY_ID_PATTERN.match(parts[0]):
            raise AuditKeyError(f"{origin}: entry {number} is not 'KEY_ID BASE64'")
        try:
            material = base64.b64decode(parts[1], validate=True)
        except binascii.Error as error:
            raise AuditKeyError(f"{origin}: key {parts[0]} is not valid base64") from error
        if len(material) != KEY_BYTES:
            raise AuditKeyError(f"{origin}: key {parts[0]} must be {KEY_BYTES} bytes, not {len(material)}")
        keys.append(AuditKey(parts[0], material))
    return keys


class KeyRing:
    """Every key that may have encrypted a blob; encrypts with the newest, decrypts with the one a blob names."""

    def __init__(self, keys: list[AuditKey]) -> None:
        if not keys:
            raise NoAuditKey("no audit key configured: run `retrofhir audit keygen` or set the key variable")
        self._keys = {key.key_id: key for key in keys}
        if len(self._keys) != len(keys):
            raise AuditKeyError("duplicate audit key id")
        self.newest = keys[-1]
        self._ciphers = {key.key_id: AESGCM(key.material) for key in keys}

    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    @classmethod
    def load(cls, key_file: Path, key_env: str) -> KeyRing:
        """Keys from the environment variable `key_env` if set, else from `key_file`."""
        from_env = os.environ.get(key_env, "").strip()
        if from_env:
            return cls(parse_keys(from_env, f"${key_env}"))
        if not key_file.exists():
            raise NoAuditKey(f"no audit key: {key_file} does not exist and ${key_env} is not set")
        return cls(parse_keys(key_file.read_text(encoding="ascii"), str(key_file)))

    def encrypt(self, plaintext: bytes, associated: bytes) -> bytes:
        """MAGIC | key id length | key id | nonce | ciphertext+tag; the header and `associated` are authenticated."""
        key_id = self.newest.key_id.encode("ascii")
        header = MAGIC + struct.pack("B", len(key_id)) + key_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        return header + nonce + self._ciphers[self.newest.key_id].encrypt(nonce, plaintext, header + associated)

    def decrypt(self, blob: bytes, associated: bytes) -> bytes:
        key_id, header, body = self._split(blob)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKeyId(f"blob encrypted under unknown key id {key_id!r}")
        try:
            return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], header + associated)
        except InvalidTag as error:
            raise BlobCorrupted("blob failed authentication (altered, or not the content it is filed as)") from error

    def key_id_of(self, blob: bytes) -> str:
        return self._split(blob)[0]

    @staticmethod
    def _split(blob: bytes) -> tuple[str, bytes, bytes]:
        if len(blob) < len(MAGIC) + 1 or not blob.startswith(MAGIC):
            raise BlobCorrupted("blob does not start with the audit blob header")
        length = blob[len(MAGIC)]
        header_end = len(MAGIC) + 1 + length
        if len(blob) < header_end + NONCE_BYTES + 16:
            raise BlobCorrupted("blob is truncated")
        try:
            key_id = blob[len(MAGIC) + 1 : header_end].decode("ascii")
        except UnicodeDecodeError as error:
            raise BlobCorrupted("blob key id is not ASCII") from error
        return key_id, blob[:header_end], blob[header_end:]


def new_key_entry(key_id: str) -> str:
    """A fresh random key as one key-file line."""
    if not _KEY_ID_PATTERN.match(key_id):
        raise AuditKeyError("key id must be 1-64 characters of letters, digits, '.', '_' or '-'")
    return f"{key_id} {base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode('ascii')}"


def append_new_key(key_file: Path, key_id: str) -> None:
    """Add a new newest key to `key_file`, creating it readable by its owner only."""
    existing = parse_keys(key_file.read_text(encoding="ascii"), str(key_file)) if key_file.exists() else []
    if any(key.key_id == key_id for key in existing):
        raise AuditKeyError(f"{key_file}: key id {key_id} already exists")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="ascii") as handle:
        handle.write(new_key_entry(key_id) + "\n")
