#!/usr/bin/env python3
"""Checks that the operations files only speak of metrics that exist.

The metric catalogue is the table under "## Metric catalogue" in docs/observability.md. This
script fails when:
  - an alert or recording rule (docker/prometheus/alerts.yml) or a dashboard query
    (docker/grafana/dashboards/quickmart.json) names a metric the catalogue does not list, a
    label the metric does not have, or a value its label never takes;
  - the code registers a metric (get_counter/get_gauge/get_histogram or a counter_pairs family,
    with a literal name) that the catalogue does not list, or lists with another type;
  - the dashboard is not well formed: bad JSON, a panel without datasource or targets,
    duplicate panel ids;
  - an alert lacks `for`, a severity, its annotations or its runbook section, or has no unit
    test that fires and none that stays silent in docker/prometheus/alerts_test.yml.

Standard library only: alerts.yml is read with a small line-based reader for the subset of
YAML it uses (it fails loudly on a rule it cannot read, rather than skipping it).

usage: check_catalogue.py [--root DIR] [--emit-dashboard-rules FILE] [--self-test]
  --emit-dashboard-rules writes the dashboard's queries as a Prometheus rule file (Grafana
  variables replaced), so that `promtool check rules` proves their PromQL parses.
"""

import argparse
import json
import os
import re
import sys
import tempfile

DOCS = "docs/observability.md"
ALERTS = "docker/prometheus/alerts.yml"
ALERT_TESTS = "docker/prometheus/alerts_test.yml"
DASHBOARD = "docker/grafana/dashboards/quickmart.json"
CODE_DIRS = ("core", "runtime", "services", "sim", "app")

SERVICES = {"gateway", "auth", "product", "cart", "order", "delivery", "notification"}
TYPES = {"counter", "gauge", "histogram"}
# Labels every scraped series has: `service` from the registry, `job` and `instance` from
# Prometheus.
COMMON_LABELS = {"service", "job", "instance"}
# Series Prometheus makes itself for each target: not in the catalogue, which lists what the
# services expose.
PROMETHEUS_SERIES = {
    "up": set(),
    "scrape_duration_seconds": set(),
    "scrape_samples_scraped": set(),
    "scrape_samples_post_metric_relabeling": set(),
    "scrape_series_added": set(),
}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
SEVERITIES = {"critical", "warning"}

FUNCTIONS = {
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
    "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
    "count_over_time", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "deg",
    "delta", "deriv", "exp", "floor", "histogram_quantile", "holt_winters", "hour", "idelta",
    "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10",
    "log2", "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear",
    "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar",
    "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time",
    "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
}
AGGREGATIONS = {
    "avg", "bottomk", "count", "count_values", "group", "max", "min", "quantile", "stddev",
    "stdvar", "sum", "topk",
}
LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}
GRAFANA_DURATIONS = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h"}


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append(f"{where}: {what}")


# --- the catalogue ---------------------------------------------------------------------------

