#!/usr/bin/env bash
# The main job on the bundled sample registry: set up, then validate the records and build the site.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m generator build "$@"
echo "预览：.venv/bin/python -m generator serve （然后打开 http://127.0.0.1:8000/）"
