"""`pcrm import records` with complaint columns: a 서식민원 export from the old administrative
system (20 rows: residents with their complaints and history) imported in one command,
checked through the CLI's counts, through the API as an officer and a CS manager, imported
again without change, and with rows rejected for their reasons.

The server "import-complaints" has its own copy of the demo city; the imports run before it
starts and again while it runs.
"""
import csv
import io
import os
import re

import harness
from harness import ApiTest

SERVER = "import-complaints"
SOURCE = "saeol"
ROAD = "REPORT-ROAD-DAMAGE"  # 3d, road-maintenance (the demo officer's department)
PARKING = "REPORT-PARKING"  # 7d, parking
RECEIPT = re.compile(r"^\d{4}-\d{6}$")

COLUMNS = ["source_id", "name", "mobile", "address", "received_at", "channel", "type_code",
           "title", "body", "status", "completed_at", "department"]

# (source_id, name, received_at, channel, type_code, title, status, completed_at, department)
HISTORY = [
    ("SE-0001", "김민준", "2026-09-01T10:00+09:00", "방문", ROAD, "해운대로 포트홀 보수 요청",
     "answered", "2026-09-03T15:00+09:00", ""),
    ("SE-0002", "이서연", "2026-09-02T11:30+09:00", "전화", ROAD, "센텀로 보도블록 파손",
     "종결", "2026-09-07T17:00+09:00", ""),
    ("SE-0003", "박지훈", "2026-09-03T09:10+09:00", "web", ROAD, "좌동 이면도로 침하",
     "received", "", ""),
    ("SE-0004", "최유진", "2026-09-04T14:00+09:00", "visit", ROAD, "반송로 맨홀 뚜껑 들뜸",
     "assigned", "", ""),
    ("SE-0005", "정하은", "2026-09-07T16:20+09:00", "우편", ROAD, "재송동 도로 균열",
     "in_progress", "", ""),
    ("SE-0006", "강예준", "2026-09-08T10:05+09:00", "방문", PARKING, "소방도로 불법 주차",
     "closed", "2026-09-15T11:00+09:00", ""),
    ("SE-0007", "조서아", "2026-09-09T13:40+09:00", "전화", PARKING, "장애인 주차구역 위반",
     "처리완료", "2026-09-12T10:00+09:00", ""),
    ("SE-0008", "윤도윤", "2026-09-10T09:00+09:00", "방문", "", "주민등록 등본 오기 정정",
     "answered", "2026-09-10T11:00+09:00", "civil-service"),
    ("SE-0009", "장지유", "2026-09-14T15:30+09:00", "팩스", "", "건축물대장 기재사항 정정",
     "withdrawn", "2026-09-16T09:30+09:00", "building-permits"),
    ("SE-0010", "임시우", "2026-10-01T10:00+09:00", "방문", ROAD, "우동 가로수 뿌리 융기",
     "transferred_out", "2026-10-02T10:00+09:00", ""),
    ("SE-0011", "한주원", "2026-10-05T11:00+09:00", "email", PARKING, "아파트 앞 상습 주차",
     "received", "", ""),
    ("SE-0012", "오하린", "2026-10-06T09:30+09:00", "방문", ROAD, "중동 인도 턱 높이 민원",
     "extended", "", ""),
    ("SE-0013", "서예준", "2025-12-29T10:00+09:00", "방문", ROAD, "송정동 도로 결빙 대책",
     "closed", "2026-01-05T10:00+09:00", ""),
    ("SE-0014", "신민준", "2025-12-30T15:00+09:00", "전화", "", "연말 쓰레기 수거 문의",
     "answered", "2025-12-31T10:00+09:00", ""),
    ("SE-0015", "권서연", "2026-10-20T10:00+09:00", "방문", ROAD, "해운대역 앞 보도 파손",
     "answered", "2026-10-21T16:00+09:00", ""),
    ("SE-0016", "황도윤", "2026-10-21T13:00+09:00", "방문", "", "", "", "", ""),  # resident only
    ("SE-0017", "안하은", "2026-10-22T10:00+09:00", "방문", "", "", "", "", ""),  # resident only
    # Rejected rows, each for its reason.
    ("SE-0018", "송지유", "2026-10-23 오전", "방문", ROAD, "시각이 잘못된 행", "received", "", ""),
    ("SE-0019", "류시우", "2026-10-24T10:00+09:00", "방문", "NO-SUCH-TYPE", "없는 유형",
     "received", "", ""),
    ("SE-0020", "전주원", "2026-10-25T10:00+09:00", "방문", ROAD, "없는 상태", "보류", "", ""),
]
COMPLAINTS = 15
REJECTED = {"SE-0018": "received_at", "SE-0019": "없는 민원 유형", "SE-0020": "처리 상태"}
OPEN_ROAD = {"SE-0003": "received", "SE-0004": "assigned", "SE-0005": "in_progress",
             "SE-0012": "extended"}


