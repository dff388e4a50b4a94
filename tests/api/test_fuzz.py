"""
A bounded, seeded fuzz loop: garbage bodies and paths to the state-changing endpoints.
Every generated request is invalid by construction, so every answer must be a 4xx JSON
error, nothing may change in the database, and the server must stay healthy.
"""
import json
import random
import urllib.parse

from harness import HANGUL, ApiTest, Client

SEED = 20261128
ROUNDS = 300

DEPT = {"code": "fz-ok", "name": "퍼즈시험과", "phone": "051-000-0000", "parent_id": 1,
        "active": True}
USER = {"username": "fuzzuser", "display_name": "퍼즈", "password": "0123456789",
        "role": "agent", "email": "fuzz@busan.go.kr", "phone": "010-0000-0000", "active": True,
        "dept_code": "parking"}
LOGIN = {"tenant": "busan", "username": "admin", "password": "fuzz-fuzz-fuzz"}

STRING_FIELDS = {"code", "name", "phone", "username", "display_name", "password", "role",
                 "email", "dept_code", "tenant"}
INT_FIELDS = {"parent_id", "dept_id"}
BOOL_FIELDS = {"active"}
LIMITS = {"code": 32, "name": 50, "phone": 20, "username": 32, "display_name": 40,
          "password": 256, "email": 120, "dept_code": 32, "tenant": 64, "role": 32}
ALPHABET = ("abcxyz019-_.~!@#$%^&*()[]{}<>?/\\|'\" 가나다부산시민원도로과😀\u00e9\u4e2d")


