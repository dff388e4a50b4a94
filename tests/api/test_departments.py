"""/api/v1/departments: the organisation chart."""
from harness import DEMO_DEPARTMENT_COUNT, ApiTest, Client, unique


class DepartmentReadTest(ApiTest):
    def test_list_has_the_demo_departments(self):
        s = self.main()
        agent = s.login("agent")  # any staff member may read the chart
        body = self.assertJson(agent.get("/api/v1/departments"), 200)
        self.assertEqual(set(body), {"items", "next_cursor"})
        self.assertIsNone(body["next_cursor"])
        by_code = {d["code"]: d for d in body["items"]}
        self.assertGreaterEqual(len(by_code), DEMO_DEPARTMENT_COUNT)
        road = by_code["road-maintenance"]
        self.assertEqual(road["name"], "도로관리과")
        self.assertEqual(road["phone"], "051-888-4230")
        self.assertIs(road["active"], True)
        self.assertEqual(road["parent_id"], by_code["construction"]["id"])
        self.assertEqual(by_code["construction"]["name"], "건설본부")
        self.assertIsNone(by_code["construction"]["parent_id"])
        self.assertEqual(by_code["civil-service"]["name"], "민원봉사과")
        self.assertEqual(by_code["call-center"]["name"], "120바로콜센터")
        self.assertEqual(set(road), {"id", "code", "name", "parent_id", "phone", "active",
                                     "created_at", "updated_at"})
        ids = [d["id"] for d in body["items"]]
        self.assertEqual(ids, sorted(ids))

    def test_get_one(self):
        s = self.main()
        officer = s.login("officer")
        road = self.dept_by_code(officer, "road-maintenance")
        d = self.assertJson(officer.get("/api/v1/departments/%d" % road["id"]), 200)
        self.assertEqual(d, road)
        self.assertError(officer.get("/api/v1/departments/987654"), 404, "not_found", "id")

    def test_pagination(self):
        admin = self.main().login("admin")
        full = self.assertJson(admin.get("/api/v1/departments?limit=500"), 200)["items"]
        paged = self.all_pages(admin, "/api/v1/departments", page=3)
        self.assertEqual([d["id"] for d in paged], [d["id"] for d in full])
        first = self.assertJson(admin.get("/api/v1/departments?limit=3"), 200)
        self.assertEqual(len(first["items"]), 3)
        self.assertEqual(first["next_cursor"], str(first["items"][-1]["id"]))
        second = self.assertJson(
            admin.get("/api/v1/departments?limit=3&cursor=" + first["next_cursor"]), 200)
        self.assertGreater(second["items"][0]["id"], first["items"][-1]["id"])

    def test_bad_paging_parameters(self):
        admin = self.main().login("admin")
        for q, field in (("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
                         ("limit=-1", "limit"), ("limit=1.5", "limit"), ("cursor=abc", "cursor"),
                         ("cursor=-5", "cursor"), ("cursor=0", "cursor"),
                         ("limit=99999999999999999999", "limit")):
            r = admin.get("/api/v1/departments?" + q)
            e = self.assertError(r, 400, "invalid_field", field)
            if field == "limit":
                self.assertIn("500", e["message"])


class DepartmentWriteTest(ApiTest):
    def setUp(self):
        self.s = self.main()
        self.admin = self.s.login("admin")

    def create(self, **body):
        body.setdefault("code", unique("dept"))
        body.setdefault("name", "시험과")
        r = self.admin.post("/api/v1/departments", body)
        return self.assertJson(r, 201)

    def test_create_and_audit(self):
        parent = self.dept_by_code(self.admin, "citizen-happiness")
        code = unique("complaints")
        d = self.create(code=code, name="민원조정과", parent_id=parent["id"],
                        phone="051-888-1030")
        self.assertEqual(d["code"], code)
        self.assertEqual(d["name"], "민원조정과")
        self.assertEqual(d["parent_id"], parent["id"])
        self.assertEqual(d["phone"], "051-888-1030")
        self.assertIs(d["active"], True)
        self.assertKstTime(d["created_at"])
        self.assertEqual(self.assertJson(self.admin.get("/api/v1/departments/%d" % d["id"]),
                                         200), d)
        rows = [e for e in self.audit(self.admin, action="department.create",
                                      target_id=str(d["id"]))
                if e["detail"]["code"] == code]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["detail"], {"code": code, "name": "민원조정과"})
        self.assertEqual(rows[0]["actor_name"], "admin")
        self.assertEqual(rows[0]["actor_type"], "user")
        self.assertEqual(rows[0]["target_type"], "department")
        # visible to other staff
        officer = self.s.login("officer")
        self.assertEqual(self.dept_by_code(officer, code)["name"], "민원조정과")

    def test_create_inactive_and_without_phone(self):
        d = self.create(name="폐지예정과", active=False)
        self.assertIs(d["active"], False)
        self.assertIsNone(d["phone"])
        self.assertIsNone(d["parent_id"])

    def test_duplicate_code_is_409(self):
        r = self.admin.post("/api/v1/departments", {"code": "road-maintenance", "name": "중복"})
        self.assertError(r, 409, "conflict", "code")
        d = self.create()
        r = self.admin.patch("/api/v1/departments/%d" % d["id"], {"code": "civil-service"})
        self.assertError(r, 409, "conflict", "code")
        self.assertEqual(self.s.db_scalar(
            "SELECT count(*) FROM departments WHERE code='road-maintenance'"), 1)

    def test_invalid_codes(self):
        for code in ("Road", "도로", "-road", "road maint", "road/x", ""):
            r = self.admin.post("/api/v1/departments", {"code": code, "name": "과"})
            self.assertEqual(r.status, 400, r.describe())
            self.assertIn(r.json()["error"]["code"], ("invalid_field", "missing_field"))
            self.assertEqual(r.json()["error"]["field"], "code")

    def test_parent_must_exist(self):
        r = self.admin.post("/api/v1/departments",
                            {"code": unique("orphan"), "name": "고아과", "parent_id": 987654})
        self.assertError(r, 400, "invalid_field", "parent_id")
        r = self.admin.post("/api/v1/departments",
                            {"code": unique("orphan"), "name": "고아과", "parent_id": -3})
        self.assertError(r, 400, "invalid_field", "parent_id")

    def test_parent_cycles_are_422(self):
        a = self.create(name="상위과")
        b = self.create(name="중간과", parent_id=a["id"])
        c = self.create(name="하위과", parent_id=b["id"])
        pa = "/api/v1/departments/%d" % a["id"]
        self.assertError(self.admin.patch(pa, {"parent_id": a["id"]}), 422, "rule_violated",
                         "parent_id")
        self.assertError(self.admin.patch(pa, {"parent_id": c["id"]}), 422, "rule_violated",
                         "parent_id")
        self.assertError(self.admin.patch(pa, {"parent_id": b["id"]}), 422, "rule_violated",
                         "parent_id")
        # a refused change changes nothing, not even the fields that were fine
        self.assertError(self.admin.patch(pa, {"name": "바뀌면안됨", "parent_id": c["id"]}), 422,
                         "rule_violated", "parent_id")
        now = self.assertJson(self.admin.get(pa), 200)
        self.assertIsNone(now["parent_id"])
        self.assertEqual(now["name"], "상위과")
        self.assertEqual(now["updated_at"], a["updated_at"])
        # moving a leaf elsewhere is fine, and parent_id null makes it top-level
        pc = "/api/v1/departments/%d" % c["id"]
        self.assertEqual(self.assertJson(self.admin.patch(pc, {"parent_id": a["id"]}),
                                         200)["parent_id"], a["id"])
        self.assertIsNone(self.assertJson(self.admin.patch(pc, {"parent_id": None}),
                                          200)["parent_id"])

    def test_update_fields_and_audit(self):
        d = self.create(name="옛이름과", phone="051-000-0000")
        p = "/api/v1/departments/%d" % d["id"]
        u = self.assertJson(self.admin.patch(p, {"name": "새이름과"}), 200)
        self.assertEqual(u["name"], "새이름과")
        self.assertEqual(u["phone"], "051-000-0000")  # untouched
        self.assertEqual(u["code"], d["code"])
        u = self.assertJson(self.admin.patch(p, {"active": False, "phone": ""}), 200)
        self.assertIs(u["active"], False)
        self.assertIsNone(u["phone"])
        self.assertEqual(u["name"], "새이름과")
        rows = [e for e in self.audit(self.admin, action="department.update",
                                      target_id=str(d["id"]))
                if e["detail"]["code"] == d["code"]]
        self.assertEqual([r["detail"]["name"] for r in rows], ["새이름과", "새이름과"])
        # an empty PATCH changes nothing but is valid
        self.assertEqual(self.assertJson(self.admin.patch(p, {}), 200)["name"], "새이름과")

    def test_delete(self):
        d = self.create(name="삭제될과")
        p = "/api/v1/departments/%d" % d["id"]
        r = self.admin.delete(p)
        self.assertStatus(r, 204)
        self.assertEqual(r.body, b"")
        self.assertError(self.admin.get(p), 404, "not_found")
        self.assertError(self.admin.delete(p), 404, "not_found")
        self.assertError(self.admin.patch(p, {"name": "부활"}), 404, "not_found")
        rows = self.audit(self.admin, action="department.delete", target_id=str(d["id"]))
        self.assertEqual(rows[0]["detail"]["name"], "삭제될과")

    def test_deleted_ids_are_not_reused(self):
        # BUG: departments.id is a plain INTEGER PRIMARY KEY (001_foundation.sql), so SQLite
        # hands the id of a deleted newest department to the next one created. Old links
        # (and the audit log's target_id) then silently name a different department.
        a = self.create(name="사라질과")
        self.assertStatus(self.admin.delete("/api/v1/departments/%d" % a["id"]), 204)
        b = self.create(name="새로운과")
        self.assertNotEqual(b["id"], a["id"])
        self.assertError(self.admin.get("/api/v1/departments/%d" % a["id"]), 404, "not_found")
        rows = self.audit(self.admin, target_type="department", target_id=str(b["id"]))
        self.assertEqual({e["detail"]["name"] for e in rows}, {"새로운과"})

    def test_delete_in_use_is_409(self):
        road = self.dept_by_code(self.admin, "road-maintenance")      # has staff
        constr = self.dept_by_code(self.admin, "construction")        # has sub-departments
        for d in (road, constr):
            r = self.admin.delete("/api/v1/departments/%d" % d["id"])
            self.assertError(r, 409, "conflict")
            self.assertEqual(self.assertJson(
                self.admin.get("/api/v1/departments/%d" % d["id"]), 200)["name"], d["name"])

    def test_only_admins_write(self):
        for name in ("officer", "depthead", "csmanager", "privacy", "agent"):
            c = self.s.login(name)
            r = c.post("/api/v1/departments", {"code": unique("nope"), "name": "안됨"})
            self.assertError(r, 403, "forbidden")
            self.assertError(c.patch("/api/v1/departments/1", {"name": "안됨"}), 403,
                             "forbidden")
            self.assertError(c.delete("/api/v1/departments/1"), 403, "forbidden")
        key = self.env.apikey(self.s.data_dir, role="cs_manager")
        r = Client(self.s, bearer=key).post("/api/v1/departments", {"code": "kk", "name": "안됨"})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.assertJson(self.admin.get("/api/v1/departments/1"), 200)["name"],
                         "시민행복국")


class DepartmentMembersTest(ApiTest):
    def test_members_are_names_and_roles_only(self):
        s = self.main()
        officer = s.login("officer")
        dept = officer.user["department"]["id"]
        body = self.assertJson(officer.get("/api/v1/departments/%d/members" % dept), 200)
        names = {m["display_name"]: m["role"] for m in body["items"]}
        self.assertEqual(names.get("정하은"), "officer")
        self.assertEqual(names.get("최민준"), "dept_head")
        self.assertEqual(body["items"][0]["role"], "dept_head")  # the head first
        for m in body["items"]:
            self.assertEqual(sorted(m), ["display_name", "id", "role", "role_label"])
        self.assertError(officer.get("/api/v1/departments/99999999/members"), 404, "not_found")
        self.assertError(s.request("GET", "/api/v1/departments/%d/members" % dept), 401, "unauthorized")
