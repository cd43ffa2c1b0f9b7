#!/usr/bin/env python3
"""The fault drills' load: virtual customers browse, fill carts and check out through the
gateway, on loopback only, bounded in requests, concurrency and wall time.

  load_driver.py register --gateway URL --count N --out CUSTOMERS.json [--first-source I]
  load_driver.py run --gateway URL --customers CUSTOMERS.json --catalogue CATALOGUE.json
                     --report REPORT.json [--progress PROGRESS.json] [--duration-s S]
                     [--concurrency C] [--max-requests M] [--checkout-retry-s S] ...

A session takes one idle customer: list, search and open products, add one to three of them to
the cart, check out with a fresh Idempotency-Key. A checkout that meets no answer, a 502/503/504
or 409 checkout_in_progress is sent again with the SAME key (pausing Retry-After), a bounded
number of times, as a real client does; that is what makes "never a duplicate" meaningful.
Some acknowledged checkouts are sent once more on purpose (the same id must come back) and
some orders are cancelled by their customer. Each customer keeps under its rate limit (a
client-side sliding log), so a 429 in the report means the gateway limited a polite client.

The report (JSON) holds every request (time, customer, method, route, status, latency), every
acknowledged order (key, user, id, status, lines, totals, attempts), every replay and cancel,
every checkout given up, and every 5xx with its route, code and Retry-After. The checker
(drill_checks.py) judges it; the driver only records.
"""

import argparse
import json
import os
import random
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import drill_http  # noqa: E402

ADDRESSES = ["12 MG Road, Bengaluru", "4 Church Street, Bengaluru", "88 Residency Road, Bengaluru"]
RETRYABLE_STATUSES = (0, 502, 503, 504)
MAX_CONCURRENCY = 64
MAX_DURATION_S = 600
MAX_REQUESTS = 200000


def hex_id(n=8):
    return os.urandom(n).hex()


def write_json_atomically(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f)
    os.replace(tmp, path)


def route_of(method, target):
    """The route a target belongs to, ids replaced (what the report groups by)."""
    path = target.split("?", 1)[0]
    parts = ["{id}" if p.isdigit() else p for p in path.split("/")]
    return method + " " + "/".join(parts)


# --------------------------------------------------------------------------------------------
# register


def register(args):
    gw_url = args.gateway
    drill_http.loopback_endpoint(gw_url)
    customers = []
    tag = hex_id(4)
    for i in range(args.count):
        source = drill_http.source_address(args.first_source + i)
        gw = drill_http.Gateway(gw_url, source)
        email = f"drill-{tag}-{i}@example.com"
        password = "pw-" + hex_id(12)
        r = gw.request("POST", "/auth/register", {"email": email, "password": password, "name": f"Drill {i}"})
        if r.status != 201:
            print(f"load_driver: register {email} from {source}: {r.status} {r.body[:200]} {r.error}", file=sys.stderr)
            return 1
        user_id = r.json()["id"]
        r = gw.request("POST", "/auth/login", {"email": email, "password": password})
        if r.status != 200:
            print(f"load_driver: login {email}: {r.status} {r.body[:200]} {r.error}", file=sys.stderr)
            return 1
        customers.append({"email": email, "password": password, "user_id": user_id, "source": source,
                          "token": r.json()["access_token"]})
    write_json_atomically(args.out, {"customers": customers})
    print(f"load_driver: {len(customers)} customers registered and logged in "
          f"({customers[0]['source']}..{customers[-1]['source']})")
    return 0


# --------------------------------------------------------------------------------------------
# run


class Recorder:
    """Everything the run saw; one lock, the report is written once at the end."""

    def __init__(self, started):
        self.lock = threading.Lock()
        self.started = started
        self.requests = []
        self.acknowledged = []
        self.replays = []
        self.cancels = []
        self.refused = []
        self.given_up = []
        self.server_errors = []
        self.anomalies = []
        self.checkouts_in_flight = 0
        self.count = 0

    def request(self, customer, method, target, reply, took_s, key=""):
        route = route_of(method, target)
        entry = {"t": round(time.monotonic() - self.started, 3), "c": customer, "m": method, "r": route,
                 "s": reply.status, "ms": round(took_s * 1000, 1)}
        if key:
            entry["k"] = key
        with self.lock:
            self.count += 1
            self.requests.append(entry)
            if reply.status >= 500:
                self.server_errors.append({"t": entry["t"], "route": route, "status": reply.status,
                                           "code": reply.error_code(),
                                           "retry_after": reply.header("Retry-After"),
                                           "fallback": reply.header("X-Quickmart-Fallback"),
                                           "body": reply.body[:300]})

    def add(self, kind, value):
        with self.lock:
            getattr(self, kind).append(value)

    def in_flight(self, delta):
        with self.lock:
            self.checkouts_in_flight += delta

    def progress(self):
        with self.lock:
            return {"elapsed_s": round(time.monotonic() - self.started, 2), "requests": self.count,
                    "acknowledged": len(self.acknowledged), "checkouts_in_flight": self.checkouts_in_flight,
                    "server_errors": len(self.server_errors), "given_up": len(self.given_up)}