LABEL_ENTRY = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`(?:\s*\(([^)]*)\))?")


def parse_catalogue(text, problems):
    """{name: {"type", "labels": {label: set of values or None}, "emitted_by"}}"""
    section = re.search(r"^## Metric catalogue\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not section:
        problems.add(DOCS, 'no "## Metric catalogue" section')
        return {}
    rows = [line.strip() for line in section.group(1).splitlines() if line.strip().startswith("|")]
    header = None
    catalogue = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            if [c.lower() for c in cells] == ["name", "type", "labels", "emitted by", "meaning"]:
                header = cells
            continue
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        where = f"{DOCS} catalogue row {line[:60]!r}"
        if len(cells) != 5:
            problems.add(where, f"{len(cells)} cells, want 5")
            continue
        name_cell, type_cell, labels_cell, emitted_cell, meaning = cells
        m = re.fullmatch(r"`([a-zA-Z_:][a-zA-Z0-9_:]*)`", name_cell)
        if not m:
            problems.add(where, "the name must be one metric name in backticks")
            continue
        name = m.group(1)
        if name in catalogue:
            problems.add(where, f"{name} listed twice")
        if type_cell not in TYPES:
            problems.add(where, f"type {type_cell!r} is not one of {sorted(TYPES)}")
        labels = {}
        if labels_cell not in ("—", "-", ""):
            stripped = LABEL_ENTRY.sub("", labels_cell).replace(",", "").strip()
            if stripped:
                problems.add(where, f"cannot read labels {labels_cell!r}")
            for label, values in LABEL_ENTRY.findall(labels_cell):
                labels[label] = {v.strip() for v in values.split(",")} if values else None
        emitted = [e.strip() for e in emitted_cell.split(",")]
        if emitted != ["all"] and not set(emitted) <= SERVICES:
            problems.add(where, f"emitted by {emitted_cell!r}: want 'all' or service names")
        if not meaning:
            problems.add(where, "no meaning")
        catalogue[name] = {"type": type_cell, "labels": labels, "emitted_by": emitted}
    if header is None:
        problems.add(DOCS, "no table with columns name | type | labels | emitted by | meaning")
    elif not catalogue:
        problems.add(DOCS, "the catalogue table is empty")
    return catalogue


# --- PromQL ----------------------------------------------------------------------------------

TOKEN = re.compile(
    r"""\s+|(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)"""
    r"""|(?P<number>\d[\w.]*(?:[eE][+-]\d+)?)"""
    r"""|(?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)"""
    r"""|(?P<op>=~|!~|!=|==|>=|<=|[-+*/%^=<>@,(){}\[\]])""")


def tokenize(expr):
    for name, value in GRAFANA_DURATIONS.items():
        expr = expr.replace(name, value)
    tokens = []
    pos = 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read {expr[pos:pos + 20]!r}")
        pos = m.end()
        for kind in ("string", "number", "ident", "op"):
            if m.group(kind) is not None:
                tokens.append((kind, m.group(kind)))
    return tokens


def unquote(s):
    if s.startswith("`"):
        return s[1:-1]
    return re.sub(r"\\(.)", r"\1", s[1:-1])


def selectors(expr):
    """The vector selectors of a PromQL expression: [(metric, [(label, op, value)])].

    Raises ValueError for what it cannot read (an unknown function, an unclosed bracket)."""
    tokens = tokenize(expr)
    found = []
    i = 0

    def skip_to(close, start):
        j = start
        while j < len(tokens) and tokens[j] != ("op", close):
            j += 1
        if j == len(tokens):
            raise ValueError(f"no closing {close!r}")
        return j + 1

    def matchers(start):
        out = []
        j = start + 1
        while tokens[j] != ("op", "}"):
            if tokens[j] == ("op", ","):
                j += 1
                continue
            if j + 2 >= len(tokens) or tokens[j][0] != "ident" or tokens[j + 2][0] != "string":
                raise ValueError("cannot read a label matcher")
            out.append((tokens[j][1], tokens[j + 1][1], unquote(tokens[j + 2][1])))
            j += 3
        return out, j + 1

    while i < len(tokens):
        kind, value = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if kind == "op" and value == "[":
            i = skip_to("]", i)
        elif kind == "op" and value == "{":
            # {__name__="x", ...} without a name in front.
            ms, i = matchers(i)
            names = [v for (label, op, v) in ms if label == "__name__" and op == "="]
            if not names:
                raise ValueError("a selector without a metric name")
            found.append((names[0], [m for m in ms if m[0] != "__name__"]))
        elif kind != "ident":
            i += 1
        elif value.lower() in LABEL_LIST_KEYWORDS:
            i = skip_to(")", i + 1) if nxt == ("op", "(") else i + 1
        elif value.lower() in KEYWORDS:
            i += 1
        elif value in AGGREGATIONS and nxt and nxt[0] == "ident" and nxt[1].lower() in ("by", "without"):
            i += 1  # sum by (a) (...): the label list is skipped next
        elif nxt == ("op", "("):
            if value not in FUNCTIONS and value not in AGGREGATIONS:
                raise ValueError(f"unknown function {value}")
            i += 1
        else:
            ms = []
            i += 1
            if i < len(tokens) and tokens[i] == ("op", "{"):
                ms, i = matchers(i)
            found.append((value, ms))
    return found


