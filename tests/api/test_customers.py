"""/api/v1/customers, merges, the match review queue, match rules and the data-quality
report, on a server whose data holds 300 generated residents of 부산광역시 (523 noisy source
records) imported from the CLI, plus a second tenant (하남시) that must see none of them."""
import json
import os
import re
from urllib.parse import quote

import harness
from harness import ApiTest, Client

HANAM_PASSWORD = "하남시-상담원-2026"
SERVER = "customers"
SUMMARY_KEYS = {"id", "name", "birth_year", "sex", "mobile_masked", "phone_masked",
                "email_masked", "address_area", "rrn_masked"}
PROFILE_KEYS = {"id", "kind", "name", "birth_date", "sex", "rrn_masked", "has_rrn", "phone",
                "mobile", "email", "address", "address_parts", "postal_code", "household_key",
                "merged_into", "created_at", "updated_at", "contact_masked"}
VIEW_KEYS = {"id", "profile", "household", "sources", "consents", "merges", "changes",
             "complaints", "contacts"}
RULES = ["name_exact", "name_similar", "mobile", "phone", "email", "birth", "address",
         "household", "mobile_differs", "address_differs", "upper", "lower"]
MASKED_MOBILE = re.compile(r"^01\d-\*{3,4}-\d{4}$")
MASKED_RRN = re.compile(r"^\d{6}-\d\*{6}$")
CLEAR_RRN = re.compile(r"^\d{6}-\d{7}$")

_mobiles = [0]


def rrn(front, g, serial):
    """A valid RRN: front YYMMDD, g the century/sex digit, serial five digits."""
    digits = front + g + serial
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11) % 10
    return "%s-%s%s%d" % (front, g, serial, check)


class CustomerApiTest(ApiTest):
    """Shared set-up: one server for every customer test class (started once)."""

    @classmethod
    def setUpClass(cls):
        env = harness.ENV
        if SERVER not in env.servers:
            d = env.new_data_dir(SERVER)
            for args in (["gen", "residents", "--data", d, "--people", "300", "--seed", "3"],
                         ["import", "records", "--data", d, "--source", "gen",
                          os.path.join(d, "generated", "residents.csv")],
                         ["tenant", "add", "--data", d, "--code", "hanam", "--name", "하남시"]):
                p = env.cli(args, timeout=600)
                if p.returncode != 0:
                    raise AssertionError("pcrm %s: %d %s" % (args[0], p.returncode, p.stderr))
            for username, role in (("hagent", "agent"), ("hadmin", "admin")):
                p = env.cli(["user", "add", "--data", d, "--tenant", "hanam", "--username",
                             username, "--role", role, "--display-name", "하남직원",
                             "--password-stdin"], stdin=(HANAM_PASSWORD + "\n").encode())
                if p.returncode != 0:
                    raise AssertionError("pcrm user add: %d %s" % (p.returncode, p.stderr))
            env.server(SERVER, {"PCRM_THROTTLE_FAILURES": "1000"}, data_dir=d)

    def setUp(self):
        self.s = self.env.server(SERVER)
        self.officer = self.s.login("officer")
        self.agent = self.s.login("agent")
        self.cs = self.s.login("csmanager")
        self.privacy = self.s.login("privacy")

    # -- helpers
    def rows(self, sql, params=()):
        con = self.s.db()
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def area(self, cid):
        """What the masked address of a customer must be: 시도 시군구 [읍면] 도로명/동."""
        row = self.rows("SELECT addr_sido, addr_sigungu, addr_eupmyeon, addr_street"
                        " FROM customers WHERE id = ?", (cid,))[0]
        return " ".join(x for x in row if x) or None

    def busan_id(self):
        return self.rows("SELECT id FROM tenants WHERE code = 'busan'")[0][0]

    def new_mobile(self):
        """A mobile number no customer has yet."""
        while True:
            _mobiles[0] += 1
            m = "010-7%03d-%04d" % (os.getpid() % 1000, _mobiles[0])
            if not self.rows("SELECT 1 FROM customers WHERE mobile = ?", (m,)):
                return m

    def search(self, client, q, param="q", limit=None, status=200):
        path = "/api/v1/customers?%s=%s" % (param, quote(q))
        if limit is not None:
            path += "&limit=%d" % limit
        return self.assertJson(client.get(path), status)

    def view(self, client, cid):
        return self.assertJson(client.get("/api/v1/customers/%d" % cid), 200)

    def create(self, client=None, **body):
        body.setdefault("name", "테스트")
        r = (client or self.officer).post("/api/v1/customers", body)
        return self.assertJson(r, 201)

    def audit_rows(self, **filters):
        return self.audit(self.privacy, **filters)


