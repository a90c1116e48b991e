#!/usr/bin/env bash
# Checks the system packages SOP Portal needs and says how to install what is missing.
set -u
python=${1:-python3}
missing=()
if ! "$python" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  missing+=("Python 3.11 with venv (Debian/Ubuntu: apt-get install python3.11 python3.11-venv)")
elif ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  missing+=("python3.11-venv (apt-get install python3.11-venv)")
fi
command -v npm >/dev/null 2>&1 || missing+=("Node.js 18+ and npm (apt-get install nodejs npm)")
if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0'; then
  missing+=("Pango for WeasyPrint (apt-get install libpango-1.0-0 libpangoft2-1.0-0)")
fi
if ! fc-list 2>/dev/null | grep -qi 'DejaVu Sans'; then
  missing+=("the DejaVu fonts embedded in PDFs (apt-get install fonts-dejavu-core)")
fi
if ((${#missing[@]})); then
  echo "SOP Portal needs system packages that are missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