def check_expr(expr, where, catalogue, records, problems, uses):
    try:
        found = selectors(expr)
    except (ValueError, IndexError) as e:
        problems.add(where, f"cannot read the query ({e}): {expr!r}")
        return
    if not found:
        problems.add(where, f"the query names no metric: {expr!r}")
    for metric, ms in found:
        uses.add(metric)
        if ":" in metric:
            if metric not in records:
                problems.add(where, f"{metric} is no recording rule of {ALERTS}")
            continue
        if metric in PROMETHEUS_SERIES:
            allowed = {"job", "instance", "service"}
            entry = {"labels": {}}
        else:
            base, suffix = metric, ""
            for s in HISTOGRAM_SUFFIXES:
                if metric.endswith(s) and metric[: -len(s)] in catalogue:
                    base, suffix = metric[: -len(s)], s
            entry = catalogue.get(base)
            if entry is None:
                problems.add(where, f"metric {metric} is not in the catalogue of {DOCS}")
                continue
            if entry["type"] == "histogram" and not suffix:
                problems.add(where, f"{metric} is a histogram: query {metric}_bucket, _sum or _count")
            if suffix and entry["type"] != "histogram":
                problems.add(where, f"{base} is a {entry['type']}, it has no {metric}")
            allowed = set(entry["labels"]) | COMMON_LABELS | ({"le"} if suffix == "_bucket" else set())
        for label, op, value in ms:
            if label not in allowed:
                problems.add(where, f"{metric} has no label {label!r} (it has {sorted(allowed)})")
                continue
            values = entry["labels"].get(label)
            if values is None or "$" in value:
                continue
            if op == "=" and value not in values:
                problems.add(where, f'{metric}{{{label}="{value}"}}: {label} is one of {sorted(values)}')
            if op == "=~" and not any(re.fullmatch(value, v) for v in values):
                problems.add(where, f'{metric}{{{label}=~"{value}"}} matches none of {sorted(values)}')


# --- alerts.yml (the subset of YAML it uses) -------------------------------------------------

RULE_START = re.compile(r"^(\s*)- (alert|record):\s*(\S.*?)\s*$")
KEY = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*?))?\s*$")


def scalar(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def parse_rules(text, problems):
    """[{"kind", "name", "line", "expr", "for", "labels", "annotations"}]"""
    lines = text.splitlines()
    rules = []
    i = 0
    while i < len(lines):
        m = RULE_START.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        rule = {"kind": m.group(2), "name": scalar(m.group(3)), "line": i + 1, "labels": {},
                "annotations": {}}
        body = []
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.strip() and not line.lstrip().startswith("#") and \
                    len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line)
            i += 1
        read_rule_body(body, indent + 2, rule, problems)
        rules.append(rule)
    return rules


def read_rule_body(body, key_indent, rule, problems):
    section = None
    j = 0
    while j < len(body):
        line = body[j]
        j += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = KEY.match(line)
        if not m:
            problems.add(f"{ALERTS}:{rule['line']}", f"cannot read {line.strip()!r}")
            continue
        indent, key, value = len(m.group(1)), m.group(2), m.group(3) or ""
        if value in (">", ">-", "|", "|-"):
            block = []
            while j < len(body) and (not body[j].strip() or
                                     len(body[j]) - len(body[j].lstrip()) > indent):
                block.append(body[j].strip())
                j += 1
            value = (" " if value.startswith(">") else "\n").join(b for b in block if b)
        else:
            value = scalar(value)
        if indent == key_indent:
            section = key if key in ("labels", "annotations") and not value else None
            if section is None:
                rule[key] = value
        elif section is not None and indent > key_indent:
            rule[section][key] = value
        else:
            problems.add(f"{ALERTS}:{rule['line']}", f"unexpected {line.strip()!r}")