class CustomerSearchTest(CustomerApiTest):
    def a_customer(self, where):
        row = self.rows("SELECT id, name, mobile, email FROM customers WHERE merged_into IS NULL"
                        " AND " + where + " ORDER BY id LIMIT 1")
        self.assertTrue(row, where)
        return row[0]

    def test_mobile_in_three_formats_finds_the_same_customer(self):
        cid, _, mobile, _ = self.a_customer("mobile IS NOT NULL")
        digits = mobile.replace("-", "")
        found = []
        for q in (mobile, digits, "+82 10 %s %s" % (mobile[4:8], mobile[9:])):
            body = self.search(self.agent, q)
            self.assertEqual(body["kind"], "phone", q)
            found.append(sorted(i["id"] for i in body["items"]))
            self.assertIn(cid, found[-1], q)
        self.assertEqual(found[0], found[1])
        self.assertEqual(found[0], found[2])
        # the call centre's caller lookup: ?phone= is q
        body = self.search(self.agent, digits, param="phone")
        self.assertEqual(sorted(i["id"] for i in body["items"]), found[0])

    def test_name_prefix_of_two_syllables(self):
        for cid, name in self.rows("SELECT id, name FROM customers WHERE merged_into IS NULL"
                                   " AND length(name) = 3 ORDER BY id"):
            same = self.rows("SELECT count(*) FROM customers WHERE name_key LIKE ?",
                             (name[:2] + "%",))[0][0]
            if same <= 10:
                break
        body = self.search(self.officer, name[:2], limit=50)
        self.assertEqual(body["kind"], "text")
        self.assertIn(cid, [i["id"] for i in body["items"]])
        for item in body["items"]:
            self.assertTrue(item["name"].startswith(name[:2]), item)

    def test_email_in_upper_case(self):
        cid, _, _, email = self.a_customer("email IS NOT NULL")
        body = self.search(self.officer, email.upper())
        self.assertEqual(body["kind"], "email")
        self.assertIn(cid, [i["id"] for i in body["items"]])
        local = email.split("@")[0]
        for item in body["items"]:
            self.assertEqual(item["email_masked"], local[:2] + "***@" + email.split("@")[1])

    def test_rrn_exactly(self):
        cid = self.a_customer("rrn_index IS NOT NULL")[0]
        r = self.officer.post("/api/v1/customers/%d/rrn" % cid, {"purpose": "본인 확인 검색 시험"})
        number = self.assertJson(r, 200)["rrn"]
        for q in (number, number.replace("-", "")):
            body = self.search(self.officer, q)
            self.assertEqual(body["kind"], "rrn")
            self.assertEqual([i["id"] for i in body["items"]], [cid])
        # one digit off is another number, not a fuzzy match
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
        body = self.search(self.officer, wrong)
        self.assertNotIn(cid, [i["id"] for i in body["items"]])

    def test_results_are_masked(self):
        cid, _, mobile, _ = self.a_customer("mobile IS NOT NULL AND rrn_index IS NOT NULL")
        r = self.agent.get("/api/v1/customers?q=" + quote(mobile))
        body = self.assertJson(r, 200)
        text = r.text()
        self.assertNotIn(mobile, text)
        self.assertNotIn(mobile.replace("-", ""), text)
        self.assertNotIn("household_key", text)
        for item in body["items"]:
            self.assertEqual(set(item), SUMMARY_KEYS)
            if item["mobile_masked"] is not None:
                self.assertRegex(item["mobile_masked"], MASKED_MOBILE)
            if item["rrn_masked"] is not None:
                self.assertRegex(item["rrn_masked"], MASKED_RRN)
            # no building number, no flat
            self.assertEqual(item["address_area"], self.area(item["id"]))
            if item["birth_year"] is not None:
                self.assertIsInstance(item["birth_year"], int)
        mine = [i for i in body["items"] if i["id"] == cid][0]
        self.assertEqual(mine["mobile_masked"], mobile[:4] + "****" + mobile[8:])
        # the clear RRN is in no search answer
        number = self.assertJson(self.officer.post("/api/v1/customers/%d/rrn" % cid,
                                                   {"purpose": "마스킹 시험"}), 200)["rrn"]
        self.assertNotIn(number[8:], text)

    def test_searches_are_audited_without_the_query(self):
        _, _, mobile, _ = self.a_customer("mobile IS NOT NULL")
        body = self.search(self.agent, mobile)
        rows = self.audit_rows(action="customer.search", actor="agent", limit=1)
        self.assertEqual(rows[0]["detail"], {"kind": "phone", "results": len(body["items"])})
        self.assertEqual(rows[0]["target_type"], "customer")
        self.assertIsNone(rows[0]["target_id"])
        text = json.dumps(rows[0], ensure_ascii=False)
        self.assertNotIn(mobile, text)
        self.assertNotIn(mobile.replace("-", "")[3:], text)
        # a search that finds nothing is audited too
        before = len(self.audit_rows(action="customer.search", actor="officer", limit=200))
        body = self.search(self.officer, "없는이름가나다라")
        self.assertEqual(body["items"], [])
        rows = self.audit_rows(action="customer.search", actor="officer", limit=200)
        self.assertEqual(len(rows), before + 1)
        self.assertEqual(rows[0]["detail"], {"kind": "text", "results": 0})
        self.assertNotIn("없는이름", json.dumps(rows[0], ensure_ascii=False))

    def test_bad_queries(self):
        a = self.agent
        self.assertError(a.get("/api/v1/customers"), 400, "missing_field", "q")
        self.assertError(a.get("/api/v1/customers?q="), 400, "missing_field", "q")
        self.assertError(a.get("/api/v1/customers?phone="), 400, "missing_field", "q")
        for limit in ("0", "51", "-1", "abc", "1e3", "99999999999999999999", "+5", " 5"):
            self.assertError(a.get("/api/v1/customers?q=%EA%B9%80&limit=" + quote(limit)), 400,
                             "invalid_field", "limit")
        self.assertError(a.get("/api/v1/customers?q=" + quote("가" * 101)), 400,
                         "invalid_field", "q")
        body = self.search(a, "김", limit=50)
        self.assertLessEqual(len(body["items"]), 50)
        body = self.search(a, "김")
        self.assertLessEqual(len(body["items"]), 20)
        # FTS syntax in the query is text, not syntax
        for q in ('"', 'a" OR "b', "*", "NEAR(", "부산 AND"):
            self.search(a, q)

    def test_who_may_search(self):
        admin = self.s.login("admin")
        self.assertError(admin.get("/api/v1/customers?q=%EA%B9%80"), 403, "forbidden")
        for u in ("agent", "officer", "depthead", "csmanager", "privacy"):
            self.search(self.s.login(u), "김")
        self.assertError(Client(self.s).get("/api/v1/customers?q=%EA%B9%80"), 401,
                         "unauthorized")


