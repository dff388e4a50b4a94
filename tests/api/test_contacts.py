"""The contact history (접촉이력): an agent finds the caller by phone, logs the call, and it
appears in the 360° view, audited; bad input and other tenants' ids are refused."""
from harness import ApiTest, unique


class ContactTest(ApiTest):
    def setUp(self):
        self.s = self.main()
        self.agent = self.s.login("agent")

    def new_customer(self):
        mobile = "010-%04d-%04d" % (abs(hash(unique("m"))) % 10000, abs(hash(unique("n"))) % 10000)
        r = self.agent.post("/api/v1/customers", {"name": "정민서", "mobile": mobile,
                                                  "address": "부산광역시 수영구 광안해변로 219"})
        return self.assertJson(r, 201)["customer"]["id"], mobile

    def test_agent_logs_a_call_and_the_360_view_shows_it(self):
        cid, mobile = self.new_customer()
        # the caller gives the number without hyphens
        found = self.assertJson(self.agent.get("/api/v1/customers?phone=" + mobile.replace("-", "")), 200)
        self.assertIn(cid, [c["id"] for c in found["items"]])
        r = self.agent.post("/api/v1/contacts", {"customer_id": cid, "channel": "phone",
                                                 "direction": "inbound",
                                                 "summary": "가로등 고장 문의, 민원 접수 안내함"})
        body = self.assertJson(r, 201)
        self.assertEqual(body["channel"], "phone")
        self.assertKstTime(body["at"])
        view = self.assertJson(self.agent.get("/api/v1/customers/%d" % cid), 200)
        self.assertEqual([c["summary"] for c in view["contacts"]], ["가로등 고장 문의, 민원 접수 안내함"])
        self.assertEqual(view["contacts"][0]["staff"], "agent")
        rows = self.audit(self.s.login("admin"), action="contact.create", target_id=str(cid))
        self.assertEqual(len(rows), 1)

    def test_contacts_are_listed_newest_first(self):
        cid, _ = self.new_customer()
        for at, text in (("2026-11-02T10:00+09:00", "첫 통화"), ("2026-11-03T15:30+09:00", "두 번째 통화")):
            self.assertJson(self.agent.post("/api/v1/contacts", {
                "customer_id": cid, "channel": "phone", "direction": "outbound", "at": at,
                "summary": text}), 201)
        view = self.assertJson(self.agent.get("/api/v1/customers/%d" % cid), 200)
        self.assertEqual([c["summary"] for c in view["contacts"]], ["두 번째 통화", "첫 통화"])

    def test_bad_input_is_refused_and_changes_nothing(self):
        cid, _ = self.new_customer()
        cases = [
            ({"channel": "phone", "direction": "inbound", "summary": "x"}, 400, "missing_field", "customer_id"),
            ({"customer_id": cid, "channel": "pigeon", "direction": "inbound", "summary": "x"}, 400, "invalid_field", "channel"),
            ({"customer_id": cid, "channel": "phone", "direction": "sideways", "summary": "x"}, 400, "invalid_field", "direction"),
            ({"customer_id": cid, "channel": "phone", "direction": "inbound", "summary": ""}, 400, "missing_field", "summary"),
            ({"customer_id": cid, "channel": "phone", "direction": "inbound", "summary": "x",
              "at": "2099-01-01T09:00+09:00"}, 400, "invalid_field", "at"),
            ({"customer_id": cid, "channel": "phone", "direction": "inbound", "summary": "x",
              "receipt_no": "2026-999999"}, 400, "invalid_field", "receipt_no"),
            ({"customer_id": 99999999, "channel": "phone", "direction": "inbound", "summary": "x"}, 404, "not_found", "customer_id"),
            ({"customer_id": cid, "channel": "phone", "direction": "inbound", "summary": "x", "mood": "angry"}, 400, "unknown_field", "mood"),
        ]
        for body, status, code, field in cases:
            self.assertError(self.agent.post("/api/v1/contacts", body), status, code, field)
        view = self.assertJson(self.agent.get("/api/v1/customers/%d" % cid), 200)
        self.assertEqual(view["contacts"], [])

    def test_roles(self):
        cid, _ = self.new_customer()
        body = {"customer_id": cid, "channel": "visit", "direction": "inbound", "summary": "방문 상담"}
        self.assertStatus(self.s.login("privacy").post("/api/v1/contacts", body), 403)
        self.assertStatus(self.s.login("officer").post("/api/v1/contacts", body), 201)
