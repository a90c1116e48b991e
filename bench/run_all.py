"""Run every benchmark of the portal, one after the other, each in its own process."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = (
    "workflow_bench.py",
    "documents_bench.py",
    "verify_bench.py",
    "page_weight.py",
    # PostgreSQL only (DATABASE_URL), wrk from the system's packages; about 12 minutes.
    "scale_bench.py",
)

for script in BENCHES:
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)  # noqa: S603