class CustomerViewTest(CustomerApiTest):
    def rich_customer(self):
        """A customer with a mobile, two or more source records and a household."""
        row = self.rows(
            "SELECT c.id, c.mobile, c.email FROM customers c WHERE c.merged_into IS NULL AND"
            " c.mobile IS NOT NULL AND c.household_key IS NOT NULL AND"
            " (SELECT count(*) FROM source_records s WHERE s.customer_id = c.id) >= 2 AND"
            " (SELECT count(*) FROM customers h WHERE h.household_key = c.household_key"
            "  AND h.id <> c.id AND h.merged_into IS NULL) >= 1 ORDER BY c.id LIMIT 1")
        self.assertTrue(row)
        return row[0]

    def test_officer_sees_the_360_view(self):
        cid, mobile, email = self.rich_customer()
        v = self.view(self.officer, cid)
        self.assertEqual(set(v), VIEW_KEYS)
        p = v["profile"]
        self.assertEqual(set(p), PROFILE_KEYS)
        self.assertEqual(p["id"], cid)
        self.assertEqual(p["mobile"], mobile)
        self.assertEqual(p["email"], email)
        self.assertIs(p["contact_masked"], False)
        self.assertIsNone(p["merged_into"])
        self.assertKstTime(p["created_at"], near_now=False)
        if p["has_rrn"]:
            self.assertRegex(p["rrn_masked"], MASKED_RRN)
        db = self.rows("SELECT address, household_key FROM customers WHERE id = ?", (cid,))[0]
        self.assertEqual(p["address"], db[0])
        self.assertEqual(p["household_key"], db[1])
        # household: the other live customers at the same address
        want = [r[0] for r in self.rows("SELECT id FROM customers WHERE household_key = ? AND"
                                        " id <> ? AND merged_into IS NULL ORDER BY id",
                                        (db[1], cid))]
        self.assertEqual([h["id"] for h in v["household"]], want)
        for h in v["household"]:
            self.assertEqual(set(h), {"id", "name", "birth_year"})
        # sources: every record linked to it, as entered, without the RRN
        want = self.rows("SELECT id, source_id FROM source_records WHERE customer_id = ?"
                         " ORDER BY id", (cid,))
        self.assertEqual([(x["id"], x["source_id"]) for x in v["sources"]], want)
        for src in v["sources"]:
            self.assertEqual(src["source"], "gen")
            self.assertIn(src["match_rule"], ("new", "rrn", "auto", "review", "manual"))
            self.assertIsInstance(src["fields"], dict)
            self.assertNotIn("rrn", src["fields"])
            self.assertEqual(src["fields"]["source_id"], src["source_id"])
        # consents: every purpose x channel; complaint handling is always allowed
        self.assertEqual(len(v["consents"]), 24)
        for c in v["consents"]:
            self.assertEqual(set(c), {"purpose", "channel", "granted", "at", "source"})
            if c["purpose"] == "complaint_handling":
                self.assertIs(c["granted"], True)
        self.assertEqual(v["complaints"], [])
        self.assertEqual(v["contacts"], [])
        self.assertIsInstance(v["merges"], list)
        self.assertIsInstance(v["changes"], list)

    def test_clear_rrn_is_not_in_the_view(self):
        cid = self.rows("SELECT id FROM customers WHERE rrn_index IS NOT NULL AND"
                        " merged_into IS NULL ORDER BY id DESC LIMIT 1")[0][0]
        number = self.assertJson(self.officer.post("/api/v1/customers/%d/rrn" % cid,
                                                   {"purpose": "360 화면 시험"}), 200)["rrn"]
        for who in (self.officer, self.privacy, self.cs):
            text = who.get("/api/v1/customers/%d" % cid).text()
            self.assertNotIn(number, text)
            self.assertNotIn(number.replace("-", ""), text)
            self.assertNotIn(number[7:], text)

    def test_cs_manager_sees_contacts_masked(self):
        cid, mobile, email = self.rich_customer()
        r = self.cs.get("/api/v1/customers/%d" % cid)
        v = self.assertJson(r, 200)
        p = v["profile"]
        self.assertIs(p["contact_masked"], True)
        self.assertRegex(p["mobile"], MASKED_MOBILE)
        self.assertEqual(p["mobile"][-4:], mobile[-4:])
        if email:
            self.assertIn("***@", p["email"])
        self.assertIsNone(p["address_parts"]["number"])
        self.assertIsNone(p["address_parts"]["detail"])
        self.assertEqual(p["address"], self.area(cid))
        text = r.text()
        digits = mobile.replace("-", "")
        for form in (mobile, digits, "%s.%s.%s" % (digits[:3], digits[3:7], digits[7:]),
                     "%s %s %s" % (digits[:3], digits[3:7], digits[7:])):
            self.assertNotIn(form, text)
        if email:
            self.assertNotIn(email, text.lower())
        # the same customer in clear for the roles that contact people
        for u in ("agent", "depthead", "privacy"):
            v = self.view(self.s.login(u), cid)
            self.assertEqual(v["profile"]["mobile"], mobile, u)

    def test_every_read_is_audited(self):
        cid = self.rich_customer()[0]
        before = self.audit_rows(action="customer.read", target_id=str(cid), limit=200)
        self.view(self.officer, cid)
        self.view(self.cs, cid)
        self.assertJson(self.agent.get("/api/v1/customers/%d/consents" % cid), 200)
        rows = self.audit_rows(action="customer.read", target_id=str(cid), limit=200)
        self.assertEqual(len(rows), len(before) + 3)
        self.assertEqual([r["actor_name"] for r in rows[:3]], ["agent", "csmanager", "officer"])
        self.assertEqual(rows[1]["detail"], {"view": "360", "contact_masked": True})
        self.assertEqual(rows[2]["detail"], {"view": "360", "contact_masked": False})
        self.assertEqual(rows[0]["detail"], {"view": "consents"})
        self.assertEqual(rows[0]["target_type"], "customer")

    def test_unknown_ids(self):
        for path in ("/api/v1/customers/987654", "/api/v1/customers/abc",
                     "/api/v1/customers/0", "/api/v1/customers/-1",
                     "/api/v1/customers/987654/consents"):
            self.assertError(self.officer.get(path), 404, "not_found")
        self.assertError(self.officer.patch("/api/v1/customers/987654", {"name": "없음"}), 404,
                         "not_found")


