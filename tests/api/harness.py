"""
Shared machinery of the API tests: temporary data directories, `pcrm serve` instances on
free loopback ports, a small HTTP client (http.client, or a raw socket for requests that
http.client refuses to send), and assertion helpers.

Standard library only. run.py creates the one Env (harness.ENV) before loading the tests.
Servers are started lazily, by name, the first time a test asks for one, and all of them
are stopped (SIGTERM, exit status and sanitizer reports checked) by Env.shutdown().
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import unittest

DEMO_PASSWORD = "pcrm-demo-2026"
SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")
HANGUL = re.compile("[\uac00-\ud7a3]")
KST_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")
SERVING = re.compile(r"^pcrm (\S+) serving http://127\.0\.0\.1:(\d+) \(")

# Demo city (data/demo-*.csv): username -> (display name, role, department code).
DEMO_STAFF = {
    "admin": ("김도윤", "admin", "privacy-office"),
    "privacy": ("이서연", "privacy_officer", "privacy-office"),
    "csmanager": ("박지훈", "cs_manager", "civil-service"),
    "depthead": ("최민준", "dept_head", "road-maintenance"),
    "officer": ("정하은", "officer", "road-maintenance"),
    "officer2": ("강예준", "officer", "resource-circulation"),
    "agent": ("윤지우", "agent", "call-center"),
}
DEMO_DEPARTMENT_COUNT = 20

ENV = None  # set by run.py

_counter = [0]


def unique(prefix):
    """A name no other test uses (lower-case, digits and '-': valid as code or username)."""
    _counter[0] += 1
    return "%s-%d-%d" % (prefix, os.getpid() % 1000, _counter[0])


# --------------------------------------------------------------------------------------
# HTTP


class Response:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers  # list of (name, value) in the order received
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise AssertionError("%s: body is not JSON (%s)" % (self.describe(), e))

    def describe(self):
        shown = self.path if len(self.path) < 120 else self.path[:120] + "..."
        return "%s %s -> %d %s" % (self.method, shown, self.status, self.text()[:600])

    def __repr__(self):
        return "<Response %s>" % self.describe()


def encode_body(body, headers):
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    headers.setdefault("Content-Type", "application/json")
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def http_request(port, method, path, body=None, headers=None, source=None, chunks=None,
                 timeout=30):
    """One request on a fresh connection. chunks: a list of bytes sent with chunked encoding."""
    hdrs = dict(headers or {})
    data = encode_body(body, hdrs)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        if chunks is not None:
            hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=iter(chunks), headers=hdrs, encode_chunked=True)
        else:
            conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        body = r.read()
        return Response(method, path, r.status, list(r.getheaders()), body)
    finally:
        conn.close()


def raw_request(port, data, timeout=30, source=None):
    """Sends raw bytes (a whole HTTP request) and parses the one response (until close)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass  # the server may answer early (413) and stop reading; read what it said
        chunks = []
        while True:
            try:
                d = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not d:
                break
            chunks.append(d)
            if _response_complete(b"".join(chunks)):
                break
    finally:
        s.close()
    return parse_raw_response(b"".join(chunks), data)


def _response_complete(buf):
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    return bool(m) and len(rest) >= int(m.group(1))


def parse_raw_response(buf, request):
    line = request.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    method, path = parts[0], (parts[1] if len(parts) > 1 else "")
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError("%s %s: no HTTP response (got %r)" % (method, path, buf[:200]))
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = []
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers.append((k.strip(), v.strip()))
    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    body = rest[: int(m.group(1))] if m else rest
    return Response(method, path, status, headers, body)


# --------------------------------------------------------------------------------------
# Servers and the CLI


