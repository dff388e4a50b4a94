"""Notifications: the outbox writes a notice in the same transaction as each complaint
event, the delivery job sends it through the file channel (DATA/outbox.log), consent
decides what beyond the statutory notices may go, templates are validated when saved,
the resident signs in with a one-time code, and a SIGKILL between commit and send (or in
the middle of sending) loses and duplicates nothing."""
import json
import os
import re
import signal
import time

from harness import ApiTest, unique

ROAD = "REPORT-ROAD-DAMAGE"  # road-maintenance, the demo officer's department
_seq = [0]


def new_mobile():
    _seq[0] += 1
    n = 7000_0000 + (os.getpid() % 500) * 1000 + _seq[0]
    return "010-%04d-%04d" % (n // 10000, n % 10000)


def complaint_body(mobile, email=None, consents=None, title="도로 파손 신고"):
    resident = {"name": "송하늘", "mobile": mobile}
    if email:
        resident["email"] = email
    body = {"tenant": "busan", "title": title,
            "body": "수영구 광안동 192 앞 도로에 포트홀이 생겨 차량이 위험합니다.",
            "channel": "web", "type_code": ROAD, "resident": resident}
    if consents is not None:
        body["consents"] = consents
    return body


def outbox_records(server):
    """The file channel's records: [(header line, text)]."""
    path = os.path.join(server.data_dir, "outbox.log")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    records = []
    for chunk in text.split("=== ")[1:]:
        header, _, rest = chunk.partition("\n")
        records.append((header, rest))
    return records


def wait_for(predicate, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


class NotifyTest(ApiTest):
    def setUp(self):
        self.s = self.env.server("notify", {"PCRM_THROTTLE_FAILURES": "1000"})

    def file(self, **kw):
        r = self.s.request("POST", "/api/v1/public/complaints", complaint_body(**kw))
        return self.assertJson(r, 201)

    def records_for(self, receipt):
        return [r for r in outbox_records(self.s) if receipt in r[1]]

    def messages(self, receipt):
        con = self.s.db()
        try:
            return con.execute(
                "SELECT m.event, m.medium, m.status, m.consent FROM messages m JOIN complaints c"
                " ON c.id = m.complaint_id WHERE c.receipt_no = ? ORDER BY m.id", (receipt,)).fetchall()
        finally:
            con.close()

    def act(self, client, receipt, action, **kw):
        r = client.post("/api/v1/complaints/%s/actions" % receipt, dict(kw, action=action))
        return self.assertJson(r, 200)

    def test_received_notice_reaches_the_outbox_file(self):
        mobile = new_mobile()
        rec = self.file(mobile=mobile)
        got = wait_for(lambda: self.records_for(rec["receipt_no"]))
        self.assertEqual(len(got), 1, got)
        header, text = got[0]
        self.assertIn("sms", header)
        self.assertIn("to " + mobile, header)
        self.assertRegex(header, r" (SMS|LMS) ")
        self.assertIn("[부산광역시] 민원 %s 접수" % rec["receipt_no"], text)
        self.assertIn("도로관리과", text)
        self.assertRegex(header, r" SMS ")  # the short received notice fits 90 EUC-KR bytes
        rows = wait_for(lambda: [m for m in self.messages(rec["receipt_no"]) if m[2] == "sent"])
        self.assertEqual(rows, [("received", "sms", "sent", "statutory")])

    def test_each_workflow_step_produces_its_notice(self):
        mobile = new_mobile()
        rec = self.file(mobile=mobile, consents={"status_notice": ["sms"]})
        no = rec["receipt_no"]
        officer = self.s.login("officer")
        self.act(officer, no, "assign", officer_id=officer.user["id"])
        self.act(officer, no, "request_supplement", text="사진을 보내 주세요")
        self.act(officer, no, "supplement_received")
        self.act(officer, no, "extend", text="보수 자재 수급 지연")
        self.act(officer, no, "answer", text="포트홀을 보수하였습니다.")
        want = ["received", "assigned", "supplement", "extended", "answered"]
        got = wait_for(lambda: [m[0] for m in self.messages(no) if m[2] == "sent"] == want and want)
        self.assertEqual([m[0] for m in self.messages(no)], want)
        records = wait_for(lambda: len(self.records_for(no)) == 5 and self.records_for(no))
        self.assertEqual(len(records), 5)
        # the answer notice links to the resident's tracking page
        self.assertIn("/portal/track?receipt=" + no, records[-1][1])
        self.assertIn(" LMS ", records[-1][0])
        # each sent notice is in the resident's contact history
        admin = self.s.login("csmanager")
        view = self.assertJson(admin.get("/api/v1/customers/%d" % self.detail_customer(no)), 200)
        notices = [c for c in view["contacts"] if c["channel"] == "sms" and c["direction"] == "outbound"]
        self.assertEqual(len(notices), 5)

    def detail_customer(self, receipt):
        return self.s.db_scalar("SELECT customer_id FROM complaints WHERE receipt_no = ?", (receipt,))

    def test_progress_notices_need_consent_and_are_kept_as_suppressed(self):
        rec = self.file(mobile=new_mobile())  # no status_notice consent
        officer = self.s.login("officer")
        self.act(officer, rec["receipt_no"], "assign", officer_id=officer.user["id"])
        rows = self.messages(rec["receipt_no"])
        self.assertEqual(rows[0][:2], ("received", "sms"))
        self.assertIn(("assigned", "sms", "suppressed", "denied"), rows)

    def test_withdrawing_consent_in_the_portal_stops_surveys(self):
        mobile = new_mobile()
        rec = self.file(mobile=mobile, consents={"survey": ["sms"], "status_notice": ["sms"]})
        portal = self.sign_in(mobile)
        r = self.s.request("PUT", "/api/v1/public/me/consents",
                           {"purpose": "survey", "channel": "sms", "granted": False},
                           headers=portal)
        body = self.assertJson(r, 200)
        survey = [c for c in body["consents"] if c["purpose"] == "survey" and c["channel"] == "sms"]
        self.assertFalse(survey[0]["granted"])
        officer = self.s.login("officer")
        no = rec["receipt_no"]
        self.act(officer, no, "assign", officer_id=officer.user["id"])
        self.act(officer, no, "answer", text="보수 완료")
        self.act(officer, no, "close")
        rows = self.messages(no)
        self.assertIn(("survey", "sms", "suppressed", "denied"), rows)
        self.assertIn("answered", [m[0] for m in rows if m[3] == "statutory"])
        # complaint_handling cannot be withdrawn
        r = self.s.request("PUT", "/api/v1/public/me/consents",
                           {"purpose": "complaint_handling", "channel": "sms", "granted": False},
                           headers=portal)
        self.assertError(r, 422, "rule_violated", "purpose")

    # -- the resident portal's sign-in

    def request_code(self, contact):
        r = self.s.request("POST", "/api/v1/public/sign-in/code",
                           {"tenant": "busan", "contact": contact})
        self.assertJson(r, 202)

    def latest_code(self, contact):
        def find():
            for header, text in reversed(outbox_records(self.s)):
                if "to " + contact in header and "인증번호" in text:
                    return re.search(r"\b(\d{6})\b", text).group(1)
            return None
        return wait_for(find)

    def sign_in(self, mobile):
        self.request_code(mobile.replace("-", ""))
        code = self.latest_code(mobile)
        self.assertIsNotNone(code, "no sign-in code reached the outbox")
        r = self.s.request("POST", "/api/v1/public/sign-in",
                           {"tenant": "busan", "contact": mobile, "code": code})
        body = self.assertJson(r, 200)
        cookie = re.match(r"pcrm_resident=([^;]+)", r.header("Set-Cookie")).group(1)
        self.assertIn("HttpOnly", r.header("Set-Cookie"))
        return {"Cookie": "pcrm_resident=" + cookie, "X-CSRF-Token": body["csrf_token"]}

    def test_one_time_code_signs_the_resident_in_to_their_complaints(self):
        mobile = new_mobile()
        first = self.file(mobile=mobile, title="가로등 고장")
        second = self.file(mobile=mobile, title="보도블록 파손")
        other = self.file(mobile=new_mobile())
        portal = self.sign_in(mobile)
        me = self.assertJson(self.s.request("GET", "/api/v1/public/me", headers=portal), 200)
        self.assertEqual(me["resident"]["mobile"], mobile)
        self.assertEqual(sorted(c["receipt_no"] for c in me["complaints"]),
                         sorted([first["receipt_no"], second["receipt_no"]]))
        self.assertTrue(any(c["purpose_label"] for c in me["consents"]))
        r = self.s.request("GET", "/api/v1/public/me/complaints/" + first["receipt_no"], headers=portal)
        self.assertEqual(self.assertJson(r, 200)["title"], "가로등 고장")
        # someone else's receipt looks like no receipt
        r = self.s.request("GET", "/api/v1/public/me/complaints/" + other["receipt_no"], headers=portal)
        self.assertError(r, 404, "not_found", "receipt_no")
        # a state change without the CSRF header is refused
        r = self.s.request("PUT", "/api/v1/public/me/consents",
                           {"purpose": "survey", "channel": "sms", "granted": True},
                           headers={"Cookie": portal["Cookie"]})
        self.assertError(r, 403, "csrf_failed")
        # sign-out ends the session
        self.assertStatus(self.s.request("POST", "/api/v1/public/sign-out", headers=portal), 204)
        r = self.s.request("GET", "/api/v1/public/me", headers=portal)
        self.assertError(r, 401, "session_expired")
        self.assertError(self.s.request("GET", "/api/v1/public/me"), 401, "unauthorized")
        admin = self.s.login("admin")
        rows = self.audit(admin, action="resident.signin")
        self.assertTrue(rows)

    def test_wrong_codes_unknown_contacts_and_bad_input(self):
        mobile = new_mobile()
        self.file(mobile=mobile)
        # an unknown number gets the same answer and no message
        before = len(outbox_records(self.s))
        self.request_code("010-0000-0001")
        time.sleep(0.8)
        self.assertFalse([h for h, _ in outbox_records(self.s)[before:] if "010-0000-0001" in h])
        self.request_code(mobile)
        code = self.latest_code(mobile)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        for _ in range(5):
            r = self.s.request("POST", "/api/v1/public/sign-in",
                               {"tenant": "busan", "contact": mobile, "code": wrong})
            self.assertError(r, 401, "invalid_credentials", "code")
        # five wrong tries end the code, the right one included
        r = self.s.request("POST", "/api/v1/public/sign-in",
                           {"tenant": "busan", "contact": mobile, "code": code})
        self.assertError(r, 429, "too_many_requests", "code")
        r = self.s.request("POST", "/api/v1/public/sign-in/code", {"tenant": "busan", "contact": "전화"})
        self.assertError(r, 400, "invalid_field", "contact")
        r = self.s.request("POST", "/api/v1/public/sign-in/code", {"tenant": "busan"})
        self.assertError(r, 400, "missing_field", "contact")
        r = self.s.request("POST", "/api/v1/public/sign-in/code",
                           {"tenant": "busan", "contact": mobile, "extra": 1})
        self.assertError(r, 400, "unknown_field", "extra")
        r = self.s.request("POST", "/api/v1/public/sign-in/code", {"tenant": "nowhere", "contact": mobile})
        self.assertError(r, 404, "not_found", "tenant")

    # -- templates and the outbox as staff see it

    def test_templates_are_validated_when_saved_and_previewed_with_real_data(self):
        cs = self.s.login("csmanager")
        items = self.assertJson(cs.get("/api/v1/templates"), 200)["items"]
        self.assertIn(("received", "sms"), [(t["event"], t["medium"]) for t in items])
        r = cs.request("PUT", "/api/v1/templates/answered/sms", {"body": "{이름}님 {주소}로 보냄"})
        self.assertError(r, 400, "invalid_field", "body")
        self.assertIn("{주소}", r.json()["error"]["message"])
        r = cs.request("PUT", "/api/v1/templates/answered/email", {"body": "본문"})
        self.assertError(r, 400, "invalid_field", "subject")
        r = cs.request("PUT", "/api/v1/templates/nosuch/sms", {"body": "x"})
        self.assertError(r, 404, "not_found")
        rec = self.file(mobile=new_mobile())
        r = cs.post("/api/v1/templates/preview", {"event": "received", "medium": "sms",
                                                  "body": "{이름}님 {접수번호} 접수", "receipt_no": rec["receipt_no"]})
        p = self.assertJson(r, 200)
        self.assertEqual(p["body"], "송하늘님 %s 접수" % rec["receipt_no"])
        self.assertEqual(p["class"], "SMS")
        self.assertEqual(p["bytes"], sum(1 if ord(ch) < 128 else 2 for ch in p["body"]))
        long_body = "가" * 46
        p = self.assertJson(cs.post("/api/v1/templates/preview", {"event": "received", "medium": "sms", "body": long_body}), 200)
        self.assertEqual((p["class"], p["bytes"]), ("LMS", 92))
        officer = self.s.login("officer")
        self.assertError(officer.get("/api/v1/templates"), 403, "forbidden")
        # a saved wording is used for the next notice, and the change is audited
        r = cs.request("PUT", "/api/v1/templates/received/sms", {"body": "[{기관}] {접수번호} 잘 받았습니다"})
        self.assertTrue(self.assertJson(r, 200)["customised"])
        try:
            rec = self.file(mobile=new_mobile())
            got = wait_for(lambda: self.records_for(rec["receipt_no"]))
            self.assertIn("[부산광역시] %s 잘 받았습니다" % rec["receipt_no"], got[0][1])
        finally:
            self.assertJson(cs.delete("/api/v1/templates/received/sms"), 200)
        self.assertTrue(self.audit(self.s.login("admin"), action="template.update"))

    def test_messages_list_masks_recipients_and_the_report_counts_cost(self):
        mobile = new_mobile()
        rec = self.file(mobile=mobile)
        wait_for(lambda: [m for m in self.messages(rec["receipt_no"]) if m[2] == "sent"])
        cs = self.s.login("csmanager")
        items = self.assertJson(cs.get("/api/v1/messages?receipt_no=" + rec["receipt_no"]), 200)["items"]
        self.assertEqual(len(items), 1)
        m = items[0]
        self.assertEqual((m["event"], m["status"], m["consent"]), ("received", "sent", "statutory"))
        self.assertNotIn(mobile, m["recipient"])
        self.assertTrue(m["recipient"].endswith(mobile[-4:]))
        self.assertIn(m["class"], ("SMS", "LMS"))
        self.assertError(cs.get("/api/v1/messages?status=lost"), 400, "invalid_field", "status")
        year = int(m["created_at"][:4])
        rep = self.assertJson(cs.get("/api/v1/reports/messages?year=%d" % year), 200)
        self.assertGreaterEqual(rep["total"]["sent"], 1)
        row = [r for r in rep["rows"] if r["class"] == m["class"]][0]
        self.assertAlmostEqual(row["cost"], row["sent"] * row["unit_price"])
        self.assertError(cs.get("/api/v1/reports/messages?year=abc"), 400, "invalid_field", "year")
        con = self.assertJson(cs.get("/api/v1/reports/contacts?year=%d" % year), 200)
        self.assertTrue(any(v["channel"] == "sms" for v in con["volume"]))
        self.assertError(self.s.login("agent").get("/api/v1/messages"), 403, "forbidden")


class NotifyCrashTest(ApiTest):
    def start(self, name, data_dir, extra):
        return self.env.server(name, dict({"PCRM_THROTTLE_FAILURES": "1000"}, **extra),
                               data_dir=data_dir)

    def kill(self, s):
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        s.stop_problems = []  # killed on purpose

    def test_sigkill_between_commit_and_send_loses_and_duplicates_nothing(self):
        data = self.env.new_data_dir(unique("nc"))
        # 1. the change commits, the delivery is off: the server dies with everything queued
        s = self.start(unique("nc-a"), data, {"PCRM_DELIVERY": "off"})
        receipts = []
        for _ in range(12):
            r = s.request("POST", "/api/v1/public/complaints", complaint_body(new_mobile()))
            receipts.append(self.assertJson(r, 201)["receipt_no"])
        self.kill(s)
        self.assertEqual(outbox_records(s), [])
        # 2. slowly delivering (2 SMS a second), killed in the middle
        s = self.start(unique("nc-b"), data, {"PCRM_RATE_SMS": "2"})
        wait_for(lambda: len(outbox_records(s)) >= 3)
        self.kill(s)
        partial = len(outbox_records(s))
        self.assertLess(partial, 12)
        # 3. a normal restart finishes the job: every notice exactly once
        s = self.start(unique("nc-c"), data, {})
        wait_for(lambda: s.db_scalar("SELECT count(*) FROM messages WHERE status = 'sent'") == 12, 30)
        keys = [re.search(r" key (\S+)$", h).group(1) for h, _ in outbox_records(s)]
        self.assertEqual(len(keys), 12, keys)
        self.assertEqual(len(set(keys)), 12, "a notice was written twice")
        for no in receipts:
            self.assertEqual(sum(no in text for _, text in outbox_records(s)), 1, no)


class DeliveryReportTest(ApiTest):
    TOKEN = "dlr-secret-0123456789abcdef"

    def setUp(self):
        self.s = self.env.server("notify-dlr", {"PCRM_SMS_CALLBACK_TOKEN": self.TOKEN})

    def report(self, body, token=None):
        return self.s.request("POST", "/api/v1/notify/delivery-reports", body,
                              headers={"X-Callback-Token": token or self.TOKEN})

    def test_gateway_reports_delivery_and_failure(self):
        keys = []
        for _ in range(2):
            r = self.s.request("POST", "/api/v1/public/complaints", complaint_body(new_mobile()))
            no = self.assertJson(r, 201)["receipt_no"]
            key = wait_for(lambda: self.s.db_scalar(
                "SELECT max(m.msg_key) FROM messages m JOIN complaints c ON c.id = m.complaint_id"
                " WHERE c.receipt_no = ? AND m.status = 'sent'", (no,)))
            keys.append(key)
        body = {"reports": [{"ref": keys[0], "status": "delivered", "at": "2026-11-28T10:00:05+09:00"},
                            {"ref": keys[1], "status": "failed", "error": "결번"},
                            {"ref": "ev999999999-sms-c1", "status": "delivered"}]}
        got = self.assertJson(self.report(body), 200)
        self.assertEqual(got["recorded"], 2)
        self.assertEqual(got["unknown"], ["ev999999999-sms-c1"])
        cs = self.s.login("csmanager")
        items = {m["body"]: m for m in self.assertJson(cs.get("/api/v1/messages?limit=200"), 200)["items"]}
        by_key = {}
        con = self.s.db()
        try:
            for k in keys:
                by_key[k] = con.execute("SELECT delivery, delivery_error FROM messages WHERE msg_key = ?",
                                        (k,)).fetchone()
        finally:
            con.close()
        self.assertEqual(by_key[keys[0]], ("delivered", None))
        self.assertEqual(by_key[keys[1]], ("failed", "결번"))
        self.assertTrue(any(m["delivery"] == "failed" and m["delivery_error"] == "결번" for m in items.values()))
        year = self.s.db_scalar("SELECT strftime('%Y', 'now')")
        rep = self.assertJson(cs.get("/api/v1/reports/messages?year=" + year), 200)
        self.assertEqual(sum(r["delivered"] for r in rep["rows"]), 1)
        self.assertEqual(sum(r["undelivered"] for r in rep["rows"]), 1)

    def test_bad_token_and_bad_input_change_nothing(self):
        self.assertError(self.report({"reports": [{"ref": "x", "status": "delivered"}]}, token="wrong-token-wrong-token"),
                         401, "unauthorized")
        self.assertError(self.s.request("POST", "/api/v1/notify/delivery-reports",
                                        {"reports": [{"ref": "x", "status": "delivered"}]}), 401, "unauthorized")
        for body, code, field in (({}, "missing_field", "reports"), ({"reports": []}, "invalid_field", "reports"),
                                  ({"reports": [{"ref": "x", "status": "lost"}]}, "invalid_field", "status"),
                                  ({"reports": [{"ref": "x"}]}, "missing_field", "status"),
                                  ({"reports": [{"ref": "x", "status": "failed", "extra": 1}]}, "unknown_field", "extra"),
                                  ({"reports": [{"ref": "x", "status": "failed", "at": "어제"}]}, "invalid_field", "at")):
            self.assertError(self.report(body), 400, code, field)

    def test_off_without_a_token(self):
        s = self.env.main()
        r = s.request("POST", "/api/v1/notify/delivery-reports", {"reports": [{"ref": "x", "status": "delivered"}]},
                      headers={"X-Callback-Token": self.TOKEN})
        self.assertError(r, 404, "not_found")
        bad = self.env.cli(["serve", "--data", s.data_dir, "--listen", "127.0.0.1:0"],
                           extra_env={"PCRM_SMS_CALLBACK_TOKEN": "short"})
        self.assertEqual(bad.returncode, 2, bad.stderr)


OTHER_PASSWORD = "다른시-관리자-2026"


class NotifyTenantTest(ApiTest):
    """Two municipalities on one installation: notices, templates, the outbox, the call
    rules and resident sign-in never cross between them."""

    @classmethod
    def setUpClass(cls):
        import harness
        env = harness.ENV
        if "notify-tenants" not in env.servers:
            d = env.new_data_dir("notify-tenants")
            p = env.cli(["tenant", "add", "--data", d, "--code", "other", "--name", "다른시"])
            assert p.returncode == 0, p.stderr
            for username, role in (("ocs", "cs_manager"), ("oadmin", "admin")):
                p = env.cli(["user", "add", "--data", d, "--tenant", "other", "--username", username,
                             "--role", role, "--display-name", "다른시직원", "--password-stdin"],
                            stdin=(OTHER_PASSWORD + "\n").encode())
                assert p.returncode == 0, p.stderr
            env.server("notify-tenants", {"PCRM_THROTTLE_FAILURES": "1000"}, data_dir=d)

    def setUp(self):
        self.s = self.env.server("notify-tenants")

    def file(self, tenant, mobile, title="도로 파손 신고"):
        body = complaint_body(mobile, title=title)
        body["tenant"] = tenant
        if tenant != "busan":
            body.pop("type_code")
        return self.assertJson(self.s.request("POST", "/api/v1/public/complaints", body), 201)

    def test_outbox_templates_and_rules_stay_in_their_tenant(self):
        ocs = self.s.login("ocs", OTHER_PASSWORD, tenant="other")
        cs = self.s.login("csmanager")
        # the other city words its receipt notice its own way
        r = ocs.request("PUT", "/api/v1/templates/received/sms", {"body": "[다른시] {접수번호} 접수"})
        self.assertJson(r, 200)
        # (receipt numbers are per tenant: both cities may hand out the same one)
        my_mobile, their_mobile = new_mobile(), new_mobile()
        mine = self.file("busan", my_mobile)
        theirs = self.file("other", their_mobile)

        def text_to(mobile):
            return next((t for h, t in outbox_records(self.s) if "to " + mobile in h), None)
        mine_text = wait_for(lambda: text_to(my_mobile))
        theirs_text = wait_for(lambda: text_to(their_mobile))
        self.assertIn("[부산광역시]", mine_text)
        self.assertIn("[다른시] %s 접수" % theirs["receipt_no"], theirs_text)
        # busan's template list is untouched, and each outbox lists only its own messages
        busan_sms = [t for t in self.assertJson(cs.get("/api/v1/templates"), 200)["items"]
                     if (t["event"], t["medium"]) == ("received", "sms")][0]
        self.assertFalse(busan_sms["customised"])
        # (the other city's notices all start with its own name, busan's with 부산광역시)
        got = self.assertJson(cs.get("/api/v1/messages?limit=200"), 200)["items"]
        self.assertTrue(got)
        self.assertFalse([m for m in got if "다른시" in m["body"]])
        theirs_msgs = self.assertJson(ocs.get("/api/v1/messages?limit=200"), 200)["items"]
        self.assertIn(theirs["receipt_no"], [m["receipt_no"] for m in theirs_msgs])
        self.assertFalse([m for m in theirs_msgs if "부산광역시" in m["body"]])
        # busan's preview cannot read the other city's complaint
        r = ocs.post("/api/v1/templates/preview", {"event": "received", "medium": "sms",
                                                   "receipt_no": "2026-999998"})
        self.assertError(r, 404, "not_found", "receipt_no")
        p = self.assertJson(ocs.post("/api/v1/templates/preview", {
            "event": "received", "medium": "sms", "body": "{이름} {민원제목}", "receipt_no": theirs["receipt_no"]}), 200)
        self.assertEqual(p["body"], "송하늘 도로 파손 신고")  # their own resident, not busan's
        # call rules are per tenant
        self.assertJson(ocs.request("PUT", "/api/v1/call-rules", {"rules": [{"percent": 100}]}), 200)
        self.assertEqual(self.assertJson(cs.get("/api/v1/call-rules"), 200)["rules"], [])
        # reports count only the tenant's own messages
        year = self.s.db_scalar("SELECT strftime('%Y', 'now')")
        rep = self.assertJson(ocs.get("/api/v1/reports/messages?year=" + year), 200)
        self.assertEqual(rep["total"]["count"], len([m for m in theirs_msgs if m["status"] != "suppressed"]))

    def test_a_resident_signs_in_to_one_tenant_only(self):
        mobile = new_mobile()
        mine = self.file("busan", mobile)
        # asking the other city for a code for a busan resident sends nothing
        before = len(outbox_records(self.s))
        r = self.s.request("POST", "/api/v1/public/sign-in/code", {"tenant": "other", "contact": mobile})
        self.assertJson(r, 202)
        time.sleep(0.8)
        self.assertFalse([h for h, t in outbox_records(self.s)[before:] if "인증번호" in t])
        # signed in to busan, the other city's receipts are not there
        self.assertJson(self.s.request("POST", "/api/v1/public/sign-in/code",
                                       {"tenant": "busan", "contact": mobile}), 202)
        code = wait_for(lambda: next((re.search(r"\b(\d{6})\b", t).group(1)
                                      for h, t in reversed(outbox_records(self.s))
                                      if "to " + mobile in h and "인증번호" in t), None))
        r = self.s.request("POST", "/api/v1/public/sign-in", {"tenant": "busan", "contact": mobile, "code": code})
        body = self.assertJson(r, 200)
        cookie = re.match(r"pcrm_resident=([^;]+)", r.header("Set-Cookie")).group(1)
        headers = {"Cookie": "pcrm_resident=" + cookie}
        # the same person also wrote to the other city
        theirs = self.file("other", mobile, title="다른시에 낸 민원")
        me = self.assertJson(self.s.request("GET", "/api/v1/public/me", headers=headers), 200)
        self.assertEqual([c["title"] for c in me["complaints"]], ["도로 파손 신고"])
        # a receipt number is per tenant: asking for theirs finds busan's own of that number,
        # if the resident has one, and never the other city's
        r = self.s.request("GET", "/api/v1/public/me/complaints/" + theirs["receipt_no"], headers=headers)
        if theirs["receipt_no"] == mine["receipt_no"]:
            self.assertEqual(self.assertJson(r, 200)["title"], "도로 파손 신고")
        else:
            self.assertError(r, 404, "not_found", "receipt_no")
        self.assertNotIn("다른시에 낸 민원", r.text())
        # the busan code does not open the other city
        r = self.s.request("POST", "/api/v1/public/sign-in", {"tenant": "other", "contact": mobile, "code": code})
        self.assertError(r, 401, "invalid_credentials", "code")
        self.assertTrue(body["csrf_token"])


class TenantSenderTest(ApiTest):
    """Each municipality's SMS leave from its own registered number (발신번호 사전등록제),
    through a real HTTP gateway; the installation's PCRM_SMS_SENDER is the fallback."""

    def test_the_gateway_gets_the_tenants_number(self):
        import json as jsonlib
        import threading
        from test_channels import Gateway
        gw = Gateway()
        threading.Thread(target=gw.serve_forever, daemon=True).start()
        try:
            d = self.env.new_data_dir(unique("sender"))
            p = self.env.cli(["tenant", "sender", "--data", d, "--code", "busan", "--number", "051-888-1234"])
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("051-888-1234", p.stdout)
            p = self.env.cli(["tenant", "sender", "--data", d, "--code", "busan", "--number", "전화"])
            self.assertEqual(p.returncode, 2, p.stderr)
            s = self.env.server(unique("sender-srv"), {
                "PCRM_SMS_URL": "http://127.0.0.1:%d/send" % gw.server_port,
                "PCRM_SMS_SENDER": "1588-0000"}, data_dir=d)
            r = s.request("POST", "/api/v1/public/complaints", complaint_body(new_mobile()))
            self.assertJson(r, 201)
            self.assertTrue(wait_for(lambda: gw.requests), "nothing reached the gateway")
            sent = jsonlib.loads(gw.requests[0]["body"])
            self.assertEqual(sent["from"], "0518881234")
            self.assertEqual(s.db_scalar("SELECT transport FROM messages"), "gateway")
            admin = s.login("admin")
            self.assertTrue(self.audit(admin, action="tenant.sms_sender"))
        finally:
            gw.shutdown()
            gw.server_close()


class NotifyFuzzTest(ApiTest):
    """Garbage to the new state-changing endpoints: every answer a 4xx JSON error naming
    what is wrong, nothing written, the server healthy afterwards."""

    ROUNDS = 40

    def setUp(self):
        import random
        self.rng = random.Random(20261128)
        self.s = self.env.server("notify-fuzz", {"PCRM_SMS_CALLBACK_TOKEN": "fuzz-token-0123456789"})
        self.cs = self.s.login("csmanager")

    def garbage(self, base):
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:
            return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200)))
        if kind == 1:
            return rng.choice([b"[]", b"null", b"0", b"\"x\"", b"true", b"{", b"{\"a\":}"])
        b = dict(base)
        key = rng.choice(sorted(b))
        if kind == 2:
            b[key] = rng.choice([None, 12, [], {}, True, -1.5])
        elif kind == 3:
            b["unknown_%d" % rng.randint(0, 9)] = "x"
        elif kind == 4:
            b[key] = "가" * 5000
        elif kind == 5:
            del b[key]
        else:
            return json.dumps(b, ensure_ascii=False).encode()[:-1] + b"\xff}"
        return json.dumps(b, ensure_ascii=False).encode()

    def counts(self):
        con = self.s.db()
        try:
            return tuple(con.execute("SELECT count(*) FROM " + t).fetchone()[0]
                         for t in ("messages", "message_templates", "signin_codes",
                                   "resident_sessions", "happy_call_rules", "complaints"))
        finally:
            con.close()

    def test_garbage_is_refused_and_changes_nothing(self):
        endpoints = [
            ("POST", "/api/v1/public/sign-in/code", {"tenant": "busan", "contact": "010-1234-5678"}, None),
            ("POST", "/api/v1/public/sign-in", {"tenant": "busan", "contact": "010-1234-5678", "code": "123456"}, None),
            ("PUT", "/api/v1/templates/received/sms", {"body": "{접수번호} 접수"}, self.cs),
            ("POST", "/api/v1/templates/preview", {"event": "received", "medium": "sms", "body": "x"}, self.cs),
            ("PUT", "/api/v1/call-rules", {"rules": [{"percent": 10}]}, self.cs),
            ("POST", "/api/v1/notify/delivery-reports", {"reports": [{"ref": "x", "status": "delivered"}]},
             {"X-Callback-Token": "fuzz-token-0123456789"}),
        ]
        before = self.counts()
        accepted = {}
        for method, path, base, who in endpoints:
            for _ in range(self.ROUNDS):
                body = self.garbage(base)
                headers = {"Content-Type": "application/json"}
                if isinstance(who, dict):
                    headers.update(who)
                if who is self.cs:
                    r = self.cs.request(method, path, body, headers=headers)
                else:
                    r = self.s.request(method, path, body, headers=headers)
                # a valid body can come out of the generator only by deleting an optional
                # member or sending the base itself; those answers are fine, others must be 4xx
                if 200 <= r.status < 300:
                    accepted[path] = accepted.get(path, 0) + 1
                    continue
                self.assertTrue(400 <= r.status < 500, "%s %s %r -> %s" % (method, path, body[:80], r.describe()))
                err = r.json()["error"]
                self.assertTrue(err["code"] and err["message"], r.describe())
        self.assertJson(self.s.request("GET", "/api/v1/health"), 200)
        after = self.counts()
        # Only the few accepted bodies may have written (a preview writes nothing; a code for
        # an unknown contact writes nothing): complaints and sessions never change.
        self.assertEqual(after[5], before[5])
        self.assertEqual(after[3], before[3])
        # each table is written only by an endpoint that accepted something
        for i, path in ((1, "/api/v1/templates/received/sms"), (4, "/api/v1/call-rules"),
                        (2, "/api/v1/public/sign-in/code")):
            if not accepted.get(path):
                self.assertEqual(after[i], before[i], path)
        self.assertLess(sum(accepted.values()), len(endpoints) * self.ROUNDS // 4, accepted)
