"""HTTP to the shop's gateway for the fault drills: loopback only, every call bounded.

One call is one fresh connection (http.client), so a killed upstream or a restarted gateway
never leaves a half-dead pooled socket behind, and each caller can pick its own loopback source
address: the gateway limits anonymous and credential routes per client address, so virtual
customers speak from distinct addresses of 127/8 (Linux routes all of it to lo), exactly as
distinct clients would.
"""

import http.client
import ipaddress
import json
import socket
import time
import urllib.parse


class NotLoopback(ValueError):
    pass


def loopback_endpoint(url):
    """(host, port) of an http:// URL whose host is a loopback address; refuses anything else."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.port is None:
        raise NotLoopback(f"{url}: want http://127.x.y.z:PORT")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        raise NotLoopback(f"{url}: the host must be a loopback address, not a name") from None
    if not address.is_loopback:
        raise NotLoopback(f"{url}: {address} is not a loopback address; the drills only speak to this machine")
    return parts.hostname, parts.port


def source_address(index):
    """The index-th distinct loopback source address (127.0.1.1 upwards, skipping .0 and .255)."""
    if not 0 <= index < 250 * 250:
        raise ValueError(f"source address index {index} out of range")
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


class Reply:
    """One answer: status (0 when nothing answered), headers (lower-case names), body, JSON."""

    def __init__(self, status, headers, body, error=""):
        self.status = status
        self.headers = headers
        self.body = body
        self.error = error

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def header(self, name):
        return self.headers.get(name.lower(), "")

    def error_code(self):
        d = self.json()
        if isinstance(d, dict) and isinstance(d.get("error"), dict):
            return d["error"].get("code", "")
        return ""

    def retry_after_s(self, default_s=1.0):
        try:
            return max(0.0, float(self.header("Retry-After")))
        except ValueError:
            return default_s


class Gateway:
    """Requests to one loopback base URL from one loopback source address."""

    def __init__(self, base_url, source="127.0.0.1", timeout_s=10.0):
        self.host, self.port = loopback_endpoint(base_url)
        self.source = source
        self.timeout_s = timeout_s

    def request(self, method, target, body=None, token="", headers=None):
        sent = {"Connection": "close"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = "Bearer " + token
        sent.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s,
                                          source_address=(self.source, 0))
        try:
            conn.request(method, target, body=payload, headers=sent)
            r = conn.getresponse()
            data = r.read()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()},
                         data.decode("utf-8", "replace"))
        except (OSError, http.client.HTTPException, socket.timeout) as e:
            return Reply(0, {}, "", error=f"{type(e).__name__}: {e}")
        finally:
            conn.close()


def wait_until(deadline_s, predicate, pause_s=0.25):
    """Calls predicate until it returns a true value or the monotonic deadline passes."""
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline_s:
            return value
        time.sleep(pause_s)
