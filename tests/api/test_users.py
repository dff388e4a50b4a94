"""/api/v1/users: staff accounts, admins only."""
from harness import DEMO_PASSWORD, DEMO_STAFF, ApiTest, Client, unique


class UserReadTest(ApiTest):
    def test_list_has_the_demo_staff(self):
        admin = self.main().login("admin")
        users = {u["username"]: u for u in self.all_pages(admin, "/api/v1/users")}
        for username, (display, role, dept) in DEMO_STAFF.items():
            u = users[username]
            self.assertEqual(u["display_name"], display)
            self.assertEqual(u["role"], role)
            self.assertEqual(u["department"]["code"], dept)
        self.assertEqual(users["officer2"]["department"]["name"], "자원순환과")
        self.assertEqual(users["agent"]["role_label"], "상담원")
        self.assertEqual(set(users["admin"]), {"id", "username", "display_name", "role",
                                               "role_label", "department", "email", "phone",
                                               "active", "created_at", "updated_at"})

    def test_filter_by_department_code(self):
        admin = self.main().login("admin")
        body = self.assertJson(admin.get("/api/v1/users?dept_code=road-maintenance"), 200)
        names = {u["username"] for u in body["items"]}
        self.assertTrue({"depthead", "officer"} <= names, names)
        self.assertFalse(names & {"officer2", "agent", "admin"}, names)
        for u in body["items"]:
            self.assertEqual(u["department"]["name"], "도로관리과")
        self.assertError(admin.get("/api/v1/users?dept_code=no-such-dept"), 400,
                         "invalid_field", "dept_code")

    def test_pagination(self):
        admin = self.main().login("admin")
        first = self.assertJson(admin.get("/api/v1/users?limit=2"), 200)
        self.assertEqual(len(first["items"]), 2)
        self.assertEqual(first["next_cursor"], str(first["items"][1]["id"]))
        paged = self.all_pages(admin, "/api/v1/users", page=2)
        full = self.assertJson(admin.get("/api/v1/users?limit=200"), 200)["items"]
        self.assertEqual([u["id"] for u in paged], [u["id"] for u in full])
        self.assertError(admin.get("/api/v1/users?limit=201"), 400, "invalid_field", "limit")

    def test_get_one(self):
        admin = self.main().login("admin")
        officer = self.user_by_name(admin, "officer")
        u = self.assertJson(admin.get("/api/v1/users/%d" % officer["id"]), 200)
        self.assertEqual(u["display_name"], "정하은")
        self.assertEqual(u["department"]["name"], "도로관리과")
        self.assertError(admin.get("/api/v1/users/987654"), 404, "not_found", "id")


