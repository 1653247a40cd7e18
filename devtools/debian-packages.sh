#!/usr/bin/env bash
# Debian packages the application needs at run time (not the servers: see devtools/services.sh).
#   fonts-wqy-zenhei  CJK font with TrueType outlines for contract PDFs (services/contracts/pdf.py):
#                     fpdf2 embeds it with Identity-H, so every reader (and pypdf) extracts the text.
#                     The 维权告示牌 PDF uses it too.
#   chromium          headless browser for the dashboard page tests (tests/oversight/test_pages_browser.py)
set -euo pipefail

PACKAGES=(fonts-wqy-zenhei chromium)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian packages" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
