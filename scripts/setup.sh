#!/usr/bin/env bash
# Set up a fresh Debian machine for this project: system libraries, pinned fonts, and a virtual
# environment with the pinned Python packages. Safe to run again: it installs only what is missing.
#   scripts/setup.sh          what building needs
#   scripts/setup.sh --test   also what the tests need (Chromium for the download-page test, poppler)
#   scripts/setup.sh --bench  also what bench/run.py needs (pyinstrument, Typst)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libpango-1.0-0 libpangoft2-1.0-0  # WeasyPrint's text layout
  libharfbuzz-subset0               # fast font subsetting (without it a Chinese PDF takes ~10 s)
  fontconfig fonts-noto-core fonts-noto-cjk  # the pinned fonts (templates/fonts.yaml)
)
extras=()
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium poppler-utils)
  extras=(test)
elif [[ "${1:-}" == "--bench" ]]; then
  extras=(bench)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if (( ${#missing[@]} )); then
  sudo=""; (( EUID != 0 )) && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
spec=".[$(IFS=,; echo "${extras[*]:-}")]"
[[ "$spec" == ".[]" ]] && spec="."
stamp=".setup-stamp-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)-${extras[*]:-build}"
if [[ ! -f "$stamp" ]]; then
  # requirements.lock pins every transitive package too (scripts/lock.sh writes it).
  .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e "$spec"
  rm -f .setup-stamp-*-"${extras[*]:-build}"
  touch "$stamp"
fi