class Customer:
    def __init__(self, index, record, gateway_url, timeout_s):
        self.index = index
        self.email = record["email"]
        self.password = record["password"]
        self.user_id = record["user_id"]
        self.token = record["token"]
        self.gw = drill_http.Gateway(gateway_url, record["source"], timeout_s)
        self.sent_at = []  # monotonic times of requests in the last minute (client-side pacing)
        self.paused_until = 0.0


class Run:
    def __init__(self, args, customers, catalogue):
        self.args = args
        self.rng = random.Random(args.seed)
        self.rng_lock = threading.Lock()
        self.started = time.monotonic()
        self.soft_end = self.started + args.duration_s
        self.hard_end = self.soft_end + args.checkout_retry_s + 5
        self.rec = Recorder(self.started)
        self.customers = [Customer(i, c, args.gateway, args.timeout_s) for i, c in enumerate(customers)]
        self.idle = list(self.customers)
        self.idle_lock = threading.Lock()
        self.products = catalogue["products"]
        self.categories = catalogue["categories"]
        self.words = catalogue["words"]
        self.stopping = threading.Event()

    def chance(self, permille):
        with self.rng_lock:
            return self.rng.randrange(1000) < permille

    def pick(self, seq):
        with self.rng_lock:
            return self.rng.choice(seq)

    def sample(self, seq, k):
        with self.rng_lock:
            return self.rng.sample(seq, min(k, len(seq)))

    def randint(self, a, b):
        with self.rng_lock:
            return self.rng.randint(a, b)

    def over_budget(self):
        return self.rec.count >= self.args.max_requests

    def new_sessions_allowed(self):
        return not self.stopping.is_set() and time.monotonic() < self.soft_end and not self.over_budget()

    # A customer is taken when idle, not paused by a 429, and with room for a whole session
    # under its per-minute budget.
    def take_customer(self):
        now = time.monotonic()
        with self.idle_lock:
            for i, c in enumerate(self.idle):
                c.sent_at = [t for t in c.sent_at if now - t < 60]
                if c.paused_until <= now and len(c.sent_at) + 12 <= self.args.per_customer_per_min:
                    return self.idle.pop(i)
        return None

    def give_back(self, c):
        with self.idle_lock:
            self.idle.append(c)

    def send(self, c, method, target, body=None, headers=None, key=""):
        c.sent_at.append(time.monotonic())
        began = time.monotonic()
        r = c.gw.request(method, target, body, c.token, headers)
        self.rec.request(c.index, method, target, r, time.monotonic() - began, key)
        if r.status == 429:
            c.paused_until = time.monotonic() + r.retry_after_s()
        if r.status == 401 and not target.startswith("/auth/"):
            self.relogin(c)  # an access token past its life; the next request carries the new one
        return r

    def relogin(self, c):
        r = c.gw.request("POST", "/auth/login", {"email": c.email, "password": c.password})
        self.rec.request(c.index, "POST", "/auth/login", r, 0.0)
        if r.status == 200:
            c.token = r.json()["access_token"]

    def browse(self, c):
        self.send(c, "GET", f"/products?limit=20&offset={self.pick([0, 0, 5, 10])}")
        if self.chance(500):
            self.send(c, "GET", f"/products?category_id={self.pick(self.categories)}")
        else:
            self.send(c, "GET", f"/products?q={self.pick(self.words)}")
        r = self.send(c, "GET", f"/products/{self.pick(self.products)['id']}")
        if self.chance(200):
            self.send(c, "GET", "/categories")
        return r.status != 0

    def fill_cart(self, c):
        for p in self.sample(self.products, self.randint(1, 3)):
            r = self.send(c, "POST", "/cart/items", {"product_id": p["id"], "quantity": self.randint(1, 2)})
            if r.status != 200:
                return False
        return True

    def checkout(self, c):
        key = "drill-" + hex_id(10)
        body = {"address": self.pick(ADDRESSES), "location": {"lat": 12.97, "lon": 77.6}}
        statuses = []
        first_at = time.monotonic()
        give_up_at = min(first_at + self.args.checkout_retry_s, self.hard_end)
        self.rec.in_flight(+1)
        try:
            for attempt in range(1, self.args.checkout_attempts + 1):
                r = self.send(c, "POST", "/orders/checkout", body, {"Idempotency-Key": key}, key)
                statuses.append(r.status)
                if r.status in (200, 201) and isinstance(r.json(), dict) and "id" in r.json():
                    return self.acknowledged(c, key, body, r, attempt, statuses)
                retry = r.status in RETRYABLE_STATUSES or (r.status == 409 and r.error_code() == "checkout_in_progress")
                if r.status == 429:
                    retry = True
                if not retry:
                    return self.refused(c, key, r, statuses)
                pause = max(r.retry_after_s(0.0) if r.status else 0.0, min(2.0, 0.25 * 2 ** (attempt - 1)))
                if time.monotonic() + pause >= give_up_at or self.stopping.is_set():
                    break
                time.sleep(pause)
            self.rec.add("given_up", {"key": key, "user_id": c.user_id, "statuses": statuses,
                                      "span_s": round(time.monotonic() - first_at, 2)})
            self.send(c, "DELETE", "/cart")
            return None
        finally:
            self.rec.in_flight(-1)

    def acknowledged(self, c, key, body, r, attempt, statuses):
        d = r.json()
        order = {"key": key, "user_id": c.user_id, "customer": c.index, "order_id": d["id"],
                 "status": r.status, "order_status": d.get("status"), "total_paise": d.get("total_paise"),
                 "subtotal_paise": d.get("subtotal_paise"), "delivery_fee_paise": d.get("delivery_fee_paise"),
                 "lines": sorted([l["product_id"], l["quantity"], l["price_paise"]] for l in d.get("lines", [])),
                 "attempts": attempt, "statuses": statuses,
                 "t": round(time.monotonic() - self.started, 3)}
        if d.get("user_id") != c.user_id:
            self.rec.add("anomalies", {"what": "order acknowledged for another user", "order": order})
        self.rec.add("acknowledged", order)
        if self.chance(self.args.replay_permille):
            again = self.send(c, "POST", "/orders/checkout", body, {"Idempotency-Key": key}, key)
            replay = {"key": key, "user_id": c.user_id, "order_id": d["id"], "status": again.status,
                      "replayed_id": (again.json() or {}).get("id") if again.status in (200, 201) else None}
            self.rec.add("replays", replay)
        if self.chance(self.args.cancel_permille):
            self.cancel(c, d["id"])
        return order

    def cancel(self, c, order_id):
        statuses = []
        for _ in range(3):
            r = self.send(c, "POST", f"/orders/{order_id}/cancel")
            statuses.append(r.status)
            if r.status not in RETRYABLE_STATUSES:
                break
            time.sleep(max(0.5, r.retry_after_s()))
        self.rec.add("cancels", {"order_id": order_id, "user_id": c.user_id, "statuses": statuses,
                                 "cancelled": statuses[-1] == 200})

    def refused(self, c, key, r, statuses):
        self.rec.add("refused", {"key": key, "user_id": c.user_id, "status": r.status,
                                 "code": r.error_code(), "statuses": statuses})
        if r.status not in (402, 409):
            self.rec.add("anomalies", {"what": "checkout answered an unexpected status", "key": key,
                                       "status": r.status, "body": r.body[:300]})
        # The refused cart stays as it was; the next session starts from an empty one.
        self.send(c, "DELETE", "/cart")
        return None

    def session(self, c):
        if not self.browse(c):
            return
        if self.chance(self.args.checkout_permille):
            if self.fill_cart(c):
                self.checkout(c)
            else:
                self.send(c, "DELETE", "/cart")

    def worker(self):
        while self.new_sessions_allowed():
            c = self.take_customer()
            if c is None:
                time.sleep(0.05)
                continue
            try:
                self.session(c)
            finally:
                self.give_back(c)
            if self.args.think_ms:
                time.sleep(self.args.think_ms / 1000.0)

    def write_progress(self):
        while not self.stopping.wait(0.25):
            if self.args.progress:
                write_json_atomically(self.args.progress, self.rec.progress())

    def run(self):
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.args.concurrency)]
        reporter = threading.Thread(target=self.write_progress, daemon=True)
        reporter.start()
        for t in threads:
            t.start()
        for t in threads:
            # Workers stop starting sessions at the soft end; a checkout still retrying has
            # until the hard end. A thread alive past that is reported, never waited for.
            t.join(max(0.0, self.hard_end + 10 - time.monotonic()))
        stuck = sum(1 for t in threads if t.is_alive())
        self.stopping.set()
        reporter.join(1)
        return stuck

    def report(self, stuck):
        rec = self.rec
        by_status = {}
        for e in rec.requests:
            key = f"{e['r']} {e['s']}"
            by_status[key] = by_status.get(key, 0) + 1
        return {
            "gateway": self.args.gateway, "label": self.args.label,
            "customers_file": os.path.abspath(self.args.customers), "customer_slice": self.args.use_customers,
            "config": {k: getattr(self.args, k) for k in ("duration_s", "concurrency", "max_requests",
                                                          "checkout_attempts", "checkout_retry_s",
                                                          "per_customer_per_min", "seed")},
            "wall_s": round(time.monotonic() - self.started, 2), "stuck_workers": stuck,
            "request_count": len(rec.requests), "by_route_status": by_status,
            "requests": rec.requests, "acknowledged": rec.acknowledged, "replays": rec.replays,
            "cancels": rec.cancels, "refused": rec.refused, "given_up": rec.given_up,
            "server_errors": rec.server_errors, "anomalies": rec.anomalies,
        }


