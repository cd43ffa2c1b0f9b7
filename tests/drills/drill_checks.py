#!/usr/bin/env python3
"""What must hold after a fault drill, judged from the load driver's reports and straight from
the order and product databases.

  drill_checks.py check --report R.json [--report R2.json ...] [--settle-s S] [--final]
  drill_checks.py selftest

`check` reads order_db and product_db with psql (URLs in QM_DRILL_ORDER_DB_URL and
QM_DRILL_PRODUCT_DB_URL, password included; psql gets it through PGPASSWORD, never argv) and
prints one line per check, PASS or FAIL with its figures; exit 1 when any failed.

  acknowledged  every order acknowledged to a client (201/200 with an id) is in order_db, for
                that user and Idempotency-Key, with the acknowledged status total and lines
  duplicates    one order per (user, key); no order id acknowledged for two keys; a key sent
                again answered the same id; no order of a drill customer under a key the
                driver never sent
  ledger        per product, in product_db: initial stock + restocks - available = units on
                held and confirmed reservations; every live order's reservation confirmed with
                the order's lines, every cancelled order's released (or its release queued);
                per product, units on confirmed reservations = units on live orders' lines;
                no held reservation past its expiry. Before the shop has settled, a
                reservation may also belong to a checkout still pending (a process killed
                mid-checkout, recovered after checkout_lease_s) or wait for a queued release;
                with --final nothing may be left unsettled.
  no 500        no request of any report answered 500; every 503 carried Retry-After
  polite        (--polite-report) clients that kept under their limits got no 429 and no 5xx
  logs          (--logs DIR/logs) no service's access line shows a 500, to a client or a service

Before checking, it waits (at most --settle-s) until no checkout is pending and no
reservation release is queued in order's outbox, so that recoveries in progress can finish.
`selftest` feeds the same checks a consistent shop and doctored copies of it (an acknowledged
order missing, a duplicate, a ledger off by one, a 500, a replay with another id, a held
reservation past its expiry, a stray reservation at the end) and fails unless the clean shop
passes and each doctored one fails the check it targets.
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import time
import urllib.parse

PSQL = os.environ.get("QM_PG_BIN", "/usr/lib/postgresql/15/bin") + "/psql"
EXPIRY_GRACE_S = 3  # product's sweep runs every second; a held row this far past expiry is stuck


class Verdict:
    def __init__(self, name, ok, figures, problems=()):
        self.name = name
        self.ok = ok
        self.figures = figures
        self.problems = list(problems)

    def line(self):
        out = f"{'PASS' if self.ok else 'FAIL'} {self.name}: {self.figures}"
        for p in self.problems[:10]:
            out += f"\n       - {p}"
        if len(self.problems) > 10:
            out += f"\n       - ... {len(self.problems) - 10} more"
        return out


# --------------------------------------------------------------------------------------------
# The checks: pure functions of the reports and the two databases' rows.


def check_no_500(reports):
    statuses = {}
    problems = []
    for rep in reports:
        for e in rep["requests"]:
            if e["s"] >= 500:
                statuses[e["s"]] = statuses.get(e["s"], 0) + 1
        for e in rep["server_errors"]:
            if e["status"] == 500:
                problems.append(f"[{rep['label']}] {e['route']} answered 500 at +{e['t']} s: {e['body'][:160]}")
            elif e["status"] == 503 and not e.get("retry_after"):
                problems.append(f"[{rep['label']}] {e['route']} answered 503 {e['code']} without Retry-After")
    total = sum(len(rep["requests"]) for rep in reports)
    others = ", ".join(f"{n} x {s}" for s, n in sorted(statuses.items()) if s != 500) or "no other 5xx"
    return Verdict("no 500", not problems,
                   f"{statuses.get(500, 0)} x 500 in {total} requests ({others})", problems)


def acknowledged_of(reports):
    acks = []
    for rep in reports:
        acks.extend(rep["acknowledged"])
    return acks


def check_acknowledged(reports, db):
    orders = {o["id"]: o for o in db["orders"]}
    lines = {}
    for l in db["order_lines"]:
        lines.setdefault(l["order_id"], []).append([l["product_id"], l["quantity"], l["price_paise"]])
    problems = []
    found = 0
    acks = acknowledged_of(reports)
    for a in acks:
        o = orders.get(a["order_id"])
        if o is None:
            problems.append(f"order {a['order_id']} (user {a['user_id']}, key {a['key']}) acknowledged {a['status']} but not in order_db")
            continue
        found += 1
        want = (a["user_id"], a["key"], a["total_paise"], sorted(a["lines"]))
        got = (o["user_id"], o["idem_key"], o["total_paise"], sorted(lines.get(o["id"], [])))
        if want != got:
            problems.append(f"order {a['order_id']}: acknowledged (user, key, total, lines) {want}, order_db has {got}")
    return Verdict("acknowledged orders exist", not problems,
                   f"acknowledged {len(acks)} orders, {found} found in order_db, {len(problems)} wrong or missing",
                   problems)


def check_duplicates(reports, db, customers):
    problems = []
    per_key = {}
    for o in db["orders"]:
        per_key.setdefault((o["user_id"], o["idem_key"]), []).append(o["id"])
    duplicates = {k: ids for k, ids in per_key.items() if len(ids) > 1}
    for (user, key), ids in sorted(duplicates.items()):
        problems.append(f"user {user} key {key}: {len(ids)} orders {ids}")
    key_of_id = {}
    for a in acknowledged_of(reports):
        seen = key_of_id.setdefault(a["order_id"], (a["user_id"], a["key"]))
        if seen != (a["user_id"], a["key"]):
            problems.append(f"order {a['order_id']} acknowledged for both {seen} and {(a['user_id'], a['key'])}")
    replays = [r for rep in reports for r in rep["replays"]]
    replayed_ok = sum(1 for r in replays if r["status"] == 200 and r["replayed_id"] == r["order_id"])
    unanswered = sum(1 for r in replays if r["status"] == 0 or r["status"] >= 500)
    for r in replays:
        if r["status"] in (200, 201):
            if r["replayed_id"] != r["order_id"]:
                problems.append(f"key {r['key']} sent again answered order {r['replayed_id']}, first {r['order_id']}")
            elif r["status"] != 200:
                problems.append(f"key {r['key']} sent again answered 201 (a new order?) for {r['order_id']}")
    sent_keys = {(rep_user(rep, e), e["k"]) for rep in reports for e in rep["requests"] if e.get("k")}
    unknown = [o for o in db["orders"] if o["user_id"] in customers and (o["user_id"], o["idem_key"]) not in sent_keys]
    for o in unknown:
        problems.append(f"order {o['id']} of drill customer {o['user_id']} under key {o['idem_key']} the driver never sent")
    acked_keys = {(a["user_id"], a["key"]) for a in acknowledged_of(reports)}
    unheard = sum(1 for o in db["orders"] if (o["user_id"], o["idem_key"]) in sent_keys - acked_keys)
    return Verdict("no duplicate orders", not problems,
                   f"{len(duplicates)} duplicates over {len(per_key)} (user, key) pairs; "
                   f"{replayed_ok}/{len(replays)} keys sent again answered their first order"
                   f"{f' ({unanswered} met a 5xx or no answer during a fault)' if unanswered else ''}; "
                   f"{unheard} orders whose client gave up before hearing of them", problems)


def rep_user(rep, entry):
    return rep["customer_users"][entry["c"]]


def sums_by_product(rows, qty="quantity"):
    out = {}
    for r in rows:
        out[r["product_id"]] = out.get(r["product_id"], 0) + r[qty]
    return out


def check_ledger(db, final):
    problems = []
    entered = {m["product_id"]: m["quantity"] for m in db["movements"]}
    available = {s["product_id"]: s["available"] for s in db["stock"]}
    reservations = {r["id"]: r for r in db["reservations"]}
    res_lines = {}
    for l in db["reservation_lines"]:
        res_lines.setdefault(l["reservation_id"], []).append([l["product_id"], l["quantity"]])
    outstanding = {rid for rid, r in reservations.items() if r["status"] in ("held", "confirmed")}
    held_or_confirmed = sums_by_product([{"product_id": p, "quantity": q}
                                         for rid in outstanding for p, q in res_lines.get(rid, [])])
    for pid in sorted(set(entered) | set(available)):
        want = entered.get(pid, 0) - available.get(pid, 0)
        if want != held_or_confirmed.get(pid, 0):
            problems.append(f"product {pid}: stock entered {entered.get(pid, 0)} - available {available.get(pid, 0)}"
                            f" = {want}, but held + confirmed reservations hold {held_or_confirmed.get(pid, 0)}")
        if available.get(pid, 0) < 0:
            problems.append(f"product {pid}: available {available[pid]} below zero")

    order_lines = {}
    for l in db["order_lines"]:
        order_lines.setdefault(l["order_id"], []).append([l["product_id"], l["quantity"]])
    live = [o for o in db["orders"] if o["status"] != "cancelled"]
    queued_releases = set(db["queued_releases"])
    pending = {c["reservation_id"] for c in db["pending_checkouts"]}
    for o in db["orders"]:
        r = reservations.get(o["reservation_id"])
        if o["status"] != "cancelled":
            if r is None or r["status"] != "confirmed":
                problems.append(f"live order {o['id']}: reservation {o['reservation_id']} is "
                                f"{'missing' if r is None else r['status']}, not confirmed")
            elif sorted(res_lines.get(r["id"], [])) != sorted(order_lines.get(o["id"], [])):
                problems.append(f"live order {o['id']}: lines {sorted(order_lines.get(o['id'], []))} but its "
                                f"reservation holds {sorted(res_lines.get(r['id'], []))}")
        elif r is not None and r["status"] in ("held", "confirmed") and (final or o["reservation_id"] not in queued_releases):
            problems.append(f"cancelled order {o['id']}: reservation {o['reservation_id']} still {r['status']}")
    owned = {o["reservation_id"] for o in live}
    strays = sorted(outstanding - owned)
    waiting = [rid for rid in strays if rid in pending or rid in queued_releases]
    for rid in strays:
        if final or rid not in pending and rid not in queued_releases:
            problems.append(f"reservation {rid} is {reservations[rid]['status']} "
                            f"({sorted(res_lines.get(rid, []))}) but belongs to no live order"
                            + (" (its checkout is still pending or its release queued)" if rid in waiting else ""))
    confirmed = sums_by_product([{"product_id": p, "quantity": q} for rid in outstanding - set(waiting)
                                 if reservations[rid]["status"] == "confirmed" for p, q in res_lines.get(rid, [])])
    ordered = sums_by_product([{"product_id": p, "quantity": q} for o in live for p, q in order_lines.get(o["id"], [])])
    for pid in sorted(set(confirmed) | set(ordered)):
        if confirmed.get(pid, 0) != ordered.get(pid, 0):
            problems.append(f"product {pid}: confirmed reservations hold {confirmed.get(pid, 0)} units, live orders {ordered.get(pid, 0)}")
    late = [r for r in db["reservations"] if r["status"] == "held" and r["expires_at"] + EXPIRY_GRACE_S < db["now"]]
    for r in late:
        problems.append(f"reservation {r['id']} still held {db['now'] - r['expires_at']} s past its expiry")
    products = len(set(entered) | set(available))
    units = sum(ordered.values())
    figures = (f"stock ledger agrees for {products - sum(1 for p in problems if p.startswith('product'))}/{products} products; "
               f"{len(live)} live orders ({units} units) = confirmed reservations; "
               f"{len(db['orders']) - len(live)} cancelled; {len(late)} held past expiry; "
               f"{len(waiting)} reservations awaiting recovery ({len(pending)} pending checkouts, {len(queued_releases)} queued releases)")
    return Verdict("stock and reservations agree", not problems, figures, problems)


def check_polite(report):
    """A client that keeps under its limits is never refused, and never sees a 5xx."""
    limited = sum(1 for e in report["requests"] if e["s"] == 429)
    failed = sum(1 for e in report["requests"] if e["s"] >= 500 or e["s"] == 0)
    return Verdict(f"well-behaved clients not limited [{report['label']}]", limited == 0 and failed == 0,
                   f"{len(report['requests'])} requests of {len(report['customer_users'])} customers: "
                   f"{limited} x 429, {failed} x 5xx or no answer")


def check_access_logs(logs):
    """No service answered 500 to anyone, the gateway or another service: logs maps a service's
    name to its log lines (JSON access lines, msg "request"; anything else is skipped)."""
    answered, problems = 0, []
    for name, lines in sorted(logs.items()):
        for line in lines:
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if not isinstance(d, dict) or d.get("msg") != "request":
                continue
            answered += 1
            if d.get("status") == 500:
                problems.append(f"{name}: {d.get('method')} {d.get('route')} answered 500 at {d.get('ts')}")
    return Verdict("no 500 in the services' access logs", not problems,
                   f"{answered} access lines of {len(logs)} services, {len(problems)} x 500", problems)


def read_logs(directory):
    logs = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".log") and not name.endswith("-db.log") and name not in ("redis.log", "prometheus.log"):
            with open(os.path.join(directory, name), errors="replace") as f:
                logs[name[:-4]] = f.read().splitlines()
    return logs


def run_checks(reports, db, final):
    customers = set()
    for rep in reports:
        customers.update(rep["customer_users"])
    return [check_acknowledged(reports, db), check_duplicates(reports, db, customers),
            check_ledger(db, final), check_no_500(reports)]


# --------------------------------------------------------------------------------------------
# Reading the databases.


class Psql:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.password = urllib.parse.unquote(parts.password or "")
        netloc = (urllib.parse.quote(parts.username or "") + "@" if parts.username else "") + \
            f"{parts.hostname}:{parts.port}"
        self.url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))

    def rows(self, sql, names, types):
        env = dict(os.environ, PGPASSWORD=self.password, PGCONNECT_TIMEOUT="5")
        out = subprocess.run([PSQL, self.url, "-w", "-X", "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             env=env, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise RuntimeError(f"psql: {out.stderr.strip()}")
        result = []
        for line in out.stdout.splitlines():
            fields = line.split("\t")
            result.append({n: t(v) if v != "" else None for n, t, v in zip(names, types, fields)})
        return result


def read_shop(order_db, product_db):
    """Both databases' rows the checks need; order_db first, then product_db (see check_ledger:
    a reservation ended between the two reads shows as released, never as a stray)."""
    db = {}
    db["orders"] = order_db.rows("SELECT id, user_id, idem_key, status, total_paise, reservation_id FROM orders",
                                 ["id", "user_id", "idem_key", "status", "total_paise", "reservation_id"],
                                 [int, int, str, str, int, str])
    db["order_lines"] = order_db.rows("SELECT order_id, product_id, quantity, price_paise FROM order_lines",
                                      ["order_id", "product_id", "quantity", "price_paise"], [int, int, int, int])
    db["pending_checkouts"] = order_db.rows(
        "SELECT user_id, idem_key, reservation_id, claimed_at FROM checkouts WHERE state = 'pending'",
        ["user_id", "idem_key", "reservation_id", "claimed_at"], [int, str, str, int])
    db["queued_releases"] = [r["rid"] for r in order_db.rows(
        "SELECT split_part(target, '/', 4) FROM outbox WHERE state = 'pending' AND upstream = 'product' "
        "AND target LIKE '/internal/reservations/%/release'", ["rid"], [str])]
    db["dead_outbox"] = order_db.rows("SELECT upstream, target, last_error FROM outbox WHERE state = 'dead'",
                                      ["upstream", "target", "last_error"], [str, str, str])
    db["movements"] = product_db.rows("SELECT product_id, SUM(quantity) FROM stock_movements GROUP BY product_id",
                                      ["product_id", "quantity"], [int, int])
    db["stock"] = product_db.rows("SELECT product_id, available FROM stock", ["product_id", "available"], [int, int])
    db["reservations"] = product_db.rows("SELECT id, status, expires_at FROM reservations WHERE tombstone = 0",
                                         ["id", "status", "expires_at"], [str, str, int])
    db["reservation_lines"] = product_db.rows("SELECT reservation_id, product_id, quantity FROM reservation_lines",
                                              ["reservation_id", "product_id", "quantity"], [str, int, int])
    db["now"] = product_db.rows("SELECT CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)", ["now"], [int])[0]["now"]
    return db


def settled(order_db):
    left = order_db.rows("SELECT (SELECT COUNT(*) FROM checkouts WHERE state = 'pending'), "
                         "(SELECT COUNT(*) FROM outbox WHERE state = 'pending')", ["checkouts", "outbox"], [int, int])[0]
    return left["checkouts"] == 0 and left["outbox"] == 0, left


def load_report(path):
    with open(path) as f:
        rep = json.load(f)
    with open(rep["customers_file"]) as f:
        rep["customer_users"] = [c["user_id"] for c in json.load(f)["customers"]]
    if rep.get("customer_slice"):
        first, count = rep["customer_slice"]
        rep["customer_users"] = rep["customer_users"][first:first + count]
    return rep


def check(args):
    reports = [load_report(p) for p in args.report]
    order_db = Psql(os.environ["QM_DRILL_ORDER_DB_URL"])
    product_db = Psql(os.environ["QM_DRILL_PRODUCT_DB_URL"])
    began = time.monotonic()
    done, left = settled(order_db)
    while not done and time.monotonic() - began < args.settle_s:
        time.sleep(0.5)
        done, left = settled(order_db)
    waited = f"settled after {time.monotonic() - began:.1f} s" if done else \
        f"not settled after {args.settle_s} s: {left['checkouts']} pending checkouts, {left['outbox']} pending outbox rows"
    db = read_shop(order_db, product_db)
    print(f"  [{args.phase}] {waited}; order_db {len(db['orders'])} orders, {len(db['dead_outbox'])} dead outbox rows")
    verdicts = run_checks(reports, db, args.final)
    for path in args.polite_report:
        verdicts.append(check_polite(load_report(path)))
    if args.logs:
        verdicts.append(check_access_logs(read_logs(args.logs)))
    if args.final and not done:
        verdicts.append(Verdict("settled", False, waited))
    for v in verdicts:
        print(f"  {v.line()}")
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump({v.name: {"ok": v.ok, "figures": v.figures} for v in verdicts}, f)
    return 0 if all(v.ok for v in verdicts) else 1


# --------------------------------------------------------------------------------------------
# Self-test: a consistent little shop, then one doctored copy per failure the checks must see.


def clean_shop():
    customers = {"customers": [{"user_id": 11}, {"user_id": 12}]}
    report = {
        "label": "selftest", "customers_file": "", "customer_users": [11, 12],
        "requests": [{"t": 0.1, "c": 0, "m": "POST", "r": "POST /orders/checkout", "s": 201, "ms": 5, "k": "ka"},
                     {"t": 0.2, "c": 1, "m": "POST", "r": "POST /orders/checkout", "s": 503, "ms": 5, "k": "kb"},
                     {"t": 0.3, "c": 1, "m": "POST", "r": "POST /orders/checkout", "s": 201, "ms": 5, "k": "kb"},
                     {"t": 0.4, "c": 1, "m": "POST", "r": "POST /orders/checkout", "s": 201, "ms": 5, "k": "kc"},
                     {"t": 0.5, "c": 0, "m": "POST", "r": "POST /orders/checkout", "s": 200, "ms": 5, "k": "ka"}],
        "server_errors": [{"t": 0.2, "route": "POST /orders/checkout", "status": 503, "code": "upstream_unavailable",
                           "retry_after": "1", "fallback": "", "body": ""}],
        "acknowledged": [
            {"key": "ka", "user_id": 11, "order_id": 101, "status": 201, "total_paise": 7000, "lines": [[1, 1, 5000]]},
            {"key": "kb", "user_id": 12, "order_id": 102, "status": 201, "total_paise": 22000,
             "lines": [[1, 2, 5000], [2, 1, 10000]]},
            {"key": "kc", "user_id": 12, "order_id": 103, "status": 201, "total_paise": 12000, "lines": [[2, 1, 10000]]}],
        "replays": [{"key": "ka", "user_id": 11, "order_id": 101, "status": 200, "replayed_id": 101}],
    }
    db = {
        "orders": [{"id": 101, "user_id": 11, "idem_key": "ka", "status": "confirmed", "total_paise": 7000, "reservation_id": "ra"},
                   {"id": 102, "user_id": 12, "idem_key": "kb", "status": "confirmed", "total_paise": 22000, "reservation_id": "rb2"},
                   {"id": 103, "user_id": 12, "idem_key": "kc", "status": "cancelled", "total_paise": 12000, "reservation_id": "rc"}],
        "order_lines": [{"order_id": 101, "product_id": 1, "quantity": 1, "price_paise": 5000},
                        {"order_id": 102, "product_id": 1, "quantity": 2, "price_paise": 5000},
                        {"order_id": 102, "product_id": 2, "quantity": 1, "price_paise": 10000},
                        {"order_id": 103, "product_id": 2, "quantity": 1, "price_paise": 10000}],
        "pending_checkouts": [], "queued_releases": [], "dead_outbox": [],
        # product 1: 10 entered, 3 on confirmed reservations -> 7 available; product 2: 5 + 2
        # restocked, 1 confirmed -> 6 available. rb1 was kb's first attempt (released), rc the
        # cancelled order's.
        "movements": [{"product_id": 1, "quantity": 10}, {"product_id": 2, "quantity": 7}],
        "stock": [{"product_id": 1, "available": 7}, {"product_id": 2, "available": 6}],
        "reservations": [{"id": "ra", "status": "confirmed", "expires_at": 1000},
                         {"id": "rb1", "status": "released", "expires_at": 1000},
                         {"id": "rb2", "status": "confirmed", "expires_at": 1000},
                         {"id": "rc", "status": "released", "expires_at": 1000}],
        "reservation_lines": [{"reservation_id": "ra", "product_id": 1, "quantity": 1},
                              {"reservation_id": "rb1", "product_id": 1, "quantity": 2},
                              {"reservation_id": "rb2", "product_id": 1, "quantity": 2},
                              {"reservation_id": "rb2", "product_id": 2, "quantity": 1},
                              {"reservation_id": "rc", "product_id": 2, "quantity": 1}],
        "now": 1500,
    }
    return customers, report, db


def doctored_cases():
    """(what, target check, final?, doctor(report, db)) for every failure the checks must catch."""
    def drop_order(rep, db):
        db["orders"] = [o for o in db["orders"] if o["id"] != 102]
        db["order_lines"] = [l for l in db["order_lines"] if l["order_id"] != 102]
        db["reservations"] = [r for r in db["reservations"] if r["id"] != "rb2"]
        db["reservation_lines"] = [l for l in db["reservation_lines"] if l["reservation_id"] != "rb2"]
        db["stock"] = [{"product_id": 1, "available": 9}, {"product_id": 2, "available": 7}]

    def wrong_total(rep, db):
        db["orders"][0]["total_paise"] += 100

    def duplicate(rep, db):
        db["orders"].append(dict(db["orders"][0], id=104, reservation_id="ra2"))
        db["order_lines"].append({"order_id": 104, "product_id": 1, "quantity": 1, "price_paise": 5000})
        db["reservations"].append({"id": "ra2", "status": "confirmed", "expires_at": 1000})
        db["reservation_lines"].append({"reservation_id": "ra2", "product_id": 1, "quantity": 1})
        db["stock"][0]["available"] -= 1

    def replay_other_id(rep, db):
        rep["replays"][0]["replayed_id"] = 105

    def order_from_nowhere(rep, db):
        db["orders"][2]["idem_key"] = "never-sent"

    def ledger_off_by_one(rep, db):
        db["stock"][1]["available"] += 1

    def confirmed_without_order(rep, db):
        db["reservations"][1]["status"] = "confirmed"
        db["stock"][0]["available"] -= 2

    def held_past_expiry(rep, db):
        db["reservations"][1]["status"] = "held"
        db["stock"][0]["available"] -= 2
        db["pending_checkouts"].append({"user_id": 12, "idem_key": "kd", "reservation_id": "rb1", "claimed_at": 900})

    def pending_at_the_end(rep, db):
        db["reservations"][1]["status"] = "confirmed"
        db["reservations"][1]["expires_at"] = 2000
        db["stock"][0]["available"] -= 2
        db["pending_checkouts"].append({"user_id": 12, "idem_key": "kd", "reservation_id": "rb1", "claimed_at": 1400})

    def cancelled_not_released(rep, db):
        db["reservations"][3]["status"] = "confirmed"
        db["stock"][1]["available"] -= 1

    def a_500(rep, db):
        rep["requests"].append({"t": 0.6, "c": 0, "m": "GET", "r": "GET /cart", "s": 500, "ms": 3})
        rep["server_errors"].append({"t": 0.6, "route": "GET /cart", "status": 500, "code": "internal",
                                     "retry_after": "", "fallback": "", "body": "{}"})

    def a_503_without_retry_after(rep, db):
        rep["server_errors"][0]["retry_after"] = ""

    return [
        ("an acknowledged order missing", "acknowledged orders exist", False, drop_order),
        ("an acknowledged total differs", "acknowledged orders exist", False, wrong_total),
        ("two orders for one (user, key)", "no duplicate orders", False, duplicate),
        ("a key sent again answered another id", "no duplicate orders", False, replay_other_id),
        ("an order under a key never sent", "no duplicate orders", False, order_from_nowhere),
        ("the ledger off by one", "stock and reservations agree", False, ledger_off_by_one),
        ("a confirmed reservation without an order", "stock and reservations agree", False, confirmed_without_order),
        ("a held reservation past its expiry", "stock and reservations agree", False, held_past_expiry),
        ("a checkout still pending at the end", "stock and reservations agree", True, pending_at_the_end),
        ("a cancelled order's stock not released", "stock and reservations agree", False, cancelled_not_released),
        ("a 500 in the report", "no 500", False, a_500),
        ("a 503 without Retry-After", "no 500", False, a_503_without_retry_after),
    ]


def selftest(_args):
    _, report, db = clean_shop()
    failures = 0
    for final in (False, True):
        for v in run_checks([report], db, final):
            if not v.ok:
                failures += 1
                print(f"selftest: the clean shop fails ({'final' if final else 'interim'}): {v.line()}")
    # An interim check accepts what a recovery will settle: a pending checkout's reservation.
    rep, interim = copy.deepcopy(report), copy.deepcopy(db)
    interim["reservations"][1]["status"] = "held"
    interim["reservations"][1]["expires_at"] = 2000
    interim["stock"][0]["available"] -= 2
    interim["pending_checkouts"].append({"user_id": 12, "idem_key": "kd", "reservation_id": "rb1", "claimed_at": 1400})
    bad = [v for v in run_checks([rep], interim, False) if not v.ok]
    if bad:
        failures += 1
        print(f"selftest: a pending checkout fails the interim check: {bad[0].line()}")
    for what, target, final, doctor in doctored_cases():
        rep, d = copy.deepcopy(report), copy.deepcopy(db)
        doctor(rep, d)
        verdicts = {v.name: v for v in run_checks([rep], d, final)}
        if verdicts[target].ok:
            failures += 1
            print(f"selftest: {what}: '{target}' still passes: {verdicts[target].figures}")
        else:
            print(f"selftest: {what}: caught by '{target}': {verdicts[target].problems[0]}")
    polite = {"label": "polite", "customer_users": [11],
              "requests": [{"t": 0.1, "c": 0, "m": "GET", "r": "GET /cart", "s": 200, "ms": 2}]}
    limited = copy.deepcopy(polite)
    limited["requests"].append({"t": 0.2, "c": 0, "m": "GET", "r": "GET /cart", "s": 429, "ms": 1})
    if not check_polite(polite).ok or check_polite(limited).ok:
        failures += 1
        print("selftest: the polite-client check does not tell a 429 from none")
    quiet = {"order": ['{"msg":"request","method":"POST","route":"/orders/checkout","status":503}', "not json"],
             "product": ['{"msg":"database unavailable","status":500}']}
    loud = copy.deepcopy(quiet)
    loud["product"].append('{"msg":"request","method":"POST","route":"/internal/reservations","status":500}')
    if not check_access_logs(quiet).ok or check_access_logs(loud).ok:
        failures += 1
        print("selftest: the access-log check does not tell a service's 500 from none")
    # The load never leaves the machine: anything but an http:// loopback address is refused.
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import drill_http
    for url in ("http://192.0.2.1:8000", "http://localhost:8000", "https://127.0.0.1:8000", "http://[::2]:80", "127.0.0.1:80"):
        try:
            drill_http.loopback_endpoint(url)
            failures += 1
            print(f"selftest: the driver would send load to {url}")
        except drill_http.NotLoopback:
            pass
    if drill_http.loopback_endpoint("http://127.0.0.1:8000") != ("127.0.0.1", 8000):
        failures += 1
        print("selftest: the driver refuses http://127.0.0.1:8000")
    print(f"selftest: {'PASS' if failures == 0 else 'FAIL'} ({len(doctored_cases())} doctored shops, a limited polite client, a 500 in a service's log and 5 remote URLs, "
          f"{failures} not caught)")
    return 0 if failures == 0 else 1


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--report", action="append", required=True)
    c.add_argument("--phase", default="check")
    c.add_argument("--settle-s", type=float, default=20.0)
    c.add_argument("--final", action="store_true")
    c.add_argument("--polite-report", action="append", default=[],
                   help="a report of clients that kept under their limits: no 429, no 5xx")
    c.add_argument("--summary", default="")
    c.add_argument("--logs", default="", help="DIR/logs: no service's access line may show a 500")
    sub.add_parser("selftest")
    args = p.parse_args(argv)
    return check(args) if args.command == "check" else selftest(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
