#!/usr/bin/env bash
# The main job on the bundled sample registry: set up, then validate the records.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m generator validate "$@"