def history_csv():
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for i, (sid, name, rec, ch, tc, title, status, done, dept) in enumerate(HISTORY):
        body = ("%s 건으로 %s 씨가 접수한 민원입니다.\n현장 확인을 요청합니다." % (title, name)
                if title else "")
        w.writerow([sid, name, "010-7%03d-%04d" % (i, 1000 + i),
                    "부산광역시 해운대구 해운대로 %d" % (200 + i), rec, ch, tc, title, body,
                    status, done, dept])
    return out.getvalue()


def counts(stdout):
    """The printed counts as {label: number}."""
    got = {}
    for line in stdout.splitlines():
        m = re.match(r"^([a-z][a-z ]*?)\s{2,}(\d+)", line)
        if m:
            got[m.group(1)] = int(m.group(2))
    return got


class ImportComplaintsTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        env = harness.ENV
        if SERVER in env.servers:
            cls.data = env.servers[SERVER].data_dir
            return
        cls.data = env.new_data_dir(SERVER)
        cls.file = os.path.join(cls.data, "saeol-export.csv")
        with open(cls.file, "w", encoding="utf-8") as f:
            f.write(history_csv())
        cls.first = env.cli(["import", "records", "--data", cls.data, "--source", SOURCE,
                             cls.file])
        env.server(SERVER, {"PCRM_THROTTLE_FAILURES": "1000"}, data_dir=cls.data)

    def setUp(self):
        self.s = self.env.server(SERVER)

    def receipt(self, source_id):
        """The receipt number of the complaint imported from this row, or None."""
        return self.s.db_scalar(
            "SELECT (SELECT c.receipt_no FROM complaints c JOIN source_records s"
            " ON s.id = c.source_record_id WHERE s.source = ? AND s.source_id = ?)",
            (SOURCE, source_id))

    def test_counts(self):
        p = self.first
        self.assertEqual(p.returncode, 0, p.stderr)
        got = counts(p.stdout)
        self.assertEqual(got["rows read"], 20)
        self.assertEqual(got["imported"], 17)
        self.assertEqual(got["rejected"], 3)
        self.assertEqual(got["complaints"], COMPLAINTS)
        self.assertEqual(got["complaints kept"], 0)
        # open and past due at import: every open one (all received before October's end)
        self.assertEqual(got["overdue"], 5)

    def test_rejects_file(self):
        path = self.file + ".rejects.csv"
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted(r["source_id"] for r in rows), sorted(REJECTED))
        for r in rows:
            self.assertIn(REJECTED[r["source_id"]], r["reason"])
        for sid in REJECTED:
            self.assertIsNone(self.receipt(sid))
            self.assertEqual(self.s.db_scalar(
                "SELECT count(*) FROM source_records WHERE source = ? AND source_id = ?",
                (SOURCE, sid)), 0)

    def test_officer_sees_history(self):
        officer = self.s.login("officer")  # road-maintenance
        r = self.receipt("SE-0001")
        self.assertRegex(r, RECEIPT)
        self.assertTrue(r.startswith("2026-"))
        d = self.assertJson(officer.get("/api/v1/complaints/" + r), 200)
        self.assertEqual(d["status"], "answered")
        self.assertEqual(d["channel"], "visit")
        self.assertEqual(d["type_code"], ROAD)
        self.assertEqual(d["title"], "해운대로 포트홀 보수 요청")
        self.assertEqual(d["department"], "도로관리과")
        self.assertTrue(d["received_at"].startswith("2026-09-01T10:00:00"))
        self.assertTrue(d["answered_at"].startswith("2026-09-03T15:00:00"))
        # 3d = 24 working hours from Tue 09-01 10:00
        self.assertTrue(d["due_at"].startswith("2026-09-04T10:00:00"), d["due_at"])
        self.assertIsNone(d["closed_at"])
        self.assertFalse(d["overdue"])
        self.assertEqual([h["action"] for h in d["history"]], ["import"])
        self.assertEqual(d["history"][0]["to_status"], "answered")

        closed = self.assertJson(officer.get("/api/v1/complaints/" + self.receipt("SE-0002")),
                                 200)
        self.assertEqual(closed["status"], "closed")
        self.assertEqual(closed["channel"], "phone")
        self.assertIsNotNone(closed["closed_at"])
        self.assertIn("종결", closed["history"][0].get("note", ""))

        for sid, status in OPEN_ROAD.items():
            d = self.assertJson(officer.get("/api/v1/complaints/" + self.receipt(sid)), 200)
            self.assertEqual(d["status"], status)
            self.assertTrue(d["overdue"], sid)
            self.assertEqual([h["action"] for h in d["history"]], ["import", "overdue"])

    def test_other_departments_and_years(self):
        cs = self.s.login("csmanager")
        d = self.assertJson(cs.get("/api/v1/complaints/" + self.receipt("SE-0008")), 200)
        self.assertEqual(d["dept_id"], self.dept_by_code(self.s.login("admin"),
                                                         "civil-service")["id"])
        self.assertEqual(d["period"], "7d")
        w = self.assertJson(cs.get("/api/v1/complaints/" + self.receipt("SE-0009")), 200)
        self.assertEqual(w["status"], "withdrawn")
        self.assertEqual(w["channel"], "fax")
        self.assertIsNone(w["answered_at"])
        self.assertIsNotNone(w["closed_at"])
        for sid in ("SE-0013", "SE-0014"):
            self.assertTrue(self.receipt(sid).startswith("2025-"), sid)
        receipts = [self.receipt(h[0]) for h in HISTORY if h[5] and h[0] not in REJECTED]
        self.assertEqual(len(set(receipts)), COMPLAINTS)
        # resident-only rows have no complaint
        self.assertIsNone(self.receipt("SE-0016"))
        self.assertIsNone(self.receipt("SE-0017"))
        # no tracking PIN for imported complaints
        self.assertEqual(self.s.db_scalar(
            "SELECT count(*) FROM complaints c JOIN source_records s ON s.id = c.source_record_id"
            " WHERE s.source = ? AND c.pin_hash IS NOT NULL", (SOURCE,)), 0)

    def test_import_again_changes_nothing(self):
        before = self.s.db_scalar("SELECT count(*) FROM complaints")
        events = self.s.db_scalar("SELECT count(*) FROM complaint_events")
        p = self.env.cli(["import", "records", "--data", self.data, "--source", SOURCE,
                          "--rejects", os.path.join(self.data, "again.rejects.csv"), self.file])
        self.assertEqual(p.returncode, 0, p.stderr)
        got = counts(p.stdout)
        self.assertEqual(got["imported"], 0)
        self.assertEqual(got["unchanged"], 17)
        self.assertEqual(got["complaints"], 0)
        self.assertEqual(got["complaints kept"], COMPLAINTS)
        self.assertEqual(self.s.db_scalar("SELECT count(*) FROM complaints"), before)
        self.assertEqual(self.s.db_scalar("SELECT count(*) FROM complaint_events"), events)

    def test_title_without_received_at_is_refused(self):
        path = os.path.join(self.data, "no-received.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("source_id,name,title\nNR-1,김민준,제목만 있는 행\n")
        p = self.env.cli(["import", "records", "--data", self.data, "--source", "norecv", path])
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("received_at", p.stderr)
        self.assertEqual(self.s.db_scalar(
            "SELECT count(*) FROM source_records WHERE source = 'norecv'"), 0)
