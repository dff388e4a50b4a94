"""Health, routing (404/405), authentication required (401), and input validation."""
import datetime
import json

from harness import ApiTest


class HealthTest(ApiTest):
    def test_health_is_public_and_reports_ok(self):
        s = self.main()
        r = s.request("GET", "/api/v1/health")
        body = self.assertJson(r, 200)
        self.assertEqual(set(body), {"status", "version", "database", "time"})
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["database"], "ok")
        version = self.env.cli(["version"]).stdout.strip()
        self.assertEqual("pcrm " + body["version"], version)
        self.assertEqual(body["version"], s.version)
        self.assertKstTime(body["time"])

    def test_security_headers_on_every_answer(self):
        s = self.main()
        for r in (s.request("GET", "/api/v1/health"), s.request("GET", "/api/v1/nope"),
                  s.request("GET", "/")):
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff", r.describe())
            self.assertEqual(r.header("X-Frame-Options"), "DENY", r.describe())
            self.assertEqual(r.header("Referrer-Policy"), "no-referrer", r.describe())
            self.assertIn("default-src 'self'", r.header("Content-Security-Policy") or "")
            self.assertRegex(r.header("X-Request-Id") or "", r"^[0-9a-f]{16}$")
        r = s.request("GET", "/api/v1/health")
        self.assertEqual(r.header("Cache-Control"), "no-store")

    def test_request_ids_differ(self):
        s = self.main()
        ids = {s.request("GET", "/api/v1/health").header("X-Request-Id") for _ in range(5)}
        self.assertEqual(len(ids), 5)

    def test_keep_alive_connection_serves_many_requests(self):
        import http.client
        s = self.main()
        admin = s.login("admin")
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        hdrs = {"Cookie": "pcrm_session=" + admin.cookie, "X-CSRF-Token": admin.csrf,
                "Content-Type": "application/json"}
        try:
            seq = [("GET", "/api/v1/health", None, 200, None),
                   ("POST", "/api/v1/departments", b"{bad", 400, "invalid_json"),
                   ("GET", "/api/v1/me", None, 200, None),
                   ("POST", "/api/v1/departments", b"{\"code\":\"X\",\"name\":\"y\"}", 400,
                    "invalid_field"),
                   ("GET", "/api/v1/nope", None, 404, "not_found"),
                   ("DELETE", "/api/v1/departments", None, 405, "method_not_allowed"),
                   ("GET", "/api/v1/departments?limit=2", None, 200, None)]
            for method, path, body, status, code in seq:
                conn.request(method, path, body=body, headers=hdrs)
                r = conn.getresponse()
                data = r.read()
                self.assertEqual(r.status, status, "%s %s: %s" % (method, path, data[:300]))
                j = json.loads(data.decode("utf-8"))
                if code:
                    self.assertEqual(j["error"]["code"], code)
            self.assertEqual(len(j["items"]), 2)
        finally:
            conn.close()

    def test_head_on_get_route(self):
        s = self.main()
        r = s.request("HEAD", "/api/v1/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, b"")


class RoutingTest(ApiTest):
    def test_unknown_routes_are_404_json(self):
        s = self.main()
        admin = s.login("admin")
        for path in ("/api/v1/nope", "/api/v2/health", "/api", "/api/", "/api/v1",
                     "/api/v1/departments/", "/api/v1/users/1/extra", "/api/v1/healthz",
                     "/api/v1/Health"):
            self.assertError(admin.get(path), 404, "not_found")
        # also without a session: unknown is unknown before authentication
        self.assertError(s.request("GET", "/api/v1/nope"), 404, "not_found")

    def test_wrong_method_is_405_with_allow(self):
        s = self.main()
        admin = s.login("admin")
        cases = [
            ("DELETE", "/api/v1/departments", "GET, HEAD, POST"),
            ("PUT", "/api/v1/departments/1", "GET, HEAD, PATCH, DELETE"),
            ("PUT", "/api/v1/users/1", "GET, HEAD, PATCH, DELETE"),
            ("PATCH", "/api/v1/users", "GET, HEAD, POST"),
            ("POST", "/api/v1/health", "GET, HEAD"),
            ("GET", "/api/v1/auth/login", "POST"),
            ("GET", "/api/v1/auth/logout", "POST"),
            ("DELETE", "/api/v1/audit", "GET, HEAD"),
        ]
        for method, path, allow in cases:
            r = admin.request(method, path, {} if method != "GET" else None)
            self.assertError(r, 405, "method_not_allowed")
            self.assertEqual(r.header("Allow"), allow, r.describe())

    def test_non_numeric_ids_are_404(self):
        admin = self.main().login("admin")
        for path in ("/api/v1/departments/abc", "/api/v1/departments/0",
                     "/api/v1/departments/-1", "/api/v1/departments/1.0",
                     "/api/v1/departments/99999999999999999999999",
                     "/api/v1/departments/%EB%B6%80%EC%82%B0", "/api/v1/users/0x10",
                     "/api/v1/users/999999"):
            body = {"name": "바뀐 이름"} if "departments" in path else {"display_name": "바뀜"}
            self.assertError(admin.get(path), 404, "not_found")
            self.assertError(admin.patch(path, body), 404, "not_found")
            self.assertError(admin.delete(path), 404, "not_found")


class AuthenticationRequiredTest(ApiTest):
    PROTECTED = [("GET", "/api/v1/me"), ("GET", "/api/v1/departments"),
                 ("GET", "/api/v1/departments/1"), ("POST", "/api/v1/departments"),
                 ("PATCH", "/api/v1/departments/1"), ("DELETE", "/api/v1/departments/1"),
                 ("GET", "/api/v1/users"), ("POST", "/api/v1/users"),
                 ("GET", "/api/v1/users/1"), ("PATCH", "/api/v1/users/1"),
                 ("DELETE", "/api/v1/users/1"), ("GET", "/api/v1/audit"),
                 ("POST", "/api/v1/auth/logout")]

    def test_no_session_or_key_is_401(self):
        s = self.main()
        for method, path in self.PROTECTED:
            body = {"code": "x-unauth", "name": "무단"} if method in ("POST", "PATCH") else None
            self.assertError(s.request(method, path, body), 401, "unauthorized")
        # nothing was created or deleted by those requests
        self.assertEqual(s.db_scalar("SELECT count(*) FROM departments WHERE code='x-unauth'"),
                         0)
        self.assertEqual(s.db_scalar("SELECT count(*) FROM departments WHERE id=1"), 1)

    def test_bad_credentials_are_401(self):
        s = self.main()
        for hdrs, code in [
            ({"Authorization": "Basic YWRtaW46cGNybS1kZW1vLTIwMjY="}, "unauthorized"),
            ({"Authorization": "Bearer pcrm_not-a-real-key"}, "unauthorized"),
            ({"Authorization": "Bearer " + "pcrm_" + "A" * 43}, "unauthorized"),
            ({"Authorization": "Bearer "}, "unauthorized"),
            ({"Cookie": "pcrm_session=" + "A" * 43}, "session_expired"),
            ({"Cookie": "pcrm_session=garbage"}, "session_expired"),
            ({"Cookie": "pcrm_session="}, "session_expired"),
        ]:
            r = s.request("GET", "/api/v1/me", headers=hdrs)
            self.assertError(r, 401, code)

    def test_wrong_role_is_403(self):
        s = self.main()
        officer = s.login("officer")
        self.assertError(officer.get("/api/v1/users"), 403, "forbidden")
        self.assertError(officer.get("/api/v1/users/1"), 403, "forbidden")
        self.assertError(officer.get("/api/v1/audit"), 403, "forbidden")
        self.assertError(officer.post("/api/v1/departments", {"code": "x-officer", "name": "과"}),
                         403, "forbidden")
        for name in ("agent", "csmanager", "depthead", "privacy"):
            c = s.login(name)
            self.assertError(c.get("/api/v1/users"), 403, "forbidden")
            self.assertError(c.post("/api/v1/users", {"username": "nobody-" + name}), 403,
                             "forbidden")
        # staff may read departments; privacy officers and admins the audit log
        self.assertJson(officer.get("/api/v1/departments"), 200)
        self.assertJson(s.login("privacy").get("/api/v1/audit?limit=1"), 200)
        self.assertEqual(s.db_scalar("SELECT count(*) FROM departments WHERE code='x-officer'"),
                         0)


class InputValidationTest(ApiTest):
    def setUp(self):
        self.s = self.main()
        self.admin = self.s.login("admin")

    def post_raw(self, path, data, **kw):
        return self.admin.post(path, data, headers={"Content-Type": "application/json"}, **kw)

    def test_malformed_json_is_400_invalid_json(self):
        for data in (b"{", b"{\"code\":}", b"{'code':'x'}", b"not json", b"",
                     b"{\"code\":\"a\",}", b"{\"code\":\"a\"} trailing", b"\x00",
                     b"{\"code\":\"\\ud800\",\"name\":\"x\"}", b"{\"a\":1,\"a\":2}",
                     b"{\"parent_id\": 1e999}", b"{\"parent_id\": 99999999999999999999999}"):
            self.assertError(self.post_raw("/api/v1/departments", data), 400, "invalid_json")
        self.assertError(self.s.request("POST", "/api/v1/auth/login", b"{\"tenant\":"), 400,
                         "invalid_json")

    def test_json_that_is_not_an_object_is_400(self):
        for data in (b"[]", b"[{\"code\":\"x\"}]", "\"부산\"".encode(), b"42", b"null", b"true"):
            self.assertError(self.post_raw("/api/v1/departments", data), 400, "invalid_json")

    def test_json_nested_1000_deep_is_400_not_a_crash(self):
        for data in (b"[" * 1000 + b"]" * 1000,
                     b"{\"a\":" * 1000 + b"1" + b"}" * 1000,
                     b"{\"name\":" + b"[" * 1000 + b"]" * 1000 + b"}",
                     b"[" * 100000):
            self.assertError(self.post_raw("/api/v1/departments", data), 400, "invalid_json")
        # brackets inside a string do not count as nesting
        code = "nest-%d" % id(self)
        r = self.admin.post("/api/v1/departments", {"code": code, "name": "[" * 40 + "과"})
        self.assertEqual(self.assertJson(r, 201)["name"], "[" * 40 + "과")
        self.assertJson(self.s.request("GET", "/api/v1/health"), 200)

    def test_nesting_limit_is_32(self):
        ok = {"code": "x", "name": "y", "phone": None}
        deep = json.dumps(ok)
        # 32 levels: parsed, then refused for the unknown member (not for depth)
        data = "{\"z\":" * 31 + deep + "}" * 31
        self.assertError(self.post_raw("/api/v1/departments", data.encode()), 400,
                         "unknown_field", "z")
        data = "{\"z\":" * 32 + deep + "}" * 32
        self.assertError(self.post_raw("/api/v1/departments", data.encode()), 400,
                         "invalid_json")

    def test_invalid_utf8_body_is_400_invalid_utf8(self):
        for data in (b"{\"code\":\"x\",\"name\":\"\xff\"}",
                     b"{\"code\":\"x\",\"name\":\"\xea\xb0\"}",            # truncated 가
                     b"{\"code\":\"x\",\"name\":\"\xc0\xaf\"}",            # overlong '/'
                     b"{\"code\":\"x\",\"name\":\"\xed\xa0\x80\"}",        # surrogate
                     b"{\"code\":\"x\",\"name\":\"\xf4\x90\x80\x80\"}",    # > U+10FFFF
                     b"\xef\xbb\xbf\xff{}"):
            self.assertError(self.post_raw("/api/v1/departments", data), 400, "invalid_utf8")
        r = self.s.request("POST", "/api/v1/auth/login",
                           b"{\"tenant\":\"busan\",\"username\":\"\xb0\",\"password\":\"x\"}")
        self.assertError(r, 400, "invalid_utf8")

    def test_invalid_utf8_in_query_or_path_is_400(self):
        for path in ("/api/v1/audit?action=%ff", "/api/v1/audit?actor=%ea%b0",
                     "/api/v1/audit?%ff=1", "/api/v1/departments?limit=%c0%af",
                     "/api/v1/departments/%ff", "/api/v1/health?x=%ed%a0%80"):
            self.assertError(self.admin.get(path), 400, "invalid_utf8")
        # control characters in the query are refused the same way
        self.assertError(self.admin.get("/api/v1/audit?action=%01"), 400, "invalid_utf8")
        # valid Korean in the query is fine
        self.assertJson(self.admin.get("/api/v1/audit?actor=%EA%B9%80%EB%8F%84%EC%9C%A4"), 200)

    def test_missing_field_is_400_missing_field(self):
        p = "/api/v1/departments"
        self.assertError(self.admin.post(p, {"name": "도로관리2과"}), 400, "missing_field", "code")
        self.assertError(self.admin.post(p, {"code": "road-2"}), 400, "missing_field", "name")
        self.assertError(self.admin.post(p, {"code": "road-2", "name": ""}), 400,
                         "missing_field", "name")
        self.assertError(self.admin.post(p, {"code": None, "name": "과"}), 400,
                         "missing_field", "code")
        self.assertError(self.admin.post(p, {}), 400, "missing_field", "code")
        r = self.s.request("POST", "/api/v1/auth/login", {"tenant": "busan", "username": "admin"})
        self.assertError(r, 400, "missing_field", "password")
        r = self.s.request("POST", "/api/v1/auth/login", {"username": "admin", "password": "x"})
        self.assertError(r, 400, "missing_field", "tenant")

    def test_wrong_type_is_400_invalid_field(self):
        p = "/api/v1/departments"
        cases = [({"code": 12, "name": "과"}, "code"), ({"code": "x1", "name": ["과"]}, "name"),
                 ({"code": "x1", "name": "과", "parent_id": "1"}, "parent_id"),
                 ({"code": "x1", "name": "과", "parent_id": 1.5}, "parent_id"),
                 ({"code": "x1", "name": "과", "parent_id": True}, "parent_id"),
                 ({"code": "x1", "name": "과", "active": "yes"}, "active"),
                 ({"code": "x1", "name": "과", "active": 1}, "active"),
                 ({"code": "x1", "name": "과", "phone": 5101234}, "phone"),
                 ({"code": {"a": 1}, "name": "과"}, "code")]
        for body, field in cases:
            self.assertError(self.admin.post(p, body), 400, "invalid_field", field)
        r = self.s.request("POST", "/api/v1/auth/login",
                           {"tenant": "busan", "username": "admin", "password": 2026})
        self.assertError(r, 400, "invalid_field", "password")
        self.assertEqual(self.s.db_scalar("SELECT count(*) FROM departments WHERE code='x1'"), 0)

    def test_unknown_field_is_400_naming_it(self):
        r = self.admin.post("/api/v1/departments", {"code": "x2", "name": "과", "colour": "red"})
        self.assertError(r, 400, "unknown_field", "colour")
        r = self.s.request("POST", "/api/v1/auth/login",
                           {"tenant": "busan", "username": "admin",
                            "password": "pcrm-demo-2026", "remember": True})
        self.assertError(r, 400, "unknown_field", "remember")
        self.assertIsNone(r.header("Set-Cookie"))

    def test_unknown_korean_field_name_gets_a_proper_error(self):
        # BUG: the message "알 수 없는 항목입니다: %.100s" cuts a long Korean member name in
        # the middle of a character; json_pack refuses the invalid UTF-8 and the reply is a
        # bare {} (src/http/reply.c http_check_fields, then http_reply_error).
        for name in ("가" * 40, "a" + "부서" * 30):
            r = self.admin.post("/api/v1/departments", {"code": "x3", "name": "과", name: 1})
            self.assertError(r, 400, "unknown_field", name)

    def test_too_long_strings_are_400(self):
        p = "/api/v1/departments"
        self.assertError(self.admin.post(p, {"code": "x4", "name": "가" * 51}), 400,
                         "invalid_field", "name")
        self.assertError(self.admin.post(p, {"code": "x" * 33, "name": "과"}), 400,
                         "invalid_field", "code")
        self.assertError(self.admin.post(p, {"code": "x4", "name": "과", "phone": "1" * 21}),
                         400, "invalid_field", "phone")
        code = "long-%d" % id(self)
        r = self.admin.post(p, {"code": code, "name": "가" * 50})
        self.assertEqual(self.assertJson(r, 201)["name"], "가" * 50)

    def test_control_characters_in_strings_are_400(self):
        for name in ("도로\u0000과", "도로\u0007과", "도로\u007f과", "\u001b[31m"):
            body = json.dumps({"code": "x5", "name": name}).encode()
            r = self.post_raw("/api/v1/departments", body)
            self.assertEqual(r.status, 400, r.describe())
            self.assertIn(r.json()["error"]["code"], ("invalid_field", "invalid_json"))
        # a name is one line: tab and line breaks are refused too
        code = "ctl-%d" % id(self)
        for name in ("도로\t관리과", "도로\n관리과", "도로\r\n관리과"):
            r = self.admin.post("/api/v1/departments", {"code": code, "name": name})
            self.assertError(r, 400, "invalid_field", "name")


class BodyLimitTest(ApiTest):
    """PCRM_BODY_LIMIT: over it, 413 body_too_large whether announced or chunked."""

    LIMIT = 4096

    def server(self):
        return self.env.server("bodylimit", {"PCRM_BODY_LIMIT": str(self.LIMIT)})

    def head(self, s, admin, extra):
        return ("POST /api/v1/departments HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                "Cookie: pcrm_session=%s\r\nX-CSRF-Token: %s\r\n"
                "Content-Type: application/json\r\nConnection: close\r\n%s\r\n"
                % (s.port, admin.cookie, admin.csrf, extra)).encode()

    def body_of(self, n):
        """A valid department body padded with spaces to exactly n bytes."""
        b = json.dumps({"code": "pad-%d" % n, "name": "패딩과"}, ensure_ascii=False).encode()
        return b + b" " * (n - len(b))

    def test_content_length_over_limit_is_413(self):
        s = self.server()
        admin = s.login("admin")
        body = self.body_of(self.LIMIT + 1)
        r = s.raw(self.head(s, admin, "Content-Length: %d\r\n" % len(body)) + body)
        self.assertError(r, 413, "body_too_large")
        self.assertIn(str(self.LIMIT), r.json()["error"]["message"])
        # a huge declared length is refused before any body is sent
        r = s.raw(self.head(s, admin, "Content-Length: 99999999999999\r\n"))
        self.assertError(r, 413, "body_too_large")
        r = s.raw(self.head(s, admin, "Content-Length: 99999999999999999999999999\r\n"))
        self.assertEqual(r.status // 100, 4, r.describe())
        self.assertEqual(s.db_scalar(
            "SELECT count(*) FROM departments WHERE code='pad-%d'" % (self.LIMIT + 1)), 0)

    def test_chunked_over_limit_is_413(self):
        s = self.server()
        admin = s.login("admin")
        body = self.body_of(self.LIMIT + 1)
        chunks = [body[i:i + 1000] for i in range(0, len(body), 1000)]
        r = admin.post("/api/v1/departments", chunks=chunks)
        self.assertError(r, 413, "body_too_large")
        # many small chunks well past the limit
        r = admin.post("/api/v1/departments", chunks=[b" " * 100] * 500)
        self.assertError(r, 413, "body_too_large")
        self.assertEqual(s.db_scalar(
            "SELECT count(*) FROM departments WHERE code='pad-%d'" % (self.LIMIT + 1)), 0)
        self.assertJson(s.request("GET", "/api/v1/health"), 200)

    def test_body_at_the_limit_is_accepted(self):
        s = self.server()
        admin = s.login("admin")
        body = self.body_of(self.LIMIT)
        r = admin.post("/api/v1/departments", body, headers={"Content-Type": "application/json"})
        self.assertEqual(self.assertJson(r, 201)["name"], "패딩과")
        body = self.body_of(self.LIMIT - 10)
        chunks = [body[i:i + 700] for i in range(0, len(body), 700)]
        r = admin.post("/api/v1/departments", chunks=chunks)
        self.assertEqual(self.assertJson(r, 201)["code"], "pad-%d" % (self.LIMIT - 10))

    def test_default_limit_is_one_mebibyte(self):
        s = self.main()
        admin = s.login("admin")
        chunk = b" " * 65536
        r = admin.post("/api/v1/departments", chunks=[b"{}"] + [chunk] * 17)
        self.assertError(r, 413, "body_too_large")
        self.assertIn("1048576", r.json()["error"]["message"])
        body = b"{}" + b" " * (1024 * 1024 - 2)
        r = admin.post("/api/v1/departments", body, headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "missing_field", "code")
        body = b"{}" + b" " * (1024 * 1024 - 1)
        r = s.raw(("POST /api/v1/departments HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   "Cookie: pcrm_session=%s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
                   % (admin.cookie, admin.csrf, len(body))).encode() + body)
        self.assertError(r, 413, "body_too_large")


class ResponseShapeTest(ApiTest):
    def test_times_are_kst(self):
        admin = self.main().login("admin")
        d = self.assertJson(admin.get("/api/v1/departments?limit=1"), 200)["items"][0]
        self.assertKstTime(d["created_at"])
        self.assertKstTime(d["updated_at"])
        t = datetime.datetime.fromisoformat(d["created_at"])
        self.assertEqual(t.utcoffset(), datetime.timedelta(hours=9))