def alert_tests(text):
    """{alertname: (cases that expect alerts, cases that expect none)} of alerts_test.yml."""
    seen = {}
    for case in re.split(r"^\s*- eval_time:", text, flags=re.M)[1:]:
        name = re.search(r"^\s*alertname:\s*(\S+)", case, re.M)
        if not name:
            continue
        fires = re.search(r"^\s*exp_alerts:\s*$\n\s*- exp_labels:", case, re.M) is not None
        firing, silent = seen.get(name.group(1), (0, 0))
        seen[name.group(1)] = (firing + fires, silent + (not fires))
    return seen


def check_alerts(rules, docs_text, tests_text, catalogue, problems, uses):
    records = {r["name"] for r in rules if r["kind"] == "record"}
    headings = set(re.findall(r"^### (\S+)\s*$", docs_text, re.M))
    tests = alert_tests(tests_text)
    names = set()
    for r in rules:
        where = f"{ALERTS}:{r['line']} {r['name']}"
        if r["name"] in names:
            problems.add(where, "defined twice")
        names.add(r["name"])
        if not r.get("expr"):
            problems.add(where, "no expr")
            continue
        check_expr(r["expr"], where, catalogue, records, problems, uses)
        if r["kind"] == "record":
            if ":" not in r["name"]:
                problems.add(where, "a recording rule is named level:metric:operations")
            continue
        if not r.get("for"):
            problems.add(where, "no `for:`")
        if r["labels"].get("severity") not in SEVERITIES:
            problems.add(where, f"severity must be one of {sorted(SEVERITIES)}")
        for a in ("summary", "description", "runbook"):
            if not r["annotations"].get(a):
                problems.add(where, f"no {a} annotation")
        runbook = f"{DOCS}#{r['name'].lower()}"
        if r["annotations"].get("runbook") != runbook:
            problems.add(where, f"the runbook annotation must be {runbook}")
        if r["name"] not in headings:
            problems.add(where, f"no '### {r['name']}' runbook section in {DOCS}")
        firing, silent = tests.get(r["name"], (0, 0))
        if not firing or not silent:
            problems.add(where, f"{ALERT_TESTS} needs a case where it fires ({firing}) and one "
                                f"where it does not ({silent})")
    alerts = {r["name"] for r in rules if r["kind"] == "alert"}
    for h in sorted(headings - alerts):
        if h.startswith("Quickmart"):
            problems.add(DOCS, f"runbook section {h} for an alert that does not exist")
    return records


# --- the dashboard ---------------------------------------------------------------------------

def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def check_dashboard(text, catalogue, records, problems, uses):
    """The dashboard's queries as [(panel id, refId, expr)]."""
    try:
        dash = json.loads(text)
    except json.JSONDecodeError as e:
        problems.add(DASHBOARD, f"not JSON: {e}")
        return []
    for key in ("uid", "title", "schemaVersion", "panels"):
        if key not in dash:
            problems.add(DASHBOARD, f"no {key}")
    queries = []
    ids = set()
    for p in walk_panels(dash.get("panels", [])):
        where = f"{DASHBOARD} panel {p.get('id')} {p.get('title', '')!r}"
        pid = p.get("id")
        if not isinstance(pid, int):
            problems.add(where, "no integer id")
        elif pid in ids:
            problems.add(where, "duplicate panel id")
        ids.add(pid)
        if "gridPos" not in p:
            problems.add(where, "no gridPos")
        if p.get("type") == "row":
            continue
        ds = p.get("datasource")
        if not isinstance(ds, dict) or ds.get("type") != "prometheus" or not ds.get("uid"):
            problems.add(where, "no Prometheus datasource")
        targets = p.get("targets") or []
        if not targets:
            problems.add(where, "no targets")
        refs = set()
        for t in targets:
            ref = t.get("refId")
            if not ref or ref in refs:
                problems.add(where, f"missing or duplicate refId {ref!r}")
            refs.add(ref)
            expr = t.get("expr", "")
            if not expr.strip():
                problems.add(where, f"target {ref} has no expr")
                continue
            check_expr(expr, f"{where} target {ref}", catalogue, records, problems, uses)
            queries.append((pid, ref, expr))
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        where = f"{DASHBOARD} variable {v.get('name')}"
        m = re.fullmatch(r"\s*label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", q)
        if not m:
            problems.add(where, f"want label_values(<metric>, <label>), got {q!r}")
            continue
        check_expr(m.group(1), where, catalogue, records, problems, uses)
    return queries