class CustomerRrnTest(CustomerApiTest):
    def test_who_may_read_the_rrn(self):
        cid = self.rows("SELECT id FROM customers WHERE rrn_index IS NOT NULL ORDER BY id"
                        " LIMIT 1")[0][0]
        path = "/api/v1/customers/%d/rrn" % cid
        for u in ("agent", "csmanager", "admin"):
            self.assertError(self.s.login(u).post(path, {"purpose": "궁금해서"}), 403,
                             "forbidden")
        self.assertError(self.officer.post(path, {}), 400, "missing_field", "purpose")
        self.assertError(self.officer.post(path, {"purpose": ""}), 400, "missing_field",
                         "purpose")
        self.assertError(self.officer.post(path, {"purpose": 3}), 400, "invalid_field",
                         "purpose")
        self.assertError(self.officer.post(path, {"purpose": "가" * 201}), 400,
                         "invalid_field", "purpose")
        self.assertError(self.officer.post(path, {"purpose": "확인", "why": "x"}), 400,
                         "unknown_field", "why")
        masked = self.view(self.officer, cid)["profile"]["rrn_masked"]
        purpose = "도로 파손 민원 본인 확인 %s" % harness.unique("p")
        for u in ("officer", "depthead", "privacy"):
            body = self.assertJson(self.s.login(u).post(path, {"purpose": purpose}), 200)
            self.assertEqual(set(body), {"rrn"})
            self.assertRegex(body["rrn"], CLEAR_RRN)
            self.assertEqual(body["rrn"][:8], masked[:8])
        rows = self.audit_rows(action="customer.rrn.read", target_id=str(cid), limit=3)
        self.assertEqual([r["actor_name"] for r in rows], ["privacy", "depthead", "officer"])
        for r in rows:
            self.assertEqual(r["purpose"], purpose)
        self.assertNotIn(body["rrn"], json.dumps(rows))

    def test_customer_without_rrn(self):
        c = self.create(name="번호없음", mobile=self.new_mobile())["customer"]
        self.assertIs(c["profile"]["has_rrn"], False)
        self.assertError(self.officer.post("/api/v1/customers/%d/rrn" % c["id"],
                                           {"purpose": "본인 확인"}), 404, "not_found")
        self.assertError(self.officer.post("/api/v1/customers/987654/rrn",
                                           {"purpose": "본인 확인"}), 404, "not_found")


class CustomerWriteTest(CustomerApiTest):
    def test_create_then_the_same_person_links(self):
        mobile = self.new_mobile()
        first = self.create(name="남궁민수", mobile=mobile, address="부산광역시 중구 중앙대로 120",
                            email="Namgung.Minsu@Example.KR", postal_code="48939")
        self.assertEqual(first["outcome"], "new")
        self.assertEqual(first["reviews"], 0)
        c = first["customer"]
        self.assertEqual(set(c), VIEW_KEYS)
        self.assertEqual(c["profile"]["name"], "남궁민수")
        self.assertEqual(c["profile"]["mobile"], mobile)
        self.assertEqual(c["profile"]["email"], "namgung.minsu@example.kr")
        self.assertEqual(c["profile"]["postal_code"], "48939")
        self.assertEqual(len(c["sources"]), 1)
        src = c["sources"][0]
        self.assertEqual(src["source"], "staff")
        self.assertRegex(src["source_id"], r"^officer-\d{13}-[0-9a-f]{8}$")
        self.assertEqual(src["match_rule"], "new")
        # the record as entered, not cleansed
        self.assertEqual(src["fields"]["email"], "Namgung.Minsu@Example.KR")
        # the same person again, the mobile written another way
        second = self.create(self.agent, name="남궁 민수", mobile=mobile.replace("-", ""))
        self.assertEqual(second["outcome"], "linked")
        self.assertEqual(second["customer"]["id"], c["id"])
        self.assertEqual(len(second["customer"]["sources"]), 2)
        self.assertRegex(second["customer"]["sources"][1]["source_id"], r"^agent-")
        rows = self.audit_rows(action="customer.create", target_id=str(c["id"]), limit=5)
        self.assertEqual([r["detail"]["outcome"] for r in rows[:2]], ["linked", "new"])
        self.assertEqual([r["actor_name"] for r in rows[:2]], ["agent", "officer"])

    def test_create_keeps_the_rrn_sealed(self):
        number = rrn("850315", "2", "34567")
        body = self.create(name="봉순자", rrn=number, mobile=self.new_mobile())
        c = body["customer"]
        self.assertEqual(c["profile"]["rrn_masked"], number[:8] + "******")
        self.assertEqual(c["profile"]["birth_date"], "1985-03-15")
        self.assertEqual(c["profile"]["sex"], "F")
        self.assertNotIn("rrn", c["sources"][0]["fields"])
        self.assertNotIn(number[8:], json.dumps(body))
        got = self.assertJson(self.officer.post("/api/v1/customers/%d/rrn" % c["id"],
                                                {"purpose": "등록 확인"}), 200)
        self.assertEqual(got["rrn"], number)
        fields = self.rows("SELECT fields FROM source_records WHERE customer_id = ?",
                           (c["id"],))[0][0]
        self.assertNotIn(number[8:], fields)

    def test_create_validation(self):
        p = "/api/v1/customers"
        o = self.officer
        self.assertError(o.post(p, {}), 400, "missing_field", "name")
        self.assertError(o.post(p, {"mobile": self.new_mobile()}), 400, "missing_field", "name")
        self.assertError(o.post(p, {"name": ""}), 400, "missing_field", "name")
        self.assertError(o.post(p, {"name": "   "}), 400, "missing_field", "name")
        self.assertError(o.post(p, {"name": 5}), 400, "invalid_field", "name")
        self.assertError(o.post(p, {"name": "가" * 41}), 400, "invalid_field", "name")
        for field, value in (("mobile", "010-12"), ("mobile", "02-123-4567x"),
                             ("phone", "1234"), ("email", "no-at-sign"),
                             ("rrn", "900101-1234567"), ("birth_date", "1990-02-30"),
                             ("address", "해운대로 123"), ("postal_code", "1234"),
                             ("postal_code", "123456"), ("kind", "vip"), ("mobile", 1012345678)):
            self.assertError(o.post(p, {"name": "검증", field: value}), 400, "invalid_field",
                             field)
        self.assertError(o.post(p, {"name": "검증", "tenant_id": 2}), 400, "unknown_field",
                         "tenant_id")
        self.assertError(o.post(p, {"name": "검증", "merged_into": 1}), 400, "unknown_field",
                         "merged_into")
        self.assertError(o.post(p, "[]"), 400, "invalid_json")
        self.assertError(o.post(p, "{"), 400, "invalid_json")
        for u in ("privacy", "admin"):
            self.assertError(self.s.login(u).post(p, {"name": "권한"}), 403, "forbidden")
        self.assertError(o.post(p, {"name": "토큰"}, csrf=False), 403, "csrf_failed")

    def test_patch_invalid_mobile_changes_nothing(self):
        c = self.create(name="고친다", mobile=self.new_mobile())["customer"]
        path = "/api/v1/customers/%d" % c["id"]
        before = self.view(self.officer, c["id"])
        for body, field in (({"mobile": "010-12"}, "mobile"),
                            ({"email": "bad@", "name": "바뀌면안됨"}, "email"),
                            ({"name": "바뀌면안됨", "postal_code": "abc"}, "postal_code"),
                            ({"kind": "vip"}, "kind"),
                            ({"mobile": 1}, "mobile")):
            self.assertError(self.officer.patch(path, body), 400, "invalid_field", field)
        self.assertError(self.officer.patch(path, {"nickname": "x"}), 400, "unknown_field",
                         "nickname")
        after = self.view(self.officer, c["id"])
        self.assertEqual(after["profile"], before["profile"])
        self.assertEqual(after["changes"], before["changes"])

    def test_patch_records_changes(self):
        old = self.new_mobile()
        c = self.create(name="변경이력", mobile=old)["customer"]
        new = self.new_mobile()
        v = self.assertJson(self.cs.patch("/api/v1/customers/%d" % c["id"],
                                          {"mobile": new.replace("-", " "),
                                           "email": "Change@Daum.net", "kind": "policy"}), 200)
        # cs_manager's answer is masked, like its GET
        self.assertRegex(v["profile"]["mobile"], MASKED_MOBILE)
        v = self.view(self.officer, c["id"])
        self.assertEqual(v["profile"]["mobile"], new)
        self.assertEqual(v["profile"]["email"], "change@daum.net")
        self.assertEqual(v["profile"]["kind"], "policy")
        changes = {ch["field"]: ch for ch in v["changes"]}
        self.assertEqual(changes["mobile"]["old_value"], old)
        self.assertEqual(changes["mobile"]["new_value"], new)
        self.assertTrue(changes["mobile"]["actor"].endswith("csmanager"))
        masked = {ch["field"]: ch for ch in self.view(self.cs, c["id"])["changes"]}
        self.assertRegex(masked["mobile"]["old_value"], MASKED_MOBILE)
        self.assertEqual(masked["email"]["new_value"], "ch***@daum.net")
        self.assertEqual(masked["kind"]["new_value"], "policy")
        rows = self.audit_rows(action="customer.update", target_id=str(c["id"]), limit=1)
        self.assertEqual(rows[0]["actor_name"], "csmanager")
        # an RRN correction shows masked values in the history
        number = rrn("770707", "1", "11223")
        self.assertJson(self.officer.patch("/api/v1/customers/%d" % c["id"], {"rrn": number}),
                        200)
        ch = [x for x in self.view(self.officer, c["id"])["changes"] if x["field"] == "rrn"][0]
        self.assertEqual(ch["new_value"], "770707-1******")
        self.assertError(self.s.login("admin").patch("/api/v1/customers/%d" % c["id"],
                                                     {"name": "관리자"}), 403, "forbidden")


