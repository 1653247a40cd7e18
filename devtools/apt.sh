#!/usr/bin/env bash
# Install the Debian packages named on the command line, unless they are already installed.
#   devtools/apt.sh chromium fonts-noto-cjk     (the /docs/ screenshot test: a phone-width browser, CJK glyphs)
#   devtools/apt.sh fonts-wqy-zenhei            (contract PDFs and the 维权告示牌 PDF: a CJK font with TrueType outlines, services/contracts/pdf.py)
#   devtools/apt.sh chromium                    (the dashboard page test tests/oversight/test_pages_browser.py)
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian packages" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
