#!/usr/bin/env bash
# Upgrade check: a PostgreSQL database made and filled by an earlier release (demo cycles in flight,
# a signed checkpoint) migrates to this tree, its audit still passes, and the cycle at step 5 with
# two unit reports goes on to step 6. Usage: scripts/check-upgrade.sh OLD_COMMIT DATABASE_URL
set -euo pipefail
cd "$(dirname "$0")/.."
old_commit=$1
export DATABASE_URL=$2 DJANGO_DEBUG=1
py="$PWD/.venv/bin/python"
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export DJANGO_MEDIA_ROOT="$work/media" SIGNING_PKCS12_PATH="$work/signer.p12" \
  AUDIT_CHECKPOINT_DIR="$work/checkpoints"

git worktree add -q --detach "$work/old" "$old_commit"
ln -s "$PWD/node_modules" "$work/old/node_modules"
(
  cd "$work/old"
  "$py" manage.py migrate --noinput -v0
  "$py" manage.py create_signing_cert >/dev/null
  "$py" manage.py seed_demo >/dev/null 2>&1
  "$py" manage.py seed_demo --cycles 50
  "$py" manage.py checkpoint_audit
)
"$py" manage.py migrate --noinput -v0
"$py" manage.py verify_audit --files
"$py" manage.py shell -c '
from django.core import mail
from workflow.models import Cycle, State, User
from workflow.services import execute_transition
cycle = Cycle.objects.get(title="Perencanaan Kinerja Tahun 2026")
assert cycle.state == State.for_step(5) and cycle.pending_step.number == 5, cycle.state
assert len(cycle.reported_unit_ids) == 2, cycle.reported_unit_ids
for name in ("irban2", "irban3", "irban4"):
    user = User.objects.get(username=name)
    execute_transition(cycle_id=cycle.pk, transition_name="report_unit", actor=user, report=name)
cycle = Cycle.objects.get(pk=cycle.pk)
assert cycle.state == State.for_step(6), cycle.state
print("upgrade: the cycle at step 5 went on to", cycle.state)
' 2>/dev/null | grep '^upgrade:'
"$py" manage.py verify_audit