class CustomerMergeTest(CustomerApiTest):
    def test_merge_and_undo(self):
        a = self.create(name="합병갑", rrn=rrn("690101", "1", "55501"),
                        mobile=self.new_mobile())["customer"]
        b = self.create(name="합병을", mobile=self.new_mobile(),
                        email="merge.b@korea.kr")["customer"]
        self.assertIsNone(a["profile"]["email"])
        r = self.cs.post("/api/v1/customers/%d/merge" % a["id"], {"other_id": b["id"]})
        body = self.assertJson(r, 200)
        self.assertEqual(set(body), {"merge_id", "customer"})
        merged = body["customer"]
        self.assertEqual(merged["id"], a["id"])
        self.assertEqual(sorted(s["id"] for s in merged["sources"]),
                         sorted([a["sources"][0]["id"], b["sources"][0]["id"]]))
        self.assertEqual(merged["merges"][0]["id"], body["merge_id"])
        self.assertEqual(merged["merges"][0]["how"], "manual")
        self.assertIsNone(merged["merges"][0]["undone_at"])
        # the survivor took the merged customer's e-mail (it had none)
        self.assertEqual(self.view(self.officer, a["id"])["profile"]["email"], "merge.b@korea.kr")
        # the merged customer still answers, pointing at the survivor
        gone = self.view(self.officer, b["id"])
        self.assertEqual(gone["profile"]["merged_into"], a["id"])
        self.assertEqual(gone["sources"], [])
        self.assertEqual(gone["merges"][0]["merged_id"], b["id"])
        self.assertNotIn(b["id"], [i["id"] for i in
                                   self.search(self.officer, "합병을")["items"]])
        self.assertEqual(self.audit_rows(action="customer.merge", target_id=str(a["id"]),
                                         limit=1)[0]["detail"],
                         {"merged_id": b["id"], "merge_id": body["merge_id"]})
        # merging it again, or into it, is against the rules
        self.assertError(self.cs.post("/api/v1/customers/%d/merge" % a["id"],
                                      {"other_id": b["id"]}), 422, "rule_violated")
        self.assertError(self.cs.post("/api/v1/customers/%d/merge" % b["id"],
                                      {"other_id": a["id"]}), 422, "rule_violated")
        # undo: the sources go back, the survivor loses what it took
        undo = "/api/v1/merges/%d/undo" % body["merge_id"]
        self.assertEqual(self.assertJson(self.privacy.post(undo), 200), {"ok": True})
        va, vb = self.view(self.officer, a["id"]), self.view(self.officer, b["id"])
        self.assertEqual([s["id"] for s in va["sources"]], [a["sources"][0]["id"]])
        self.assertEqual([s["id"] for s in vb["sources"]], [b["sources"][0]["id"]])
        self.assertIsNone(va["profile"]["email"])
        self.assertIsNone(vb["profile"]["merged_into"])
        self.assertIsNotNone(va["merges"][0]["undone_at"])
        self.assertError(self.privacy.post(undo), 422, "rule_violated")
        self.assertError(self.cs.post("/api/v1/merges/987654/undo"), 404, "not_found")
        self.assertError(self.cs.post(undo, {"force": True}), 400, "unknown_field", "force")

    def test_different_rrns_are_never_merged(self):
        a = self.create(name="다른사람", rrn=rrn("800101", "1", "12345"),
                        mobile=self.new_mobile())["customer"]
        b = self.create(name="다른사람", rrn=rrn("800101", "1", "54321"),
                        mobile=self.new_mobile())["customer"]
        self.assertNotEqual(a["id"], b["id"])
        self.assertError(self.cs.post("/api/v1/customers/%d/merge" % a["id"],
                                      {"other_id": b["id"]}), 422, "rule_violated", "other_id")
        self.assertError(self.cs.post("/api/v1/customers/%d/merge" % a["id"],
                                      {"other_id": a["id"]}), 422, "rule_violated")
        self.assertIsNone(self.view(self.officer, b["id"])["profile"]["merged_into"])

    def test_merge_input_and_roles(self):
        a = self.create(name="입력검사", mobile=self.new_mobile())["customer"]
        p = "/api/v1/customers/%d/merge" % a["id"]
        self.assertError(self.cs.post(p, {}), 400, "missing_field", "other_id")
        self.assertError(self.cs.post(p, {"other_id": "12"}), 400, "invalid_field", "other_id")
        self.assertError(self.cs.post(p, {"other_id": 1.5}), 400, "invalid_field", "other_id")
        self.assertError(self.cs.post(p, {"other_id": 0}), 400, "invalid_field", "other_id")
        self.assertError(self.cs.post(p, {"other_id": 987654}), 404, "not_found")
        self.assertError(self.cs.post(p, {"other_id": 1, "how": "auto"}), 400,
                         "unknown_field", "how")
        for u in ("agent", "officer", "depthead"):
            self.assertError(self.s.login(u).post(p, {"other_id": 1}), 403, "forbidden")
            self.assertError(self.s.login(u).post("/api/v1/merges/1/undo"), 403, "forbidden")


