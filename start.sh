#!/usr/bin/env bash
# Install what the app needs and start the lesson at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
python -m pip install --quiet -r requirements.txt
exec python -m streamlit run app.py "$@"
