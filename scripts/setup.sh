#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian or Ubuntu machine with python3 and git: system packages
# (apt, as root or through passwordless sudo, as on GitHub's runners), a virtual environment in
# .venv/ with the locked dependencies, the web editor's package and the compact Chinese font.
# The one set-up for the README's commands, .ci/run and every workflow; safe to run again.
#
#   JIANGPU_SETUP=dev   (default) the tool, its tests and the browser they drive
#   JIANGPU_SETUP=site  only what building and publishing the site needs (the Pages workflow)
#   JIANGPU_CHROMIUM=…  a browser already on the machine (GitHub's Google Chrome): no chromium package
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${JIANGPU_SETUP:-dev}
# fonts-noto-cjk: Chinese in PDFs and screenshots; libpango*: WeasyPrint's text layout.
APT_PACKAGES=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0)
case "$mode" in
  dev)
    lock=requirements/dev.lock
    # poppler-utils: pdftoppm, to look at the forms; chromium: the browser tests.
    APT_PACKAGES+=(poppler-utils)
    [ -n "${JIANGPU_CHROMIUM:-}" ] || APT_PACKAGES+=(chromium) ;;
  site)
    lock=requirements/site.lock ;;
  *)
    echo "JIANGPU_SETUP 只能是 dev 或 site，而不是“$mode”" >&2
    exit 2 ;;
esac

missing=()
# A Python that already has venv (pyenv's, setup-python's) does not need Debian's python3-venv.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
# npm fetches the web editor (Decap CMS) from the npm registry, below.
command -v npm >/dev/null 2>&1 || missing+=(npm)
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo)
  else
    echo "缺少系统软件包：${missing[*]}。请以 root 运行：apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "安装系统软件包：${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# The exact versions, each checked against its hash (requirements/*.lock; README, 依赖版本):
# what the tests run with is what the site is published with. Reinstalled when a lock changes.
stamp=.venv/.jiangpu-installed
want=$(cat pyproject.toml "$lock" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi

# The web editor at /admin/ (Decap CMS): the pinned release from the npm registry, checked against
# its recorded sha512 and kept in .cache/ as downloaded. `build` checks it again and takes the
# editor's files from it; the site never loads it from a CDN.
read -r _ decap_version decap_integrity < site_templates/admin/decap-cms.lock
decap=".cache/decap-cms-$decap_version.tgz"
sha512() { python3 -c 'import base64, hashlib, sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"; }
if [ ! -f "$decap" ] || [ "$(sha512 "$decap")" != "$decap_integrity" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "decap-cms@$decap_version" >/dev/null)
  got=$(sha512 "$work/decap-cms-$decap_version.tgz")
  if [ "$got" != "$decap_integrity" ]; then
    echo "下载的 Decap CMS $decap_version 与记录的校验值不符，已停止：$got" >&2
    exit 1
  fi
  mkdir -p .cache && mv "$work/decap-cms-$decap_version.tgz" "$decap"
  rm -rf ".cache/decap-cms-$decap_version"  # the unpacked copy of earlier versions of this script
fi

# The printed forms embed glyphs from a compact copy of the Chinese font (GB 2312), cut once per
# machine into ~/.cache/jiangpu/fonts/ (about 15 s): done here so that the first `forms` or
# `build` is as quick as the next ones. A missing font is said by `forms` and `build` themselves.
.venv/bin/python -c 'import os; from generator.render.forms.fonts import find_font, with_compact; with_compact(find_font(os.environ), os.environ)' \
  2>/dev/null || true
