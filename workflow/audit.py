"""The hash chain over step records: what is hashed, and how the chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

GENESIS = "0" * 64

# Every stored field of a record except its own hash; changing any of these breaks the chain.
HASHED_FIELDS = (
    "cycle_id",
    "seq",
    "step_number",
    "transition",
    "kind",
    "source_state",
    "target_state",
    "unit_id",
    "actor_id",
    "actor_name",
    "actor_nip",
    "actor_jabatan",
    "pending_since",
    "done_at",
    "working_seconds",
    "standard_amount",
    "standard_unit",
    "due_at",
    "on_time",
    "late_seconds",
    "step_title",
    "input_text",
    "output_text",
    "comment",
    "reason",
    "payload",
    "artefacts",
    "corrects_id",
    "prev_hash",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # Databases keep microseconds in UTC; normalise so a read-back hashes the same.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def record_hash(values: dict[str, Any]) -> str:
    """SHA-256 of a record's fields in canonical JSON (sorted keys, UTC times)."""
    content = {name: _canonical(values[name]) for name in HASHED_FIELDS}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first record (or cycle head) where the chain does not hold."""

    cycle_id: int
    seq: int | None
    record_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"record #{self.record_id} (cycle {self.cycle_id}, seq {self.seq})"
        if self.record_id is None:
            where = f"cycle {self.cycle_id}"
        return f"{where}: {self.problem}"


def check_chain(
    cycle_id: int,
    records: Iterable[dict[str, Any]],
    *,
    head_hash: str,
    record_count: int,
    state: str,
) -> ChainBreak | None:
    """Check one cycle's records (dicts of stored values, in seq order) against the cycle's head."""
    previous, count, last_target = GENESIS, 0, None
    for values in records:
        count += 1
        where = {"cycle_id": cycle_id, "seq": values["seq"], "record_id": values["id"]}
        if values["seq"] != count:
            return ChainBreak(**where, problem=f"expected position {count}: a record is missing")
        if values["prev_hash"] != previous:
            return ChainBreak(**where, problem="does not point to the record before it")
        if record_hash(values) != values["hash"]:
            return ChainBreak(**where, problem="content does not match its hash (altered)")
        previous, last_target = values["hash"], values["target_state"]
    if count != record_count or (head_hash or GENESIS) != previous:
        return ChainBreak(
            cycle_id,
            None,
            None,
            f"head says {record_count} records ending {head_hash[:12] or '-'}, "
            f"chain has {count} ending {previous[:12]}: records were cut off or added",
        )
    if last_target is not None and last_target != state:
        return ChainBreak(
            cycle_id,
            None,
            None,
            f"state {state!r} disagrees with the last record ({last_target!r})",
        )
    return None


def verify_cycle(cycle: Any) -> ChainBreak | None:
    """Check one cycle's stored records against its stored head."""
    return verify_cycles([cycle])


def verify_cycles(cycles: Sequence[Any]) -> ChainBreak | None:
    """Check the chains of several cycles with one read of all their records: the first break,
    in the order of `cycles`, or None. What `verify_cycle` checks, without a query per cycle."""
    from .models import StepRecord

    if not cycles:
        return None
    rows = (
        StepRecord.objects.filter(cycle_id__in=[cycle.pk for cycle in cycles])
        .order_by("cycle_id", "seq")
        .values()
    )
    by_cycle = {
        cycle_id: list(records)
        for cycle_id, records in groupby(rows.iterator(chunk_size=2000), itemgetter("cycle_id"))
    }
    for cycle in cycles:
        problem = check_chain(
            cycle.pk,
            by_cycle.get(cycle.pk, []),
            head_hash=cycle.head_hash,
            record_count=cycle.record_count,
            state=cycle.state,
        )
        if problem:
            return problem
    return None


# --- the files the records vouch for ----------------------------------------------------------
# Workflow stores no files: an app that does (documents) registers, in its AppConfig.ready(), a
# function that lists the stored files of a cycle with the hash of their bytes as found now.


@dataclass(frozen=True)
class StoredFile:
    """A stored file as its owner found it: the hash on its row and the hash of its bytes now."""

    kind: str  # how a record names it: "artefact" or "signed_document"
    pk: int
    name: str
    row_sha256: str
    found_sha256: str | None  # None: the file is missing
    sealed_seq: int | None = None  # the record that sealed it (artefacts), if any