class FuzzTest(ApiTest):
    def setUp(self):
        self.s = self.env.server("fuzz")
        self.rng = random.Random(SEED)
        self.admin = self.s.login("admin")
        self.key = Client(self.s, bearer=self.env.apikey(self.s.data_dir, role="admin"))

    # -- generators: each returns bytes that must be refused
    def rand_text(self, lo, hi):
        return "".join(self.rng.choice(ALPHABET) for _ in range(self.rng.randint(lo, hi)))

    def g_random_bytes(self, base, creating):
        b = bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(0, 300)))
        try:
            if isinstance(json.loads(b.decode("utf-8")), dict):
                return b"{"  # astronomically unlikely; keep the request invalid
        except (UnicodeDecodeError, ValueError):
            pass
        return b

    def g_truncated(self, base, creating):
        full = json.dumps(base, ensure_ascii=False).encode()
        return full[: self.rng.randint(0, len(full) - 1)]

    def g_not_object(self, base, creating):
        return self.rng.choice([b"[]", b"null", b"0", b"-1.5e3", b"\"\xeb\xb6\x80\"", b"true",
                                json.dumps([base]).encode(), b"\"{}\""])

    def g_wrong_type(self, base, creating):
        b = dict(base)
        f = self.rng.choice(sorted(b))
        if f in STRING_FIELDS:
            b[f] = self.rng.choice([1, -7, 1.5, True, False, [], {}, ["부산"], {"a": "b"}])
        elif f in INT_FIELDS:
            b[f] = self.rng.choice(["1", 1.5, True, [], {}, "일", -0.0, 1e30])
        else:
            b[f] = self.rng.choice([1, 0, "true", "false", [], {}])
        return json.dumps(b, ensure_ascii=False).encode()

    def g_unknown_field(self, base, creating):
        b = dict(base)
        name = self.rand_text(1, 50)
        while name in b:
            name += "x"
        b[name] = self.rng.choice([1, "값", None, [], {"a": 1}])
        return json.dumps(b, ensure_ascii=False).encode()

    def g_control_char(self, base, creating):
        b = dict(base)
        f = self.rng.choice(sorted(k for k in b if k in STRING_FIELDS))
        c = self.rng.choice([chr(i) for i in list(range(1, 9)) + [11, 12] + list(range(14, 32))
                             + [127]])
        s = b[f]
        i = self.rng.randint(0, len(s))
        b[f] = s[:i] + c + s[i:]
        return json.dumps(b, ensure_ascii=False).encode()

    def g_too_long(self, base, creating):
        b = dict(base)
        f = self.rng.choice(sorted(k for k in b if k in STRING_FIELDS))
        b[f] = self.rng.choice(["가", "a", "😀"]) * (LIMITS[f] + self.rng.randint(1, 300))
        return json.dumps(b, ensure_ascii=False).encode()

    def g_deep(self, base, creating):
        depth = self.rng.randint(33, 5000)
        if self.rng.random() < 0.5:
            return b"[" * depth + b"]" * depth
        return b"{\"a\":" * depth + b"1" + b"}" * self.rng.randint(0, depth)

    def g_bad_utf8(self, base, creating):
        full = json.dumps(base, ensure_ascii=False).encode()
        bad = self.rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xea\xb0", b"\x80",
                               b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80"])
        i = self.rng.randint(0, len(full))
        return full[:i] + bad + full[i:]

    def g_duplicate_key(self, base, creating):
        f = self.rng.choice(sorted(base))
        body = json.dumps(base, ensure_ascii=False)
        return (body[:-1] + ", %s: %s}" % (json.dumps(f), json.dumps(base[f]))).encode()

    def g_bad_number(self, base, creating):
        b = json.dumps(base, ensure_ascii=False)
        f = self.rng.choice(sorted(base))
        num = self.rng.choice(["1e999", "-1e999", "99999999999999999999999", "01", "1.",
                               ".5", "+1", "0x10", "NaN", "Infinity", "-"])
        return (b[:-1] + ", %s: %s}" % (json.dumps(f + "_n"), num)).encode()

    def g_missing_required(self, base, creating):
        b = dict(base)
        required = [k for k in ("code", "name", "username", "display_name", "password", "role",
                                "tenant") if k in b]
        f = self.rng.choice(required)
        if self.rng.random() < 0.5:
            del b[f]
        else:
            b[f] = self.rng.choice([None, ""])
        return json.dumps(b, ensure_ascii=False).encode()

    GENERATORS = ["g_random_bytes", "g_truncated", "g_not_object", "g_wrong_type",
                  "g_unknown_field", "g_control_char", "g_too_long", "g_deep", "g_bad_utf8",
                  "g_duplicate_key", "g_bad_number"]

    def garbage_id(self):
        return self.rng.choice([
            "0", "-1", "abc", "1e3", "0x1", "99999999999999999999", "1.0", "+1", "%20",
            urllib.parse.quote("부산"), "%ff", "%c0%af", "%01", "1%3B", "1'", "..", "%2e%2e",
            "~" + urllib.parse.quote(self.rand_text(1, 20), safe="")])

    def next_request(self, ids):
        r = self.rng.random()
        if r < 0.25:
            method, path, base, creating = "POST", "/api/v1/departments", DEPT, True
        elif r < 0.40:
            method, path, base, creating = ("PATCH", "/api/v1/departments/%d" % ids["dept"],
                                            DEPT, False)
        elif r < 0.60:
            method, path, base, creating = "POST", "/api/v1/users", USER, True
        elif r < 0.72:
            method, path, base, creating = ("PATCH", "/api/v1/users/%d" % ids["user"], USER,
                                            False)
        elif r < 0.85:
            method, path, base, creating = "POST", "/api/v1/auth/login", LOGIN, True
        elif r < 0.93:
            # a well-formed body to an id that is not one
            m = self.rng.choice(["PATCH", "DELETE", "GET"])
            coll = self.rng.choice(["departments", "users"])
            body = json.dumps({"name": "퍼즈"} if coll == "departments"
                              else {"display_name": "퍼즈"}, ensure_ascii=False).encode()
            return m, "/api/v1/%s/%s" % (coll, self.garbage_id()), body if m == "PATCH" else None
        else:
            m = self.rng.choice(["POST", "PATCH", "PUT", "DELETE"])
            seg = "~" + urllib.parse.quote(self.rand_text(0, 30), safe="")
            return m, self.rng.choice(["/api/v1/", "/api/v1/users/1/", "/api/"]) + seg, b"{}"
        gens = list(self.GENERATORS)
        if creating:
            gens.append("g_missing_required")
        gen = getattr(self, self.rng.choice(gens))
        return method, path, gen(base, creating)

    def test_garbage_is_refused_with_4xx_json(self):
        s = self.s
        admin_user = self.user_by_name(self.admin, "officer")
        ids = {"dept": self.dept_by_code(self.admin, "road-maintenance")["id"],
               "user": admin_user["id"]}
        counts = ("SELECT count(*) FROM departments", "SELECT count(*) FROM users",
                  "SELECT count(*) FROM audit_log WHERE action NOT IN ('audit.read')",
                  "SELECT count(*) FROM login_attempts", "SELECT max(updated_at) FROM users",
                  "SELECT max(updated_at) FROM departments")
        before = [s.db_scalar(q) for q in counts]
        problems = []
        tally = {}
        for i in range(ROUNDS):
            method, path, body = self.next_request(ids)
            who = self.key if self.rng.random() < 0.2 else self.admin
            hdrs = {"Content-Type": "application/json"}
            r = who.request(method, path, body, headers=hdrs)
            problem = self.check(r)
            if not problem:
                key = "%d %s" % (r.status, r.json()["error"]["code"])
                tally[key] = tally.get(key, 0) + 1
            if problem:
                problems.append("#%d %s %s body=%r\n    -> %s" % (
                    i, method, path[:100], (body or b"")[:160], problem))
        if self.env.verbose:
            print("\n  fuzz answers: " + ", ".join("%s x%d" % kv for kv in sorted(tally.items())))
        self.assertJson(s.request("GET", "/api/v1/health"), 200)
        self.assertJson(self.admin.get("/api/v1/me"), 200)
        after = [s.db_scalar(q) for q in counts]
        self.assertEqual(after, before, "a refused request changed the database")
        if problems:
            self.fail("%d of %d fuzz requests were not answered with a 4xx JSON error:\n%s"
                      % (len(problems), ROUNDS, "\n".join(problems[:15])))

    def check(self, r):
        if not 400 <= r.status < 500:
            return "status %d: %s" % (r.status, r.text()[:200])
        if not (r.header("Content-Type") or "").startswith("application/json"):
            return "Content-Type %r" % r.header("Content-Type")
        try:
            body = json.loads(r.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return "body is not JSON: %r" % r.body[:200]
        e = body.get("error") if isinstance(body, dict) else None
        if not isinstance(e, dict) or not isinstance(e.get("code"), str):
            return "no error object: %d %r" % (r.status, r.body[:200])
        if not isinstance(e.get("message"), str) or not HANGUL.search(e["message"]):
            return "no Korean message: %r" % r.body[:200]
        return None