def run(args):
    drill_http.loopback_endpoint(args.gateway)
    with open(args.customers) as f:
        customers = json.load(f)["customers"]
    with open(args.catalogue) as f:
        catalogue = json.load(f)
    if args.use_customers:
        first, count = args.use_customers
        customers = customers[first:first + count]
    if not customers:
        print("load_driver: no customers", file=sys.stderr)
        return 2
    r = Run(args, customers, catalogue)
    signal.signal(signal.SIGTERM, lambda *_: r.stopping.set())
    stuck = r.run()
    report = r.report(stuck)
    write_json_atomically(args.report, report)
    p = r.rec.progress()
    retried = [a for a in report["acknowledged"] if a["attempts"] > 1]
    print(f"load_driver[{args.label}]: {report['request_count']} requests in {report['wall_s']} s, "
          f"{p['acknowledged']} orders acknowledged ({len(retried)} after retries with their key, "
          f"{sum(1 for a in retried if a['status'] == 200)} of them answered 200: created by an earlier try), "
          f"{len(report['refused'])} refused, "
          f"{len(report['given_up'])} given up, {len(report['server_errors'])} x 5xx, "
          f"{sum(1 for e in report['requests'] if e['s'] == 429)} x 429")
    failed = {}
    for e in report["server_errors"]:
        key = f"{e['route']} {e['status']} {e['code']}".rstrip()
        failed[key] = failed.get(key, 0) + 1
    if failed:
        print("  5xx by route: " + ", ".join(f"{k} x{n}" for k, n in sorted(failed.items(), key=lambda kv: -kv[1])))
    return 0 if stuck == 0 else 1


