"""Ed25519 signatures in minisign's format, so anyone can check a copy with the standard tool:

    minisign -Vm SHA256SUMS -P <public key>

The formats, as minisign writes them (jedisct1/minisign, src/minisign.c and minisign.h):

- public key: ``untrusted comment: minisign public key <KEY ID>`` and
  base64("Ed" || key id (8 bytes) || Ed25519 public key (32 bytes));
- secret key: an untrusted comment and base64("Ed" || kdf "\\0\\0" (not encrypted) || "B2" ||
  salt (32) || opslimit (8) || memlimit (8) || key id (8) || secret key (64: seed and public key) ||
  BLAKE2b-256 checksum (32) of "Ed", key id and secret key), as ``minisign -G -W`` writes it;
- signature: an untrusted comment; base64("ED" || key id || Ed25519 signature of the file's
  BLAKE2b-512 hash); ``trusted comment: …``; base64(Ed25519 signature of that signature followed
  by the trusted comment), so the trusted comment cannot be changed either.

The key id is shown as minisign shows it: the 8 bytes read as a little-endian number, in hex.
The cryptography comes from the ``cryptography`` package; this module only lays out bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIG_ALG = b"Ed"
SIG_ALG_PREHASHED = b"ED"
KDF_NONE = b"\0\0"
KDF_SCRYPT = b"Sc"
CHK_ALG = b"B2"
UNTRUSTED = "untrusted comment: "
TRUSTED = "trusted comment: "
KEY_ID_BYTES = 8
SECRET_KEY_BYTES = 2 + 2 + 2 + 32 + 8 + 8 + KEY_ID_BYTES + 64 + 32


class SigningError(ValueError):
    """A key or signature that cannot be read or does not match; the message says which and why."""


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    key: bytes

    @property
    def id_hex(self) -> str:
        return self.key_id[::-1].hex().upper()

    @property
    def text(self) -> str:
        """The one line readers compare and ``minisign -P`` takes."""
        return base64.b64encode(SIG_ALG + self.key_id + self.key).decode()

    @property
    def file_text(self) -> str:
        return f"{UNTRUSTED}minisign public key {self.id_hex}\n{self.text}\n"


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes
    seed: bytes

    @property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.key_id, self._private.public_key().public_bytes_raw())

    def sign_raw(self, data: bytes) -> bytes:
        return self._private.sign(data)

    @property
    def file_text(self) -> str:
        body = SIG_ALG + self.key_id + self.seed + self.public_key.key
        checksum = hashlib.blake2b(body, digest_size=32).digest()
        data = (
            SIG_ALG + KDF_NONE + CHK_ALG + bytes(32 + 8 + 8) + self.key_id + self.seed + self.public_key.key + checksum
        )
        return (
            f"{UNTRUSTED}minisign secret key, not encrypted: keep this file private\n"
            f"{base64.b64encode(data).decode()}\n"
        )


def generate() -> SecretKey:
    return SecretKey(secrets.token_bytes(KEY_ID_BYTES), Ed25519PrivateKey.generate().private_bytes_raw())


def _decode(line: str, size: int, what: str) -> bytes:
    try:
        data = base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if len(data) != size:
        raise SigningError(f"not a minisign {what}")
    return data


def read_public_key(text: str) -> PublicKey:
    """A public key: the base64 line alone, or a whole .pub file (comment line and key line)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) == 2 and lines[0].startswith(UNTRUSTED):
        lines = lines[1:]
    if len(lines) != 1:
        raise SigningError("not a minisign public key (expected one line of base64, as minisign.pub has)")
    data = _decode(lines[0], 2 + KEY_ID_BYTES + 32, "public key (expected one line of base64, as minisign.pub has)")
    if data[:2] != SIG_ALG:
        raise SigningError("not an Ed25519 minisign public key")
    return PublicKey(data[2 : 2 + KEY_ID_BYTES], data[2 + KEY_ID_BYTES :])


