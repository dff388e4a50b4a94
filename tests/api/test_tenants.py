"""Tenant isolation: a second city on the same installation sees none of busan's rows."""
from harness import ApiTest, Client

HANAM_PASSWORD = "하남시-관리자-2026"


class TenantIsolationTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        import harness
        env = harness.ENV
        s = env.main()
        p = env.cli(["tenant", "add", "--data", s.data_dir, "--code", "hanam", "--name", "하남시"])
        if p.returncode != 0:
            raise AssertionError("pcrm tenant add: %d %s" % (p.returncode, p.stderr))
        if "hanam" not in p.stdout or "하남시" not in p.stdout:
            raise AssertionError("pcrm tenant add printed %r" % p.stdout)
        p = env.cli(["user", "add", "--data", s.data_dir, "--tenant", "hanam",
                     "--username", "hadmin", "--role", "admin", "--display-name", "하남관리자",
                     "--password-stdin"], stdin=(HANAM_PASSWORD + "\n").encode())
        if p.returncode != 0:
            raise AssertionError("pcrm user add: %d %s" % (p.returncode, p.stderr))
        cls.hanam_key = env.apikey(s.data_dir, role="admin", tenant="hanam")

    def setUp(self):
        self.s = self.main()
        self.busan = self.s.login("admin")
        self.hanam = self.s.login("hadmin", HANAM_PASSWORD, tenant="hanam")
        self.busan_depts = self.all_pages(self.busan, "/api/v1/departments")
        self.busan_users = self.all_pages(self.busan, "/api/v1/users")

    def test_hanam_admin_signs_in_to_hanam(self):
        u = self.hanam.user
        self.assertEqual(u["tenant"], {"code": "hanam", "name": "하남시"})
        self.assertEqual(u["display_name"], "하남관리자")
        self.assertEqual(u["role"], "admin")
        self.assertIsNone(u["department"])
        # busan's admin is not a hanam user, and the reverse
        self.assertError(Client(self.s).login("admin", tenant="hanam"), 401,
                         "invalid_credentials")
        self.assertError(Client(self.s).login("hadmin", HANAM_PASSWORD, tenant="busan"), 401,
                         "invalid_credentials")

    def test_busan_rows_are_404_for_hanam(self):
        road = [d for d in self.busan_depts if d["code"] == "road-maintenance"][0]
        officer = [u for u in self.busan_users if u["username"] == "officer"][0]
        key = Client(self.s, bearer=self.hanam_key)
        for c in (self.hanam, key):
            for d in self.busan_depts[:5] + [road]:
                p = "/api/v1/departments/%d" % d["id"]
                self.assertError(c.get(p), 404, "not_found")
                self.assertError(c.patch(p, {"name": "하남이 바꿈"}), 404, "not_found")
                self.assertError(c.delete(p), 404, "not_found")
            for u in self.busan_users:
                p = "/api/v1/users/%d" % u["id"]
                self.assertError(c.get(p), 404, "not_found")
                self.assertError(c.patch(p, {"display_name": "하남이 바꿈"}), 404, "not_found")
                self.assertError(c.delete(p), 404, "not_found")
        # nothing of busan's changed
        self.assertEqual(self.all_pages(self.busan, "/api/v1/departments"), self.busan_depts)
        self.assertEqual(self.all_pages(self.busan, "/api/v1/users"), self.busan_users)
        self.assertIs(self.assertJson(self.busan.get("/api/v1/users/%d" % officer["id"]),
                                      200)["active"], True)

    def test_lists_show_only_own_rows(self):
        busan_dept_ids = {d["id"] for d in self.busan_depts}
        busan_user_ids = {u["id"] for u in self.busan_users}
        depts = self.all_pages(self.hanam, "/api/v1/departments")
        self.assertFalse(busan_dept_ids & {d["id"] for d in depts})
        self.assertNotIn("도로관리과", [d["name"] for d in depts])
        users = self.all_pages(self.hanam, "/api/v1/users")
        self.assertFalse(busan_user_ids & {u["id"] for u in users})
        self.assertIn("hadmin", [u["username"] for u in users])
        self.assertNotIn("officer", [u["username"] for u in users])
        # busan's department codes are unknown in hanam
        self.assertError(self.hanam.get("/api/v1/users?dept_code=road-maintenance"), 400,
                         "invalid_field", "dept_code")

    def test_same_codes_in_both_tenants(self):
        r = self.hanam.post("/api/v1/departments", {"code": "civil-service", "name": "민원여권과"})
        d = self.assertJson(r, 201)
        self.assertEqual(d["name"], "민원여권과")
        self.assertNotIn(d["id"], {x["id"] for x in self.busan_depts})
        mine = [x for x in self.all_pages(self.busan, "/api/v1/departments")
                if x["code"] == "civil-service"]
        self.assertEqual([x["name"] for x in mine], ["민원봉사과"])
        self.assertError(self.busan.get("/api/v1/departments/%d" % d["id"]), 404, "not_found")
        u = self.assertJson(self.hanam.post("/api/v1/users", {
            "username": "officer", "display_name": "하남 담당", "password": "hanam-officer-1",
            "role": "officer", "dept_code": "civil-service"}), 201)
        self.assertEqual(u["department"]["id"], d["id"])
        self.assertError(self.busan.get("/api/v1/users/%d" % u["id"]), 404, "not_found")
        c = self.s.login("officer", "hanam-officer-1", tenant="hanam")
        self.assertEqual(c.user["tenant"]["name"], "하남시")
        self.assertEqual(self.s.login("officer").user["display_name"], "정하은")

    def test_cannot_reference_busan_rows(self):
        road = [d for d in self.busan_depts if d["code"] == "road-maintenance"][0]
        r = self.hanam.post("/api/v1/departments",
                            {"code": "hanam-road", "name": "하남도로과", "parent_id": road["id"]})
        self.assertError(r, 400, "invalid_field", "parent_id")
        r = self.hanam.post("/api/v1/users", {"username": "hanam-officer2", "display_name": "담당",
                                              "password": "0123456789", "role": "officer",
                                              "dept_id": road["id"]})
        self.assertError(r, 400, "invalid_field", "dept")
        me = self.hanam.user["id"]
        r = self.hanam.patch("/api/v1/users/%d" % me, {"dept_id": road["id"]})
        self.assertError(r, 400, "invalid_field", "dept")

    def test_audit_logs_are_separate(self):
        self.hanam.get("/api/v1/departments")
        hanam_rows = self.all_pages(self.hanam, "/api/v1/audit", page=200)
        busan_rows = self.all_pages(self.busan, "/api/v1/audit", page=200)
        hanam_ids = {e["id"] for e in hanam_rows}
        busan_ids = {e["id"] for e in busan_rows}
        self.assertFalse(hanam_ids & busan_ids)
        # exactly the rows of each tenant (audit.read rows appear as the lists are read)
        con = self.s.db()
        try:
            tid = {code: i for i, code in con.execute("SELECT id, code FROM tenants")}
            db_hanam = {r[0] for r in con.execute(
                "SELECT id FROM audit_log WHERE tenant_id=? AND id<=?",
                (tid["hanam"], max(hanam_ids)))}
            db_busan = {r[0] for r in con.execute(
                "SELECT id FROM audit_log WHERE tenant_id=? AND id<=?",
                (tid["busan"], max(busan_ids)))}
        finally:
            con.close()
        self.assertEqual(hanam_ids, db_hanam)
        self.assertEqual(busan_ids - db_busan, set())
        self.assertIn("tenant.create", {e["action"] for e in hanam_rows})
        self.assertIn("auth.login", {e["action"] for e in hanam_rows})
        self.assertNotIn("admin", {e["actor_name"] for e in hanam_rows
                                   if e["actor_type"] == "user"})
        self.assertNotIn("hadmin", {e["actor_name"] for e in busan_rows})
        # filters cannot reach across either
        self.assertEqual(self.audit(self.hanam, actor="officer2"), [])
