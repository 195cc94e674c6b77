#!/usr/bin/env bash
# One-step set-up on a fresh Debian machine: system tools, then the dualdx package.
#   bash .ci/setup.sh          -> what the workflow needs (bundled example)
#   bash .ci/setup.sh --test   -> plus test tools (pytest, linters, headless Chromium for the browser test)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

# Debian packages: htslib tools (benchmarks and fixtures), Chromium's headless shell (the report's
# PDF, report.pdf_engine auto: about 0.5 s), Chromium (the browser tests), Pango for WeasyPrint (the PDF where
# Chromium is absent), and poppler for the tests that render PDF pages.
apt_pkgs=(bcftools tabix chromium-headless-shell chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
          fonts-dejavu-core)
if [[ $want_test == 1 ]]; then
  apt_pkgs+=(poppler-utils)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

extras="pdf"
[[ $want_test == 1 ]] && extras="pdf,test,browser,cluster"
python3 -m pip install -q --disable-pip-version-check -e "$here[$extras]"