class MatchReviewTest(CustomerApiTest):
    def review_pair(self, tag):
        """Two new customers one syllable apart at the same flat: a pair for review."""
        address = "부산광역시 해운대구 시험%s로 %d, 101호" % (tag, 10 + os.getpid() % 900)
        a = self.create(name="김민준", address=address, mobile=self.new_mobile())
        b = self.create(name="김민중", address=address, mobile=self.new_mobile())
        self.assertEqual(b["outcome"], "new")
        self.assertEqual(b["reviews"], 1)
        return a["customer"]["id"], b["customer"]["id"]

    def find(self, status, a, b):
        for item in self.all_pages(self.cs, "/api/v1/match-reviews?status=" + status):
            if {item["a"]["id"], item["b"]["id"]} == {a, b}:
                return item
        return None

    def test_queue_lists_open_pairs_side_by_side(self):
        open_in_db = self.rows("SELECT count(*) FROM match_reviews WHERE status = 'open' AND"
                               " tenant_id = ?", (self.busan_id(),))[0][0]
        rules = self.assertJson(self.cs.get("/api/v1/match-rules"), 200)["rules"]
        items = self.all_pages(self.cs, "/api/v1/match-reviews", page=2)
        self.assertEqual(len(items), open_in_db)
        ids = [i["id"] for i in items]
        self.assertEqual(ids, sorted(ids, reverse=True))
        for item in items:
            self.assertEqual(set(item), {"id", "score", "reasons", "status", "created_at",
                                         "decided_at", "decided_by", "a", "b"})
            self.assertEqual(item["status"], "open")
            self.assertEqual(set(item["a"]), SUMMARY_KEYS)
            self.assertEqual(set(item["b"]), SUMMARY_KEYS)
            self.assertGreaterEqual(item["score"], rules["lower"])
            self.assertLess(item["score"], rules["upper"])
        row = self.audit_rows(action="match_review.list", actor="csmanager", limit=1)[0]
        self.assertEqual(row["detail"]["status"], "open")
        for u in ("privacy", "admin"):
            self.assertJson(self.s.login(u).get("/api/v1/match-reviews"), 200)
        for u in ("agent", "officer", "depthead"):
            self.assertError(self.s.login(u).get("/api/v1/match-reviews"), 403, "forbidden")
        self.assertError(self.cs.get("/api/v1/match-reviews?status=closed"), 400,
                         "invalid_field", "status")
        self.assertError(self.cs.get("/api/v1/match-reviews?limit=201"), 400, "invalid_field",
                         "limit")
        self.assertError(self.cs.get("/api/v1/match-reviews?cursor=x"), 400, "invalid_field",
                         "cursor")

    def test_decide_distinct(self):
        a, b = self.review_pair("가")
        item = self.find("open", a, b)
        self.assertIsNotNone(item)
        self.assertIn("address", item["reasons"])
        p = "/api/v1/match-reviews/%d" % item["id"]
        self.assertError(self.cs.post(p, {"decision": "maybe"}), 400, "invalid_field",
                         "decision")
        self.assertError(self.cs.post(p, {}), 400, "missing_field", "decision")
        self.assertError(self.cs.post(p, {"decision": "distinct", "note": "x"}), 400,
                         "unknown_field", "note")
        decided = self.assertJson(self.cs.post(p, {"decision": "distinct"}), 200)
        self.assertEqual(decided["id"], item["id"])
        self.assertEqual(decided["status"], "distinct")
        self.assertEqual(decided["decided_by"], "csmanager")
        self.assertKstTime(decided["decided_at"])
        self.assertIsNone(self.find("open", a, b))
        self.assertIsNotNone(self.find("distinct", a, b))
        self.assertError(self.cs.post(p, {"decision": "merge"}), 422, "rule_violated")
        self.assertIsNone(self.view(self.officer, b)["profile"]["merged_into"])
        self.assertError(self.cs.post("/api/v1/match-reviews/987654", {"decision": "merge"}),
                         404, "not_found")
        self.assertError(self.agent.post(p, {"decision": "merge"}), 403, "forbidden")

    def test_decide_merge(self):
        a, b = self.review_pair("나")
        item = self.find("open", a, b)
        decided = self.assertJson(self.privacy.post("/api/v1/match-reviews/%d" % item["id"],
                                                    {"decision": "merge"}), 200)
        self.assertEqual(decided["status"], "merged")
        self.assertEqual(self.view(self.officer, b)["profile"]["merged_into"], a)