def _die_with_parent():
    """In the child: SIGTERM when the test runner dies, so no server outlives a killed run."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Server:
    def __init__(self, env, name, data_dir, extra_env, web_dir):
        self.env = env
        self.name = name
        self.data_dir = data_dir
        self.extra_env = dict(extra_env or {})
        self.web_dir = web_dir
        self.proc = None
        self.port = None
        self.version = None
        self.stop_problems = None
        self.stdout_path = os.path.join(env.workdir, "%s.stdout" % name)
        self.stderr_path = os.path.join(env.workdir, "%s.stderr" % name)

    def start(self):
        env = self.env.child_env(self.extra_env)
        out = open(self.stdout_path, "wb")
        err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [self.env.pcrm, "serve", "--data", self.data_dir, "--listen", "127.0.0.1:0",
             "--web", self.web_dir], stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
            preexec_fn=_die_with_parent)
        out.close()
        err.close()
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(self.stdout_path, "rb") as f:
                first = f.readline()
            if first.endswith(b"\n"):
                m = SERVING.match(first.decode("utf-8", "replace"))
                if not m:
                    raise RuntimeError("server %s: unexpected first line %r" % (self.name, first))
                self.version, self.port = m.group(1), int(m.group(2))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("server %s exited with %s before serving:\n%s" %
                                   (self.name, self.proc.returncode, self.stderr_text()[-3000:]))
            time.sleep(0.05)
        raise RuntimeError("server %s did not print its address within 30 s" % self.name)

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns a list of problems (empty when it shut down cleanly)."""
        if self.stop_problems is not None:
            return self.stop_problems
        problems = []
        if self.proc is None:
            return problems
        if self.proc.poll() is not None:
            problems.append("server %s had already exited with status %s" %
                            (self.name, self.proc.returncode))
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=15)
                if rc != 0:
                    problems.append("server %s exited with status %s after SIGTERM" %
                                    (self.name, rc))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                problems.append("server %s did not exit within 15 s of SIGTERM" % self.name)
        text = self.stderr_text()
        for marker in SANITIZER_MARKERS:
            if marker in text:
                i = text.index(marker)
                problems.append("server %s stderr has %r:\n%s" %
                                (self.name, marker, text[max(0, i - 200): i + 3000]))
                break
        self.stop_problems = problems
        return problems

    # -- requests
    def request(self, method, path, body=None, headers=None, **kw):
        return http_request(self.port, method, path, body, headers, **kw)

    def raw(self, data, **kw):
        return raw_request(self.port, data, **kw)

    def client(self, source=None):
        return Client(self, source)

    def login(self, username, password=DEMO_PASSWORD, tenant="busan", source=None):
        """A signed-in Client; fails the test when the login does not succeed."""
        c = Client(self, source)
        r = c.login(username, password, tenant)
        if r.status != 200:
            raise AssertionError("login %s/%s failed: %s" % (tenant, username, r.describe()))
        return c

    def db(self):
        return sqlite3.connect(os.path.join(self.data_dir, "pcrm.db"), timeout=30)

    def db_scalar(self, sql, params=()):
        con = self.db()
        try:
            return con.execute(sql, params).fetchone()[0]
        finally:
            con.close()


