#!/usr/bin/env bash
# 主任务：安装（需要时），检查登记册，生成网站到 site/。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m generator build "$@"