def read_secret_key(text: str) -> SecretKey:
    lines = text.splitlines()
    if len(lines) < 2 or not lines[0].startswith(UNTRUSTED):
        raise SigningError("not a minisign secret key file (an untrusted comment line, then the key)")
    data = _decode(lines[1], SECRET_KEY_BYTES, "secret key")
    sig_alg, kdf_alg, chk_alg = data[0:2], data[2:4], data[4:6]
    if sig_alg != SIG_ALG or chk_alg != CHK_ALG:
        raise SigningError("not an Ed25519 minisign secret key")
    if kdf_alg == KDF_SCRYPT:
        raise SigningError(
            "the key is protected by a password; this tool reads only keys without one "
            "(made by 'flask --app app mirror keygen' or 'minisign -G -W')"
        )
    if kdf_alg != KDF_NONE:
        raise SigningError("unknown key protection in the minisign secret key")
    start = 6 + 32 + 8 + 8
    key_id = data[start : start + KEY_ID_BYTES]
    secret = data[start + KEY_ID_BYTES : start + KEY_ID_BYTES + 64]
    checksum = data[start + KEY_ID_BYTES + 64 :]
    # minisign -W leaves the checksum of an unencrypted key empty (zeros); ours fills it in.
    if checksum != bytes(32) and checksum != hashlib.blake2b(SIG_ALG + key_id + secret, digest_size=32).digest():
        raise SigningError("the secret key is damaged (its checksum does not match)")
    key = SecretKey(key_id, secret[:32])
    if key.public_key.key != secret[32:]:
        raise SigningError("the secret key is damaged (its two halves do not belong together)")
    return key


def sign(key: SecretKey, message: bytes, trusted_comment: str) -> str:
    """The .minisig text for ``message``: prehashed, as minisign signs by default."""
    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise SigningError("the trusted comment must be one line")
    signature = key.sign_raw(hashlib.blake2b(message).digest())
    global_signature = key.sign_raw(signature + trusted_comment.encode())
    return (
        f"{UNTRUSTED}signature from minisign secret key\n"
        f"{base64.b64encode(SIG_ALG_PREHASHED + key.key_id + signature).decode()}\n"
        f"{TRUSTED}{trusted_comment}\n"
        f"{base64.b64encode(global_signature).decode()}\n"
    )


def verify(public_key: PublicKey, message: bytes, signature_text: str) -> str:
    """Check a .minisig as ``minisign -V`` does; return the trusted comment, or raise SigningError."""
    lines = signature_text.splitlines()
    if len(lines) < 4 or not lines[0].startswith(UNTRUSTED) or not lines[2].startswith(TRUSTED):
        raise SigningError("not a minisign signature (four lines: comment, signature, trusted comment, signature)")
    data = _decode(lines[1], 2 + KEY_ID_BYTES + 64, "signature")
    global_signature = _decode(lines[3], 64, "signature (the last line)")
    sig_alg, key_id, signature = data[:2], data[2 : 2 + KEY_ID_BYTES], data[2 + KEY_ID_BYTES :]
    if sig_alg == SIG_ALG_PREHASHED:
        signed = hashlib.blake2b(message).digest()
    elif sig_alg == SIG_ALG:
        signed = message
    else:
        raise SigningError("unknown signature algorithm")
    if key_id != public_key.key_id:
        raise SigningError(f"signed with key {key_id[::-1].hex().upper()}, not with {public_key.id_hex}")
    trusted_comment = lines[2][len(TRUSTED) :]
    verifier = Ed25519PublicKey.from_public_bytes(public_key.key)
    try:
        verifier.verify(signature, signed)
    except InvalidSignature:
        raise SigningError(
            "the signature does not match the file: the file was changed, or signed with another key"
        ) from None
    try:
        verifier.verify(global_signature, signature + trusted_comment.encode())
    except InvalidSignature:
        raise SigningError("the trusted comment was changed after signing") from None
    return trusted_comment


def configured_public_key(config) -> PublicKey | None:
    """TIREK_SIGNING_PUBLIC_KEY, read once at start-up; a bad value stops the app with a clear line."""
    value = config.get("SIGNING_PUBLIC_KEY")
    if not value:
        return None
    try:
        return read_public_key(str(value))
    except SigningError as error:
        # A SystemExit, so that flask run and gunicorn print this line instead of a traceback.
        raise SystemExit(
            f"TIREK_SIGNING_PUBLIC_KEY: {error}; set it to the line of base64 that "
            "'flask --app app mirror keygen' printed"
        ) from None