class Client:
    """A staff member's browser: the session cookie and the CSRF token, or an API key."""

    def __init__(self, server, source=None, bearer=None):
        self.server = server
        self.source = source
        self.cookie = None
        self.csrf = None
        self.bearer = bearer
        self.user = None

    def login(self, username, password=DEMO_PASSWORD, tenant="busan"):
        r = self.server.request("POST", "/api/v1/auth/login",
                                {"tenant": tenant, "username": username, "password": password},
                                source=self.source)
        if r.status == 200:
            cookie = r.header("Set-Cookie") or ""
            m = re.match(r"pcrm_session=([^;]*)", cookie)
            self.cookie = m.group(1) if m else None
            body = r.json()
            self.csrf = body.get("csrf_token")
            self.user = body.get("user")
        return r

    def request(self, method, path, body=None, headers=None, csrf=True, **kw):
        hdrs = dict(headers or {})
        if self.bearer:
            hdrs.setdefault("Authorization", "Bearer " + self.bearer)
        if self.cookie is not None:
            hdrs.setdefault("Cookie", "pcrm_session=" + self.cookie)
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs.setdefault("X-CSRF-Token", self.csrf)
        kw.setdefault("source", self.source)
        return self.server.request(method, path, body, hdrs, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def logout(self):
        return self.post("/api/v1/auth/logout")


class Env:
    def __init__(self, pcrm, workdir, verbose=False):
        self.pcrm = os.path.abspath(pcrm)
        self.workdir = workdir
        self.verbose = verbose
        self.servers = {}
        self._template = None
        self._web = None

    def child_env(self, extra=None):
        env = dict(os.environ)
        env["PCRM_PWHASH"] = "min"
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        for k in list(env):
            if k.startswith("PCRM_") and k != "PCRM_PWHASH":
                del env[k]
        # Tests file many public complaints from 127.0.0.1; those that test the limit
        # set it themselves.
        env["PCRM_PUBLIC_RATE_LIMIT"] = "0"
        # SMS wait for the morning outside 08:00-21:00 KST; tests of that set it themselves.
        env["PCRM_QUIET_HOURS"] = "off"
        env.update(extra or {})
        for k in [k for k, v in env.items() if v is None]:
            del env[k]  # extra_env {"NAME": None} unsets a variable
        return env

    def cli(self, args, stdin=None, extra_env=None, timeout=120):
        """Runs pcrm; fails the calling test if it printed a sanitizer report."""
        p = subprocess.run([self.pcrm] + list(args), input=stdin, capture_output=True,
                           env=self.child_env(extra_env), timeout=timeout)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        for marker in SANITIZER_MARKERS:
            if marker in err:
                raise AssertionError("pcrm %s: sanitizer report:\n%s" % (" ".join(args), err))
        return subprocess.CompletedProcess(p.args, p.returncode, out, err)

    def template(self):
        if self._template is None:
            d = os.path.join(self.workdir, "template")
            p = self.cli(["init", "--data", d, "--demo"])
            if p.returncode != 0:
                raise RuntimeError("pcrm init --demo failed (%d): %s" % (p.returncode, p.stderr))
            self._template = d
        return self._template

    def new_data_dir(self, name):
        d = os.path.join(self.workdir, "data-" + name)
        shutil.copytree(self.template(), d)
        os.chmod(d, 0o700)
        return d

    def web_dir(self):
        """A web UI directory with known files, a symlink out of it and a dot-file."""
        if self._web is None:
            w = os.path.join(self.workdir, "web")
            os.makedirs(os.path.join(w, "assets"))
            with open(os.path.join(w, "index.html"), "w", encoding="utf-8") as f:
                f.write("<!doctype html><title>부산광역시 민원</title><p>시민 중심 PCRM</p>\n")
            with open(os.path.join(w, "assets", "app.js"), "w", encoding="utf-8") as f:
                f.write("console.log('민원 접수');\n")
            with open(os.path.join(w, "app.css"), "w") as f:
                f.write("body { margin: 0 }\n")
            with open(os.path.join(w, ".secret"), "w") as f:
                f.write("dot-file secret\n")
            os.makedirs(os.path.join(w, ".git"))
            with open(os.path.join(w, ".git", "config"), "w") as f:
                f.write("[core]\n")
            os.symlink("/etc/passwd", os.path.join(w, "passwd.txt"))
            # a file beside the web dir that traversal would reach
            with open(os.path.join(self.workdir, "outside.txt"), "w") as f:
                f.write("outside the web root\n")
            self._web = w
        return self._web

    def server(self, name, extra_env=None, data_dir=None):
        """The named server, started on first use with its own copy of the demo data."""
        s = self.servers.get(name)
        if s is None:
            d = data_dir or self.new_data_dir(name)
            s = Server(self, name, d, extra_env, self.web_dir())
            self.servers[name] = s
            s.start()
        if not s.alive():
            raise AssertionError("server %s is not running (exit %s):\n%s" %
                                 (name, s.proc.returncode, s.stderr_text()[-3000:]))
        return s

    def main(self):
        # Failed logins are part of many tests; keep the main server from throttling them.
        return self.server("main", {"PCRM_THROTTLE_FAILURES": "1000"})

    def apikey(self, data_dir, role="admin", tenant="busan", name=None):
        p = self.cli(["apikey", "add", "--data", data_dir, "--tenant", tenant, "--role", role,
                      "--name", name or unique("key")])
        if p.returncode != 0:
            raise AssertionError("pcrm apikey add failed (%d): %s" % (p.returncode, p.stderr))
        key = p.stdout.strip()
        if not re.match(r"^pcrm_[A-Za-z0-9_-]{20,}$", key) or "\n" in key:
            raise AssertionError("pcrm apikey add printed %r, not just a key" % p.stdout)
        return key

    def shutdown(self):
        """Stops every server; returns [(check name, problems)]."""
        results = []
        for name, s in self.servers.items():
            results.append(("server %s shuts down cleanly, no sanitizer report" % name,
                            s.stop()))
        return results


# --------------------------------------------------------------------------------------
# Test base class


class ApiTest(unittest.TestCase):
    maxDiff = 4000

    @property
    def env(self):
        return ENV

    def main(self):
        return ENV.main()

    def assertStatus(self, r, status):
        self.assertEqual(r.status, status, r.describe())

    def assertJson(self, r, status):
        self.assertEqual(r.status, status, r.describe())
        ct = r.header("Content-Type") or ""
        self.assertTrue(ct.startswith("application/json"), "Content-Type %r: %s" %
                        (ct, r.describe()))
        return r.json()

    def assertError(self, r, status, code, field=None):
        """{"error":{"code","message","field"?}} with a Korean message."""
        body = self.assertJson(r, status)
        self.assertIsInstance(body, dict, r.describe())
        self.assertEqual(list(body.keys()), ["error"], r.describe())
        e = body["error"]
        self.assertIsInstance(e, dict, r.describe())
        self.assertEqual(e.get("code"), code, r.describe())
        msg = e.get("message")
        self.assertIsInstance(msg, str, r.describe())
        self.assertRegex(msg, HANGUL, "error message is not Korean: " + r.describe())
        if field is not None:
            self.assertEqual(e.get("field"), field, r.describe())
        return e

    def assertKstTime(self, value, near_now=True):
        self.assertIsInstance(value, str)
        self.assertRegex(value, KST_TIME)
        if near_now:
            import datetime
            t = datetime.datetime.fromisoformat(value)
            now = datetime.datetime.now(datetime.timezone.utc)
            self.assertLess(abs((t - now).total_seconds()), 300, value)

    # -- lookups through the API
    def all_pages(self, client, path, page=None):
        items, cursor, seen = [], None, 0
        sep = "&" if "?" in path else "?"
        while True:
            q = path
            params = []
            if page:
                params.append("limit=%d" % page)
            if cursor:
                params.append("cursor=" + cursor)
            if params:
                q = path + sep + "&".join(params)
            body = self.assertJson(client.get(q), 200)
            items.extend(body["items"])
            cursor = body["next_cursor"]
            seen += 1
            self.assertLess(seen, 1000, "pagination does not end")
            if cursor is None:
                return items

    def dept_by_code(self, client, code):
        for d in self.all_pages(client, "/api/v1/departments"):
            if d["code"] == code:
                return d
        self.fail("no department %s" % code)

    def user_by_name(self, admin, username):
        for u in self.all_pages(admin, "/api/v1/users"):
            if u["username"] == username:
                return u
        self.fail("no user %s" % username)

    def audit(self, client, **filters):
        from urllib.parse import urlencode
        q = "/api/v1/audit"
        if filters:
            q += "?" + urlencode(filters)
        return self.assertJson(client.get(q), 200)["items"]
