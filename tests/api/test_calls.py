"""Call-centre queues through the API: an officer flags a Catch-Call, an agent sees it in
the queue by due time, claims and completes it; bad input and roles are refused."""
from harness import ApiTest, unique


class CallTaskTest(ApiTest):
    def setUp(self):
        self.s = self.main()
        self.officer = self.s.login("officer")
        self.agent = self.s.login("agent")

    def customer(self):
        mobile = "010-%04d-%04d" % (abs(hash(unique("a"))) % 10000, abs(hash(unique("b"))) % 10000)
        r = self.agent.post("/api/v1/customers", {"name": "오세영", "mobile": mobile})
        return self.assertJson(r, 201)["customer"]["id"]

    def test_catch_call_flow(self):
        cid = self.customer()
        r = self.officer.post("/api/v1/call-tasks", {"kind": "catch", "customer_id": cid,
                                                     "reason": "민원실에서 불만을 표하고 돌아가심"})
        task = self.assertJson(r, 201)
        queue = self.assertJson(self.agent.get("/api/v1/call-tasks?kind=catch&status=open&limit=200"), 200)
        mine = [t for t in queue["items"] if t["id"] == task["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["customer_name"], "오세영")
        self.assertTrue(mine[0]["due_at"].endswith("T18:00:00+09:00"), mine[0])
        dues = [t["due_at"] for t in queue["items"]]
        self.assertEqual(dues, sorted(dues))
        self.assertJson(self.agent.post("/api/v1/call-tasks/%d/claim" % task["id"]), 200)
        self.assertError(self.officer.post("/api/v1/call-tasks/%d/claim" % task["id"]), 409, "conflict")
        self.assertError(self.officer.post("/api/v1/call-tasks/%d/complete" % task["id"],
                                           {"outcome": "reached"}), 409, "conflict")
        done = self.assertJson(self.agent.post("/api/v1/call-tasks/%d/complete" % task["id"],
                                               {"outcome": "reached", "note": "사과와 재안내"}), 200)
        self.assertEqual(done["status"], "done")
        rows = self.audit(self.s.login("admin"), action="call_task")
        self.assertGreaterEqual(len(rows), 3)

    def test_bad_input_and_roles(self):
        cid = self.customer()
        for body, code, field in (
                ({"kind": "plus", "customer_id": cid, "reason": "x"}, "invalid_field", "kind"),
                ({"kind": "catch", "customer_id": cid}, "missing_field", "reason"),
                ({"kind": "catch", "customer_id": cid, "reason": "x", "extra": 1}, "unknown_field", "extra")):
            self.assertError(self.officer.post("/api/v1/call-tasks", body), 400, code, field)
        self.assertError(self.officer.post("/api/v1/call-tasks", {"kind": "catch", "customer_id": 99999999,
                                                                   "reason": "x"}), 404, "not_found")
        self.assertError(self.agent.get("/api/v1/call-tasks?kind=later"), 400, "invalid_field", "kind")
        self.assertStatus(self.s.login("privacy").get("/api/v1/call-tasks"), 403)
        self.assertError(self.agent.post("/api/v1/call-tasks/99999999/claim"), 404, "not_found")
        r = self.officer.post("/api/v1/call-tasks", {"kind": "catch", "customer_id": cid, "reason": "불만"})
        tid = self.assertJson(r, 201)["id"]
        self.assertError(self.agent.post("/api/v1/call-tasks/%d/complete" % tid, {"outcome": "maybe"}),
                         400, "invalid_field", "outcome")

    def test_catch_call_to_the_department_head(self):
        cid = self.customer()
        r = self.officer.post("/api/v1/call-tasks", {"kind": "catch", "customer_id": cid,
                                                     "reason": "담당자와 언쟁 후 귀가", "to": "head"})
        task = self.assertJson(r, 201)
        head = self.user_by_name(self.s.login("admin"), "depthead")
        queue = self.assertJson(self.agent.get("/api/v1/call-tasks?kind=catch&limit=200"), 200)
        mine = [t for t in queue["items"] if t["id"] == task["id"]][0]
        self.assertEqual(mine["assigned_to"], head["id"])
        self.assertError(self.officer.post("/api/v1/call-tasks", {"kind": "catch", "customer_id": cid,
                                                                   "reason": "x", "to": "mayor"}),
                         400, "invalid_field", "to")

    def test_happy_call_sampling_rules(self):
        cs = self.s.login("csmanager")
        before = self.assertJson(cs.get("/api/v1/call-rules"), 200)
        self.assertEqual(before["default_percent"], 20)
        try:
            r = cs.request("PUT", "/api/v1/call-rules", {"rules": [
                {"department": "parking", "percent": 100},
                {"type_code": "REPORT-ROAD-DAMAGE", "department": "road-maintenance", "percent": 5}]})
            body = self.assertJson(r, 200)
            self.assertEqual(len(body["rules"]), 2)
            road = [x for x in body["rules"] if x["type_code"] == "REPORT-ROAD-DAMAGE"][0]
            self.assertEqual((road["department"]["code"], road["percent"]), ("road-maintenance", 5))
            for rules, field in (([{"percent": 101}], "rules"), ([{"type_code": "NOPE", "percent": 1}], "rules"),
                                 ([{"department": "nowhere", "percent": 1}], "rules"),
                                 ([{"percent": 5, "extra": 1}], "extra"), ("all", "rules")):
                r = cs.request("PUT", "/api/v1/call-rules", {"rules": rules})
                self.assertEqual(r.status, 400, r.describe())
                self.assertEqual(r.json()["error"]["field"], field)
            self.assertEqual(len(self.assertJson(cs.get("/api/v1/call-rules"), 200)["rules"]), 2)
            self.assertError(self.officer.get("/api/v1/call-rules"), 403, "forbidden")
        finally:
            self.assertJson(cs.request("PUT", "/api/v1/call-rules", {"rules": []}), 200)
