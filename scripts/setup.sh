#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine with python3 and git:
# system packages (apt, as root), then a virtual environment in .venv/.
# Sourced by scripts/run.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the project needs, each checked before installing.
# chromium: browser tests; fonts-noto-cjk: Chinese in PDFs and screenshots; poppler-utils: pdftoppm.
APT_PACKAGES=(chromium fonts-noto-cjk poppler-utils)

missing=()
# A Python that already has venv (pyenv's, say) does not need Debian's python3-venv.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
# npm fetches the web editor (Decap CMS) from the npm registry, below.
command -v npm >/dev/null 2>&1 || missing+=(npm)
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包：${missing[*]}。请以 root 运行：apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Reinstall only when the dependency list changed.
stamp=.venv/.jiangpu-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi

# The web editor at /admin/ (Decap CMS): the pinned release from the npm registry, checked against
# its recorded sha512, unpacked into .cache/ once. The site copies it; it never loads it from a CDN.
read -r _ decap_version decap_integrity < site_templates/admin/decap-cms.lock
decap=".cache/decap-cms-$decap_version"
if [ ! -f "$decap/decap-cms.js" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "decap-cms@$decap_version" >/dev/null)
  got=$(python3 -c 'import base64, hashlib, sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$work/decap-cms-$decap_version.tgz")
  if [ "$got" != "$decap_integrity" ]; then
    echo "下载的 Decap CMS $decap_version 与记录的校验值不符，已停止：$got" >&2
    exit 1
  fi
  tar -xzf "$work/decap-cms-$decap_version.tgz" -C "$work"
  mkdir -p "$work/out"
  cp "$work"/package/dist/decap-cms.js "$work"/package/dist/*.decap-cms.js "$work"/package/dist/*.wasm \
     "$work"/package/dist/decap-cms.js.LICENSE.txt "$work/out/"
  mkdir -p .cache && rm -rf "$decap" && mv "$work/out" "$decap"
fi

# The printed forms embed glyphs from a compact copy of the Chinese font (GB 2312), cut once per
# machine into ~/.cache/jiangpu/fonts/ (about 15 s): done here so that the first `forms` or
# `build` is as quick as the next ones. A missing font is said by `forms` and `build` themselves.
.venv/bin/python -c 'import os; from generator.render.forms.fonts import find_font, with_compact; with_compact(find_font(os.environ), os.environ)' \
  2>/dev/null || true
