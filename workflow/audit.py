"""The hash chain over step records: what is hashed, and how the chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
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
    """Check one cycle's stored records against its stored head (reads the records in chunks)."""
    from .models import StepRecord

    rows = StepRecord.objects.filter(cycle_id=cycle.pk).order_by("seq").values()
    return check_chain(
        cycle.pk,
        rows.iterator(chunk_size=500),
        head_hash=cycle.head_hash,
        record_count=cycle.record_count,
        state=cycle.state,
    )