class ConsentTest(CustomerApiTest):
    def state(self, body, purpose, channel):
        for c in body["consents"]:
            if c["purpose"] == purpose and c["channel"] == channel:
                return c
        self.fail("no %s/%s" % (purpose, channel))

    def test_grant_then_withdraw(self):
        cid = self.create(name="동의인", mobile=self.new_mobile())["customer"]["id"]
        p = "/api/v1/customers/%d/consents" % cid
        body = self.assertJson(self.agent.get(p), 200)
        self.assertEqual(body["customer_id"], cid)
        self.assertEqual(len(body["consents"]), 24)
        self.assertIs(self.state(body, "status_notice", "sms")["granted"], False)
        self.assertIsNone(self.state(body, "status_notice", "sms")["at"])
        body = self.assertJson(self.agent.post(p, {"purpose": "status_notice", "channel": "sms",
                                                   "granted": True, "source": "phone"}), 201)
        s = self.state(body, "status_notice", "sms")
        self.assertIs(s["granted"], True)
        self.assertEqual(s["source"], "phone")
        self.assertKstTime(s["at"])
        self.assertIs(self.state(body, "status_notice", "email")["granted"], False)
        body = self.assertJson(self.officer.post(p, {"purpose": "status_notice",
                                                     "channel": "sms", "granted": False,
                                                     "source": "visit"}), 201)
        self.assertIs(self.state(body, "status_notice", "sms")["granted"], False)
        self.assertEqual(self.state(body, "status_notice", "sms")["source"], "visit")
        # the legal basis of a complaint cannot be withdrawn
        body = self.assertJson(self.officer.post(p, {"purpose": "complaint_handling",
                                                     "channel": "phone", "granted": False,
                                                     "source": "visit"}), 201)
        self.assertIs(self.state(body, "complaint_handling", "phone")["granted"], True)
        view = self.view(self.officer, cid)
        self.assertIs(self.state(view, "status_notice", "sms")["granted"], False)
        actions = [r["action"] for r in self.audit_rows(action="consent", target_id=str(cid))]
        self.assertEqual(actions, ["consent.withdraw", "consent.withdraw", "consent.grant"])

    def test_consent_input(self):
        cid = self.create(name="동의검사", mobile=self.new_mobile())["customer"]["id"]
        p = "/api/v1/customers/%d/consents" % cid
        good = {"purpose": "campaign", "channel": "email", "granted": True, "source": "web"}

        def with_(**kw):
            b = dict(good)
            for k, v in kw.items():
                if v is ...:
                    del b[k]
                else:
                    b[k] = v
            return self.officer.post(p, b)

        self.assertError(with_(purpose="marketing"), 400, "invalid_field", "purpose")
        self.assertError(with_(channel="fax"), 400, "invalid_field", "channel")
        self.assertError(with_(granted="yes"), 400, "invalid_field", "granted")
        self.assertError(with_(granted=1), 400, "invalid_field", "granted")
        self.assertError(with_(granted=...), 400, "missing_field", "granted")
        self.assertError(with_(purpose=...), 400, "missing_field", "purpose")
        self.assertError(with_(source=...), 400, "missing_field", "source")
        self.assertError(with_(source="x" * 32), 400, "invalid_field", "source")
        self.assertError(with_(at="2026-01-01"), 400, "unknown_field", "at")
        self.assertError(self.officer.post("/api/v1/customers/987654/consents", good), 404,
                         "not_found")
        self.assertError(self.s.login("admin").post(p, good), 403, "forbidden")
        self.assertIs(self.state(self.assertJson(self.officer.get(p), 200), "campaign",
                                 "email")["granted"], False)


class DataQualityTest(CustomerApiTest):
    def test_report_counts_the_imported_rows(self):
        with open(os.path.join(self.s.data_dir, "generated", "residents.csv"),
                  encoding="utf-8") as f:
            import csv
            rows = list(csv.DictReader(f))
        body = self.assertJson(self.cs.get("/api/v1/reports/data-quality?source=gen"), 200)
        self.assertEqual(body["total"], len(rows))
        self.assertEqual(body["source"], "gen")
        self.assertEqual(set(body["fields"]), {"address", "phone", "mobile", "email", "rrn"})
        for name, f in body["fields"].items():
            self.assertEqual(set(f), {"filled", "null", "fill_rate", "valid_original",
                                      "cleansed", "invalid", "accuracy"})
            self.assertEqual(f["filled"] + f["null"], body["total"], name)
            self.assertEqual(f["valid_original"] + f["cleansed"] + f["invalid"], f["filled"])
            self.assertEqual(f["fill_rate"], round(100.0 * f["filled"] / body["total"], 2))
            self.assertEqual(f["accuracy"], round(100.0 * (f["valid_original"] + f["cleansed"])
                                                  / body["total"], 2))
            self.assertEqual(round(f["fill_rate"], 2), f["fill_rate"])
            # blank in the file is exactly null in the report
            self.assertEqual(f["null"], sum(1 for r in rows if not r[name].strip()), name)
        everything = self.assertJson(self.cs.get("/api/v1/reports/data-quality"), 200)
        self.assertIsNone(everything["source"])
        self.assertGreaterEqual(everything["total"], body["total"])
        none = self.assertJson(self.cs.get("/api/v1/reports/data-quality?source=nothing"), 200)
        self.assertEqual(none["total"], 0)
        self.assertEqual(none["fields"]["rrn"]["fill_rate"], 0)
        for u in ("privacy", "admin", "depthead"):
            self.assertJson(self.s.login(u).get("/api/v1/reports/data-quality"), 200)
        for u in ("agent", "officer"):
            self.assertError(self.s.login(u).get("/api/v1/reports/data-quality"), 403,
                             "forbidden")
        self.assertError(self.cs.get("/api/v1/reports/data-quality?source=" + "s" * 65), 400,
                         "invalid_field", "source")


