#!/usr/bin/env bash
# The operations files, judged by promtool (tests/ops/CMakeLists.txt runs each mode as a test).
#   promtool_check.sh PROMTOOL REPO config      promtool check config docker/prometheus/prometheus.yml
#   promtool_check.sh PROMTOOL REPO rules       promtool check rules docker/prometheus/alerts.yml
#   promtool_check.sh PROMTOOL REPO test        promtool test rules docker/prometheus/alerts_test.yml
#   promtool_check.sh PROMTOOL REPO dashboard PYTHON
#       the dashboard's queries, written as recording rules by check_catalogue.py, must parse
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 PROMTOOL REPO config|rules|test|dashboard [PYTHON]" >&2
  exit 2
fi
promtool=$1
repo=$2
mode=$3
prometheus_dir="$repo/docker/prometheus"

case "$mode" in
  config) exec "$promtool" check config "$prometheus_dir/prometheus.yml" ;;
  rules) exec "$promtool" check rules "$prometheus_dir/alerts.yml" ;;
  test) exec "$promtool" test rules "$prometheus_dir/alerts_test.yml" ;;
  dashboard)
    python=${4:?the dashboard mode needs PYTHON}
    rules=$(mktemp "${TMPDIR:-/tmp}/quickmart-dashboard-rules.XXXXXX")
    trap 'rm -f "$rules"' EXIT
    # The catalogue check runs as its own test; here only the file it writes matters.
    "$python" "$repo/tests/ops/check_catalogue.py" --root "$repo" --emit-dashboard-rules "$rules" >/dev/null || true
    if ! grep -q '"record"' "$rules"; then
      echo "check_catalogue.py wrote no dashboard query to check (is the dashboard JSON?)" >&2
      exit 1
    fi
    "$promtool" check rules "$rules"
    ;;
  *)
    echo "unknown mode: $mode" >&2
    exit 2
    ;;
esac