def bounded(lo, hi):
    def parse(text):
        v = float(text) if "." in text else int(text)
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"must be {lo}..{hi}")
        return v
    return parse


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("register")
    reg.add_argument("--gateway", required=True)
    reg.add_argument("--count", type=bounded(1, 500), required=True)
    reg.add_argument("--first-source", type=bounded(0, 60000), default=0)
    reg.add_argument("--out", required=True)
    go = sub.add_parser("run")
    go.add_argument("--gateway", required=True)
    go.add_argument("--customers", required=True)
    go.add_argument("--use-customers", type=int, nargs=2, metavar=("FIRST", "COUNT"))
    go.add_argument("--catalogue", required=True)
    go.add_argument("--report", required=True)
    go.add_argument("--progress", default="")
    go.add_argument("--label", default="load")
    go.add_argument("--duration-s", type=bounded(0.5, MAX_DURATION_S), default=10.0)
    go.add_argument("--concurrency", type=bounded(1, MAX_CONCURRENCY), default=8)
    go.add_argument("--max-requests", type=bounded(1, MAX_REQUESTS), default=20000)
    go.add_argument("--timeout-s", type=bounded(0.5, 30.0), default=8.0)
    go.add_argument("--checkout-attempts", type=bounded(1, 50), default=20)
    go.add_argument("--checkout-retry-s", type=bounded(0.0, 120.0), default=15.0)
    go.add_argument("--checkout-permille", type=bounded(0, 1000), default=700)
    go.add_argument("--replay-permille", type=bounded(0, 1000), default=150)
    go.add_argument("--cancel-permille", type=bounded(0, 1000), default=80)
    go.add_argument("--per-customer-per-min", type=bounded(13, 1000), default=80)
    go.add_argument("--think-ms", type=bounded(0, 5000), default=0)
    go.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    try:
        return register(args) if args.command == "register" else run(args)
    except drill_http.NotLoopback as e:
        print(f"load_driver: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