class MatchRulesTest(CustomerApiTest):
    def rules(self, client=None):
        body = self.assertJson((client or self.cs).get("/api/v1/match-rules"), 200)
        self.assertEqual(list(body), ["rules"])
        self.assertEqual(list(body["rules"]), RULES)
        return body["rules"]

    def test_get_and_put(self):
        before = self.rules()
        self.assertEqual(self.rules(self.s.login("admin")), before)
        self.assertLessEqual(before["lower"], before["upper"])
        try:
            body = self.assertJson(self.cs.request("PUT", "/api/v1/match-rules",
                                                   {"phone": 0.25, "household": 0.2}), 200)
            self.assertEqual(body["rules"]["phone"], 0.25)
            self.assertEqual(self.rules()["phone"], 0.25)
            rows = self.audit_rows(action="match_rule.update", limit=2)
            self.assertEqual({r["target_id"] for r in rows}, {"phone", "household"})
        finally:
            self.assertJson(self.cs.request("PUT", "/api/v1/match-rules",
                                            {"phone": before["phone"],
                                             "household": before["household"]}), 200)
        self.assertEqual(self.rules(), before)

    def test_validation_changes_nothing(self):
        before = self.rules()
        put = lambda body: self.cs.request("PUT", "/api/v1/match-rules", body)  # noqa: E731
        self.assertError(put({"phone": 0.3, "bogus": 1}), 400, "unknown_field", "bogus")
        self.assertError(put({"phone": "0.3"}), 400, "invalid_field", "phone")
        self.assertError(put({"phone": None}), 400, "invalid_field", "phone")
        self.assertError(put({"phone": True}), 400, "invalid_field", "phone")
        self.assertError(put({"mobile": 0.3, "phone": 2.5}), 400, "invalid_field", "phone")
        self.assertError(put({"phone": -0.1}), 400, "invalid_field", "phone")
        self.assertError(put({"lower": 0.9, "upper": 0.8}), 422, "rule_violated")
        self.assertError(put({"lower": before["upper"] + 0.01}), 422, "rule_violated")
        self.assertError(put("[1]"), 400, "invalid_json")
        self.assertEqual(self.rules(), before)
        for u in ("agent", "officer", "depthead", "privacy"):
            c = self.s.login(u)
            self.assertError(c.get("/api/v1/match-rules"), 403, "forbidden")
            self.assertError(c.request("PUT", "/api/v1/match-rules", {"phone": 0.2}), 403,
                             "forbidden")
        self.assertError(self.cs.request("PUT", "/api/v1/match-rules", {"phone": 0.2},
                                         csrf=False), 403, "csrf_failed")
        self.assertEqual(self.rules(), before)


class CustomerTenantTest(CustomerApiTest):
    def test_hanam_sees_nothing_of_busan(self):
        hagent = self.s.login("hagent", HANAM_PASSWORD, tenant="hanam")
        hadmin = self.s.login("hadmin", HANAM_PASSWORD, tenant="hanam")
        cid, mobile, name = self.rows(
            "SELECT id, mobile, name FROM customers WHERE mobile IS NOT NULL AND"
            " merged_into IS NULL ORDER BY id LIMIT 1")[0]
        p = "/api/v1/customers/%d" % cid
        self.assertError(hagent.get(p), 404, "not_found")
        self.assertError(hagent.patch(p, {"name": "하남이 바꿈"}), 404, "not_found")
        self.assertError(hagent.get(p + "/consents"), 404, "not_found")
        self.assertError(hagent.post(p + "/consents", {"purpose": "campaign", "channel": "sms",
                                                       "granted": True, "source": "web"}),
                         404, "not_found")
        self.assertError(hadmin.post(p + "/merge", {"other_id": cid + 1}), 404, "not_found")
        for q in (mobile, name, name[:2]):
            self.assertEqual(self.search(hagent, q)["items"], [], q)
        review = self.rows("SELECT id FROM match_reviews ORDER BY id LIMIT 1")[0][0]
        self.assertError(hadmin.post("/api/v1/match-reviews/%d" % review,
                                     {"decision": "distinct"}), 404, "not_found")
        self.assertEqual(self.assertJson(hadmin.get("/api/v1/match-reviews"), 200)["items"], [])
        self.assertEqual(self.assertJson(hadmin.get("/api/v1/reports/data-quality"),
                                         200)["total"], 0)
        merge = self.rows("SELECT id FROM customer_merges ORDER BY id LIMIT 1")
        if merge:
            self.assertError(hadmin.post("/api/v1/merges/%d/undo" % merge[0][0]), 404,
                             "not_found")
        # busan's customer is untouched, and hanam's rules are its own
        self.assertEqual(self.view(self.officer, cid)["profile"]["name"], name)
        self.assertJson(hadmin.request("PUT", "/api/v1/match-rules", {"birth": 0.5}), 200)
        self.assertEqual(self.assertJson(hadmin.get("/api/v1/match-rules"), 200)["rules"]["birth"],
                         0.5)
        self.assertNotEqual(self.assertJson(self.cs.get("/api/v1/match-rules"),
                                            200)["rules"]["birth"], 0.5)
        # a hanam customer is not busan's
        mine = self.create(hagent, name="하남주민", mobile=mobile)
        self.assertEqual(mine["outcome"], "new")
        self.assertError(self.officer.get("/api/v1/customers/%d" % mine["customer"]["id"]),
                         404, "not_found")
        self.assertEqual([i["id"] for i in self.search(hagent, mobile)["items"]],
                         [mine["customer"]["id"]])