@dataclass(frozen=True)
class FileProblem:
    """A stored file that does not match its row or the record that sealed it."""

    cycle_id: int
    file: StoredFile
    problem: str

    def __str__(self) -> str:
        where = f"cycle {self.cycle_id}, {self.file.kind} #{self.file.pk} ({self.file.name})"
        return f"{where}: {self.problem}"


FileSource = Callable[[int], Iterable[StoredFile]]
_file_sources: list[FileSource] = []


def register_file_source(source: FileSource) -> None:
    """Add a function `source(cycle_id)` listing a cycle's stored files (idempotent)."""
    if source not in _file_sources:
        _file_sources.append(source)


def _sealed_hashes(cycle_id: int) -> dict[tuple[str, int], list[tuple[int, str]]]:
    """What the cycle's records seal: (kind, id) -> [(seq, sha256), ...]."""
    from .models import StepRecord

    sealed: dict[tuple[str, int], list[tuple[int, str]]] = {}
    rows = StepRecord.objects.filter(cycle_id=cycle_id).exclude(artefacts=[])
    for seq, entries in rows.order_by("seq").values_list("seq", "artefacts"):
        for entry in entries or []:
            kind = "signed_document" if entry.get("signed_document") else "artefact"
            sealed.setdefault((kind, entry.get("id")), []).append((seq, entry.get("sha256")))
    return sealed


def check_files(cycle_id: int) -> list[FileProblem]:
    """Rehash every stored file of a cycle against its row and against the records that seal it."""
    sealed = _sealed_hashes(cycle_id)
    problems: list[FileProblem] = []
    for source in _file_sources:
        for stored in source(cycle_id):

            def bad(problem: str, stored: StoredFile = stored) -> None:
                problems.append(FileProblem(cycle_id, stored, problem))

            if stored.found_sha256 is None:
                bad("missing: the stored file is gone")
            elif stored.found_sha256 != stored.row_sha256:
                bad(
                    f"changed: its bytes hash to {stored.found_sha256[:12]}, "
                    f"its row says {stored.row_sha256[:12]}"
                )
            seals = sealed.get((stored.kind, stored.pk), [])
            for seq, sha256 in seals:
                if sha256 != stored.row_sha256:
                    bad(
                        f"its row says {stored.row_sha256[:12]}, record seq {seq} sealed "
                        f"{(sha256 or '-')[:12]}"
                    )
            if stored.sealed_seq is not None and stored.sealed_seq not in {s for s, _ in seals}:
                bad(f"sealed by record seq {stored.sealed_seq}, which does not name it")
    return problems


# --- signed checkpoints of the chain heads ----------------------------------------------------
# A hash chain shows a changed or removed link, not a rewrite of the whole chain by someone who
# can write to the database. A checkpoint writes every cycle's head to a file outside the
# database, signed with the office key: a rewrite before the latest checkpoint then shows; what
# happened after it cannot be proven this way.

CHECKPOINT_FORMAT = "sop-portal-audit-checkpoint/1"


class CheckpointInvalid(Exception):
    """A checkpoint file that cannot be read or whose signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint as read from its file."""

    name: str
    created_at: str
    heads: dict[int, tuple[int, str]]  # cycle id -> (record_count, head_hash)
    digest: str  # SHA-256 of the file's bytes, as printed on the monitoring report


def _office_key():
    """The office's private key and certificate from settings.SIGNING_PKCS12_PATH."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from django.conf import settings

    path = settings.SIGNING_PKCS12_PATH
    passphrase = settings.SIGNING_PKCS12_PASSPHRASE
    try:
        with open(path, "rb") as handle:
            key, cert, _others = pkcs12.load_key_and_certificates(
                handle.read(), passphrase.encode() if passphrase else None
            )
    except (OSError, ValueError) as exc:
        raise CheckpointInvalid(f"the office key {path} cannot be loaded ({exc})") from None
    if key is None or cert is None:
        raise CheckpointInvalid(f"the office key {path} holds no key and certificate")
    return key, cert


def _signed_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _sign(key, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise CheckpointInvalid(f"unsupported office key type {type(key).__name__}")


def _verify(cert, signature: bytes, data: bytes) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise CheckpointInvalid(f"unsupported certificate key {type(public).__name__}")
    except InvalidSignature:
        raise CheckpointInvalid("its signature does not verify with the office key") from None


def current_heads() -> list[dict[str, Any]]:
    """Every cycle's head as stored now, in cycle order."""
    from .models import Cycle

    rows = Cycle.objects.order_by("pk").values_list("pk", "record_count", "head_hash")
    return [
        {"cycle": pk, "record_count": count, "head_hash": head or GENESIS}
        for pk, count, head in rows.iterator(chunk_size=2000)
    ]