class UserWriteTest(ApiTest):
    def setUp(self):
        self.s = self.main()
        self.admin = self.s.login("admin")

    def new_user(self, **body):
        body.setdefault("username", unique("u"))
        body.setdefault("display_name", "홍길동")
        body.setdefault("password", "gildong-pass-2026")
        body.setdefault("role", "agent")
        return self.assertJson(self.admin.post("/api/v1/users", body), 201)

    def test_create_then_log_in(self):
        name = unique("road")
        u = self.new_user(username=name, display_name="김민원", role="officer",
                          dept_code="road-maintenance", email="minwon@busan.go.kr",
                          phone="051-888-4299", password="도로-민원-비밀번호")
        self.assertEqual(u["username"], name)
        self.assertEqual(u["display_name"], "김민원")
        self.assertEqual(u["role"], "officer")
        self.assertEqual(u["role_label"], "민원담당")
        self.assertEqual(u["department"]["code"], "road-maintenance")
        self.assertEqual(u["department"]["name"], "도로관리과")
        self.assertEqual(u["email"], "minwon@busan.go.kr")
        self.assertEqual(u["phone"], "051-888-4299")
        self.assertIs(u["active"], True)
        self.assertNotIn("password", u)
        c = self.s.login(name, "도로-민원-비밀번호")
        self.assertEqual(c.user["id"], u["id"])
        self.assertEqual(c.user["tenant"]["name"], "부산광역시")
        # audited, without the password
        rows = self.audit(self.admin, action="user.create", target_id=str(u["id"]))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["detail"], {"username": name, "role": "officer",
                                             "active": True})
        self.assertEqual(rows[0]["actor_name"], "admin")
        self.assertNotIn("비밀번호", str(rows))

    def test_create_with_dept_id(self):
        d = self.dept_by_code(self.admin, "parking")
        u = self.new_user(role="dept_head", dept_id=d["id"])
        self.assertEqual(u["department"], {"id": d["id"], "code": "parking", "name": "주차관리과"})
        u = self.new_user(role="cs_manager")  # no department needed
        self.assertIsNone(u["department"])
        self.assertIsNone(u["email"])

    def test_officer_and_dept_head_need_a_department(self):
        for role in ("officer", "dept_head"):
            r = self.admin.post("/api/v1/users", {"username": unique("nodept"),
                                                  "display_name": "무소속",
                                                  "password": "long-enough-pw", "role": role})
            self.assertError(r, 400, "invalid_field", "dept")
        r = self.admin.post("/api/v1/users", {"username": unique("nodept"), "display_name": "무",
                                              "password": "long-enough-pw", "role": "officer",
                                              "dept_id": 987654})
        self.assertError(r, 400, "invalid_field", "dept")

    def test_validation(self):
        good = {"username": unique("v"), "display_name": "검증", "password": "0123456789",
                "role": "agent"}

        def with_(**kw):
            b = dict(good)
            for k, v in kw.items():
                if v is ...:
                    del b[k]
                else:
                    b[k] = v
            return self.admin.post("/api/v1/users", b)

        self.assertError(with_(password="012345678"), 400, "invalid_field", "password")
        self.assertError(with_(password="가나다라마바사아자"), 400, "invalid_field", "password")
        self.assertError(with_(password=...), 400, "missing_field", "password")
        self.assertError(with_(username=...), 400, "missing_field", "username")
        self.assertError(with_(username=42), 400, "invalid_field", "username")
        self.assertError(with_(username="Upper"), 400, "invalid_field", "username")
        self.assertError(with_(username="ab"), 400, "invalid_field", "username")
        self.assertError(with_(username="홍길동"), 400, "invalid_field", "username")
        self.assertError(with_(display_name=...), 400, "missing_field", "display_name")
        self.assertError(with_(display_name="가" * 41), 400, "invalid_field", "display_name")
        self.assertError(with_(role="superuser"), 400, "invalid_field", "role")
        self.assertError(with_(role="resident"), 400, "invalid_field", "role")
        self.assertError(with_(role=...), 400, "missing_field", "role")
        self.assertError(with_(email="not-an-email"), 400, "invalid_field", "email")
        self.assertError(with_(email="a@b@c.kr"), 400, "invalid_field", "email")
        self.assertError(with_(active="true"), 400, "invalid_field", "active")
        self.assertError(with_(dept_id="12"), 400, "invalid_field", "dept_id")
        self.assertError(with_(dept_code="no-such-dept"), 400, "invalid_field", "dept_code")
        self.assertError(with_(nickname="길동"), 400, "unknown_field", "nickname")
        self.assertError(with_(password_hash="x"), 400, "unknown_field", "password_hash")
        self.assertError(with_(tenant_id=2), 400, "unknown_field", "tenant_id")
        # 10 characters (Korean counts by character) is enough
        u = self.assertJson(with_(password="가나다라마바사아자차"), 201)
        self.assertEqual(u["username"], good["username"])

    def test_duplicate_username_is_409(self):
        r = self.admin.post("/api/v1/users", {"username": "officer", "display_name": "중복",
                                              "password": "0123456789", "role": "agent"})
        self.assertError(r, 409, "conflict", "username")
        u = self.new_user()
        r = self.admin.patch("/api/v1/users/%d" % u["id"], {"username": "agent"})
        self.assertError(r, 409, "conflict", "username")

    def test_update_and_audit(self):
        u = self.new_user(display_name="변경전")
        p = "/api/v1/users/%d" % u["id"]
        v = self.assertJson(self.admin.patch(p, {"display_name": "변경후", "role": "officer",
                                                 "dept_code": "parking"}), 200)
        self.assertEqual(v["display_name"], "변경후")
        self.assertEqual(v["role"], "officer")
        self.assertEqual(v["department"]["name"], "주차관리과")
        self.assertEqual(v["username"], u["username"])
        rows = self.audit(self.admin, action="user.update", target_id=str(u["id"]))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["detail"], {"username": u["username"], "role": "officer",
                                             "active": True})
        # an officer cannot lose the department
        self.assertError(self.admin.patch(p, {"dept_id": None}), 400, "invalid_field", "dept")
        self.assertEqual(self.assertJson(self.admin.get(p), 200)["department"]["code"],
                         "parking")

    def test_password_change_ends_sessions(self):
        u = self.new_user(password="first-password-1")
        c = self.s.login(u["username"], "first-password-1")
        p = "/api/v1/users/%d" % u["id"]
        self.assertJson(self.admin.patch(p, {"password": "second-password-2"}), 200)
        self.assertError(c.get("/api/v1/me"), 401, "session_expired")
        self.assertError(Client(self.s).login(u["username"], "first-password-1"), 401,
                         "invalid_credentials")
        self.s.login(u["username"], "second-password-2")
        rows = self.audit(self.admin, action="user.update", target_id=str(u["id"]))
        self.assertEqual(rows[0]["detail"].get("changed"), "password")
        self.assertNotIn("second-password", str(rows))

    def test_delete_deactivates(self):
        u = self.new_user(password="delete-me-please")
        c = self.s.login(u["username"], "delete-me-please")
        p = "/api/v1/users/%d" % u["id"]
        v = self.assertJson(self.admin.delete(p), 200)
        self.assertIs(v["active"], False)
        self.assertEqual(v["username"], u["username"])
        self.assertError(c.get("/api/v1/me"), 401, "session_expired")
        self.assertError(Client(self.s).login(u["username"], "delete-me-please"), 401,
                         "invalid_credentials")
        self.assertIs(self.assertJson(self.admin.get(p), 200)["active"], False)
        rows = self.audit(self.admin, action="user.update", target_id=str(u["id"]))
        self.assertEqual(rows[0]["detail"]["changed"], "deactivated")
        self.assertIs(rows[0]["detail"]["active"], False)
        # reactivating lets them in again
        self.assertIs(self.assertJson(self.admin.patch(p, {"active": True}), 200)["active"], True)
        self.s.login(u["username"], "delete-me-please")

    def test_admin_cannot_lock_themselves_out(self):
        me = self.admin.user["id"]
        p = "/api/v1/users/%d" % me
        self.assertError(self.admin.delete(p), 422, "rule_violated", "active")
        self.assertError(self.admin.patch(p, {"active": False}), 422, "rule_violated", "active")
        self.assertError(self.admin.patch(p, {"role": "agent"}), 422, "rule_violated", "role")
        self.assertJson(self.admin.get("/api/v1/me"), 200)
        self.assertEqual(self.assertJson(self.admin.get(p), 200)["role"], "admin")

    def test_failed_create_changes_nothing(self):
        before_users = self.all_pages(self.admin, "/api/v1/users")
        before_audit = self.audit(self.admin, action="user", limit=200)
        before_rows = self.s.db_scalar(
            "SELECT count(*) FROM audit_log WHERE action != 'audit.read'")
        name = unique("fail")
        bad = [{"username": name, "display_name": "실패", "password": "short", "role": "agent"},
               {"username": name, "display_name": "실패", "password": "0123456789",
                "role": "officer"},
               {"username": name, "display_name": "실패", "password": "0123456789",
                "role": "agent", "email": "x"},
               {"username": name, "display_name": "실패", "password": "0123456789",
                "role": "agent", "extra": 1},
               {"username": "admin", "display_name": "실패", "password": "0123456789",
                "role": "agent"}]
        for b in bad:
            r = self.admin.post("/api/v1/users", b)
            self.assertIn(r.status, (400, 409), r.describe())
        r = self.admin.post("/api/v1/users", dict(bad[1]), csrf=False)
        self.assertError(r, 403, "csrf_failed")
        self.assertEqual(self.all_pages(self.admin, "/api/v1/users"), before_users)
        after_audit = self.audit(self.admin, action="user", limit=200)
        self.assertEqual(after_audit, before_audit)
        self.assertEqual(self.s.db_scalar(
            "SELECT count(*) FROM audit_log WHERE action != 'audit.read'"), before_rows)
        self.assertEqual(self.s.db_scalar("SELECT count(*) FROM users WHERE username=?",
                                          (name,)), 0)
        self.assertError(Client(self.s).login(name, "0123456789"), 401, "invalid_credentials")

    def test_role_change_applies_to_live_sessions(self):
        u = self.new_user(role="admin", password="temporary-admin-1")
        c = self.s.login(u["username"], "temporary-admin-1")
        self.assertJson(c.get("/api/v1/users?limit=1"), 200)
        p = "/api/v1/users/%d" % u["id"]
        self.assertJson(self.admin.patch(p, {"role": "agent"}), 200)
        self.assertError(c.get("/api/v1/users?limit=1"), 403, "forbidden")
        self.assertEqual(self.assertJson(c.get("/api/v1/me"), 200)["user"]["role"], "agent")

    def test_failed_update_changes_nothing(self):
        u = self.new_user(display_name="그대로", password="unchanged-pass-1")
        c = self.s.login(u["username"], "unchanged-pass-1")
        p = "/api/v1/users/%d" % u["id"]
        before = self.assertJson(self.admin.get(p), 200)
        # the password part is fine, the role needs a department: nothing happens at all
        r = self.admin.patch(p, {"password": "changed-pass-2", "role": "officer"})
        self.assertError(r, 400, "invalid_field", "dept")
        self.assertJson(c.get("/api/v1/me"), 200)  # the session was not ended
        self.s.login(u["username"], "unchanged-pass-1")
        self.assertError(Client(self.s).login(u["username"], "changed-pass-2"), 401,
                         "invalid_credentials")
        for b in ({"display_name": "바뀜", "password": "short"},
                  {"display_name": "바뀜", "role": "officer"},
                  {"display_name": "바뀜", "email": "@"},
                  {"display_name": "바뀜", "username": "officer"},
                  {"display_name": "바뀜", "bogus": True}):
            r = self.admin.patch(p, b)
            self.assertIn(r.status, (400, 409), r.describe())
        self.assertEqual(self.assertJson(self.admin.get(p), 200), before)
        self.assertEqual(self.audit(self.admin, action="user.update", target_id=str(u["id"])),
                         [])
