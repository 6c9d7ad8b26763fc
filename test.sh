#!/usr/bin/env bash
# Install everything the tests need, then run every test: unit, AppTest, browser.
# Usage: bash test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"

python -m pip install --quiet -r requirements-dev.txt

# The browser tests drive Debian's Chromium; Playwright cannot download its own here.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Chromium for the browser tests (apt-get)..."
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install -y chromium', then this again." >&2
    exit 1
  fi
fi

python -m pytest "$@"