def write_checkpoint(directory: Any = None, *, at: datetime | None = None) -> Path:
    """Sign the current heads with the office key and write them to a new file; never overwrite."""
    import base64
    import os

    from cryptography.hazmat.primitives.serialization import Encoding
    from django.conf import settings

    directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    key, cert = _office_key()
    created = (at or datetime.now(UTC)).astimezone(UTC)
    payload = {
        "format": CHECKPOINT_FORMAT,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "heads": current_heads(),
    }
    document = {
        **payload,
        "certificate": base64.b64encode(cert.public_bytes(Encoding.DER)).decode(),
        "signature": base64.b64encode(_sign(key, _signed_bytes(payload))).decode(),
    }
    path = directory / f"checkpoint-{created.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    # O_EXCL: an existing checkpoint is never replaced; read-only once written.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=1, sort_keys=True)
        handle.write("\n")
    return path


def read_checkpoint(path: Path) -> Checkpoint:
    """Read a checkpoint file and verify its signature with the office certificate."""
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        raw = Path(path).read_bytes()
        document = json.loads(raw)
        payload = {name: document[name] for name in ("format", "created_at", "heads")}
        signature = base64.b64decode(document["signature"], validate=True)
        embedded = base64.b64decode(document["certificate"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointInvalid(f"{path}: unreadable ({type(exc).__name__})") from None
    if payload["format"] != CHECKPOINT_FORMAT:
        raise CheckpointInvalid(f"{path}: unknown format {payload['format']!r}")
    _key, office = _office_key()
    # Only the office certificate counts: a certificate carried in the file proves nothing.
    if embedded != office.public_bytes(Encoding.DER):
        raise CheckpointInvalid(f"{path}: not signed with the office certificate")
    try:
        _verify(office, signature, _signed_bytes(payload))
    except CheckpointInvalid as exc:
        raise CheckpointInvalid(f"{path}: {exc}") from None
    heads = {
        int(h["cycle"]): (int(h["record_count"]), str(h["head_hash"])) for h in payload["heads"]
    }
    return Checkpoint(
        name=Path(path).name,
        created_at=payload["created_at"],
        heads=heads,
        digest=hashlib.sha256(raw).hexdigest(),
    )


def checkpoint_files(directory: Any = None) -> list[Path]:
    """The checkpoint files of the directory, oldest first (names sort by time)."""
    from django.conf import settings

    directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)
    if not directory.is_dir():
        return []
    return sorted(directory.glob("checkpoint-*.json"))


def latest_checkpoint(directory: Any = None) -> Checkpoint | None:
    """The newest checkpoint, verified; None when there is none; CheckpointInvalid if bad."""
    files = checkpoint_files(directory)
    return read_checkpoint(files[-1]) if files else None


def check_against_checkpoint(
    checkpoint: Checkpoint, *, only_cycle: int | None = None
) -> list[ChainBreak]:
    """Whether every cycle's records up to the checkpointed count still hash to its head."""
    from .models import Cycle, StepRecord

    breaks = []
    existing = set(Cycle.objects.filter(pk__in=checkpoint.heads).values_list("pk", flat=True))
    for cycle_id, (count, head) in sorted(checkpoint.heads.items()):
        if only_cycle is not None and cycle_id != only_cycle:
            continue
        if cycle_id not in existing:
            breaks.append(ChainBreak(cycle_id, None, None, "cycle removed since the checkpoint"))
            continue
        rows = StepRecord.objects.filter(cycle_id=cycle_id, seq__lte=count).order_by("seq").values()
        previous, seen = GENESIS, 0
        for values in rows.iterator(chunk_size=500):
            seen += 1
            if values["prev_hash"] != previous or record_hash(values) != values["hash"]:
                break
            previous = values["hash"]
        if seen != count or previous != head:
            breaks.append(
                ChainBreak(
                    cycle_id,
                    None,
                    None,
                    f"checkpoint says {count} records ending {head[:12]}, the records up to "
                    f"there end {previous[:12]} ({seen} found): rewritten before the checkpoint",
                )
            )
    return breaks