def dashboard_rules(queries):
    """A rule file (JSON is YAML) with each dashboard query as a recording rule."""
    rules = []
    for pid, ref, expr in queries:
        e = expr
        for name, value in GRAFANA_DURATIONS.items():
            e = e.replace(name, value)
        e = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", ".*", e)
        rules.append({"record": f"dashboard:panel_{pid}:{ref}", "expr": e})
    return {"groups": [{"name": "dashboard_queries", "rules": rules}]}


# --- the code --------------------------------------------------------------------------------

REGISTRATION = re.compile(r"get_(counter|gauge|histogram)\s*\(\s*\"([^\"]+)\"")
# A counter family resolved per event (core/metrics/counter_pairs.hpp): registry, then name.
PAIRS_REGISTRATION = re.compile(r"counter_pairs\s*\(\s*[\w.>-]+\s*,\s*\"([^\"]+)\"")


def check_code(root, catalogue, problems):
    registered = {}
    for top in CODE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for f in sorted(filenames):
                if not re.search(r"\.(cpp|hpp|h|cc)(\.in)?$", f):
                    continue
                path = os.path.join(dirpath, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                for kind, name in REGISTRATION.findall(text):
                    registered.setdefault(name, (kind, os.path.relpath(path, root)))
                for name in PAIRS_REGISTRATION.findall(text):
                    registered.setdefault(name, ("counter", os.path.relpath(path, root)))
    for name, (kind, path) in sorted(registered.items()):
        entry = catalogue.get(name)
        if entry is None:
            problems.add(path, f"registers {name}, which the catalogue of {DOCS} does not list")
        elif entry["type"] != kind:
            problems.add(path, f"registers {name} as a {kind}; the catalogue says {entry['type']}")
    return registered


# --- main ------------------------------------------------------------------------------------

def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def check(files, root=None):
    """Problems of a set of files {relative path: text}; root, when given, for the code scan."""
    problems = Problems()
    catalogue = parse_catalogue(files[DOCS], problems)
    uses = set()
    rules = parse_rules(files[ALERTS], problems)
    if not rules:
        problems.add(ALERTS, "no rules found")
    records = check_alerts(rules, files[DOCS], files[ALERT_TESTS], catalogue, problems, uses)
    queries = check_dashboard(files[DASHBOARD], catalogue, records, problems, uses)
    registered = check_code(root, catalogue, problems) if root else {}
    return problems, {"catalogue": catalogue, "rules": rules, "queries": queries,
                      "uses": uses, "registered": registered}


def mutate_dashboard(text, change):
    dash = json.loads(text)
    change([p for p in walk_panels(dash["panels"]) if p.get("targets")])
    return json.dumps(dash, indent=2)


def self_test(files):
    """The check must catch what it is for: good files pass, and each mutation of them fails."""
    baseline, _ = check(files)
    if baseline.items:
        return ["the files as they are do not pass, so the mutations prove nothing"]

    def unknown_metric(panels):
        panels[0]["targets"][0]["expr"] = "sum(rate(quickmart_no_such_metric_total[5m]))"

    def duplicate_id(panels):
        panels[1]["id"] = panels[0]["id"]

    def no_targets(panels):
        panels[0]["targets"] = []

    def unknown_function(panels):
        panels[0]["targets"][0]["expr"] = "rates(http_requests_total[5m])"

    mutations = {
        "a dashboard query on an unknown metric": (
            DASHBOARD, lambda t: mutate_dashboard(t, unknown_metric)),
        "a dashboard query with a misspelt function": (
            DASHBOARD, lambda t: mutate_dashboard(t, unknown_function)),
        "a duplicate panel id": (DASHBOARD, lambda t: mutate_dashboard(t, duplicate_id)),
        "a panel without targets": (DASHBOARD, lambda t: mutate_dashboard(t, no_targets)),
        "a dashboard that is not JSON": (DASHBOARD, lambda t: t[: len(t) // 2]),
        "an alert on an unknown metric": (
            ALERTS, lambda t: t.replace("expr: up{", "expr: upp{", 1)),
        "an alert on a label value never emitted": (
            ALERTS, lambda t: t.replace('outcome="limited"', 'outcome="refused"', 1)),
        "an undefined recording rule": (
            ALERTS, lambda t: t.replace("service:http_requests_5xx:ratio_rate5m > 0.05",
                                        "service:http_requests_5xx:ratio_rate1m > 0.05", 1)),
        "a histogram queried without _bucket": (
            ALERTS, lambda t: t.replace("rate(http_request_duration_seconds_bucket[5m])",
                                        "rate(http_request_duration_seconds[5m])", 1)),
        "a metric missing from the catalogue": (
            DOCS, lambda t: re.sub(r"^\| `rate_limit_backend` .*\n", "", t, count=1, flags=re.M)),
        "an alert without for": (
            ALERTS, lambda t: re.sub(r"^ *for: 1m\n", "", t, count=1, flags=re.M)),
        "an alert without a runbook section": (
            DOCS, lambda t: t.replace("### QuickmartProcessRestarting", "### Restarts", 1)),
        "an alert without a test that fires": (
            ALERT_TESTS, lambda t: t.replace("alertname: QuickmartDatabaseSlow\n        exp_alerts:",
                                             "alertname: QuickmartDatabaseSlow\n        exp_alerts_gone:", 1)),
    }
    failed = []
    for what, (rel, change) in mutations.items():
        mutated = dict(files)
        mutated[rel] = change(files[rel])
        if mutated[rel] == files[rel]:
            failed.append(f"{what}: the mutation did not apply")
            continue
        problems, _ = check(mutated)
        if not problems.items:
            failed.append(f"{what}: not caught")
        else:
            print(f"caught {what}: {problems.items[0]}")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("--emit-dashboard-rules", metavar="FILE")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    files = {rel: read(root, rel) for rel in (DOCS, ALERTS, ALERT_TESTS, DASHBOARD)}

    if args.self_test:
        failed = self_test(files)
        for f in failed:
            print(f"FAIL: {f}")
        return 1 if failed else 0

    problems, seen = check(files, root)
    if args.emit_dashboard_rules:
        with open(args.emit_dashboard_rules, "w", encoding="utf-8") as f:
            json.dump(dashboard_rules(seen["queries"]), f, indent=1)
    for p in problems.items:
        print(f"FAIL: {p}")
    if problems.items:
        print(f"{len(problems.items)} problem(s)")
        return 1
    alerts = sum(1 for r in seen["rules"] if r["kind"] == "alert")
    records = len(seen["rules"]) - alerts
    print(f"ok: {len(seen['catalogue'])} catalogued metrics; {alerts} alerts and {records} "
          f"recording rules, {len(seen['queries'])} dashboard queries use {len(seen['uses'])} "
          f"names; {len(seen['registered'])} metrics registered in code, all catalogued")
    return 0


if __name__ == "__main__":
    sys.exit(main())
