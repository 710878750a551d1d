#!/usr/bin/env bash
# 检查：安装（需要时），按匠谱的结构和规则检查全部记录，并检查记录格式（与拉取请求的检查相同）。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m generator validate "$@"
.venv/bin/python -m generator fmt --check
