"""Run every benchmark of the portal, one after the other, each in its own process."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in ("workflow_bench.py", "documents_bench.py", "verify_bench.py", "page_weight.py"):
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)  # noqa: S603
