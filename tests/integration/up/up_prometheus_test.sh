#!/usr/bin/env bash
# `quickmart up --embedded --with-prometheus`: the generated configuration passes promtool,
# Prometheus on N+30 loads the repository's alert rules and scrapes the seven services (every
# target up, labelled with its name); `cluster stop prometheus` / `start prometheus` work like
# any child; SIGTERM -> exit 0, nothing left running.
#
#   up_prometheus_test.sh PATH/TO/quickmart
set -u
# shellcheck source=up_test_lib.sh
source "$(dirname "$0")/up_test_lib.sh"
up_within_budget 90 "$0" "$@"
up_test_init "$1"
command -v prometheus >/dev/null || die "prometheus not found (run scripts/setup)"
prom="http://127.0.0.1:$((base + 30))"

step "quickmart up --embedded --with-prometheus on $base..$((base + 30))"
up_start_ready 60 "$work/up.out" --embedded --with-prometheus
grep -q "^quickmart up: prometheus *$prom$" "$up_out" || die "no Prometheus URL printed"
if command -v promtool >/dev/null; then
  promtool check config "$data/prometheus/prometheus.yml" >"$work/promtool.out" 2>&1 ||
    die "promtool rejects the generated configuration: $(cat "$work/promtool.out")"
  ok "promtool check config: valid, with its rules"
fi
curl -s --max-time 5 "$prom/api/v1/rules" >"$work/rules.json"
grep -q '"name":"QuickmartServiceDown"' "$work/rules.json" || die "the alert rules are not loaded: $(head -c 300 "$work/rules.json")"
ok "alert rules loaded"

step "Every service scraped (first scrape within the 15 s interval)"
targets_up() {
  curl -s --max-time 5 "$prom/api/v1/targets?state=active" >"$work/targets.json" || return 1
  python3 -I -S -c '
import json, sys
targets = json.load(open(sys.argv[1]))["data"]["activeTargets"]
up = sorted(t["labels"]["service"] for t in targets if t["health"] == "up" and t["labels"]["instance"] == t["labels"]["service"])
sys.exit(0 if up == sorted(["gateway", "auth", "product", "cart", "order", "delivery", "notification"]) else 1)
' "$work/targets.json"
}
waited=0
until targets_up; do
  waited=$((waited + 1))
  [ $waited -le 60 ] || die "not every target is up after 30 s: $(cat "$work/targets.json")"
  sleep 0.5
done
ok "seven targets up, instance = service = the name"

step "cluster stop/start prometheus"
"$quickmart" cluster stop prometheus --data "$data" >/dev/null || die "cluster stop prometheus failed"
curl -s --max-time 2 "$prom/-/ready" >/dev/null && die "Prometheus still answers after cluster stop"
"$quickmart" cluster start prometheus --data "$data" >/dev/null || die "cluster start prometheus failed"
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$prom/-/ready")" = 200 ] || die "Prometheus not ready after start"
ok "stopped, started, ready"

step "SIGTERM"
up_stop_and_check

[ $failures -eq 0 ] || exit 1
echo "up prometheus: all checks passed in $(($(date +%s) - began_s)) s"
