#!/usr/bin/env bash
# 一次性安装（可重复运行）：系统软件包（需要时用 apt，以 root 或免密码 sudo 运行）、.venv/ 中的匠谱
# （requirements.txt 中写定的版本），以及网站和表格需要的在线编辑器和中文字体。README 的命令和各工作流都用它。
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
command -v npm >/dev/null 2>&1 || missing+=(npm)
for pkg in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo); else
    echo "缺少系统软件包：${missing[*]}。请以 root 运行：apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "安装系统软件包：${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.jiangpu-installed
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
.venv/bin/python -m generator setup
