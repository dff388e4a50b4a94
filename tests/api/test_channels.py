"""Message channels end to end through `pcrm notify test`: the file transport, a real SMTP
server (aiosmtpd, tools/smtp_sink.py, run with Debian's /usr/bin/python3 as only that
interpreter has aiosmtpd) and a local HTTP SMS gateway that records what it is sent and
answers as each test tells it (2xx, 4xx, 5xx, or not at all)."""
import email
import email.policy
import glob
import http.server
import json
import os
import socket
import subprocess
import threading
import time
import unittest

import harness
from harness import ApiTest, unique

HERE = os.path.dirname(os.path.abspath(__file__))
SINK = os.path.join(HERE, "tools", "smtp_sink.py")
SYSTEM_PYTHON = "/usr/bin/python3"

SUBJECT = "[부산광역시 해운대구] 민원 2026-000123 처리 결과를 알려 드립니다. 소중한 의견 감사합니다"
BODY = ("홍길동님, 안녕하세요.\n"
        "신청하신 '우동 1408번지 앞 보도블록 파손' 민원은 도로관리과에서 보수를 마쳤습니다.\n"
        "문의: 051-120 (평일 09:00~18:00)\n")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def has_aiosmtpd():
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    p = subprocess.run([SYSTEM_PYTHON, "-c", "import aiosmtpd"], capture_output=True)
    return p.returncode == 0


class NotifyCase(ApiTest):
    """A data directory of its own and a runner for `pcrm notify test`."""

    @classmethod
    def setUpClass(cls):
        cls.data = harness.ENV.new_data_dir(unique("notify"))

    def notify(self, *args, env=None, timeout=60):
        return self.env.cli(["notify", "test", "--data", self.data] + list(args),
                            extra_env=env, timeout=timeout)

    def assertFailed(self, p, *needles, permanent):
        self.assertEqual(p.returncode, 1,
                         "rc=%d out=%s err=%s" % (p.returncode, p.stdout, p.stderr))
        self.assertEqual(p.stdout, "")
        line = [ln for ln in p.stderr.splitlines() if ln.startswith("pcrm: ")]
        self.assertEqual(len(line), 1, p.stderr)
        self.assertIn("(permanent)" if permanent else "(retryable)", line[0])
        for n in needles:
            self.assertIn(n, line[0])


# --------------------------------------------------------------------------------------
# The command line and the file transport


class NotifyCliTest(NotifyCase):
    def test_usage_errors_exit_2(self):
        d = self.data
        log = os.path.join(d, "outbox.log")
        size = os.path.getsize(log) if os.path.exists(log) else 0
        cases = [(), ("send",), ("test", "--bogus"), ("test", "--data", d),
                 ("test", "--data", d, "--medium", "fax", "--to", "010-1234-5678", "--body", "x"),
                 ("test", "--data", d, "--medium", "sms", "--body", "x"),
                 ("test", "--data", d, "--medium", "sms", "--to", "010-1234-5678"),
                 ("test", "--data", d, "--medium", "sms", "--to", "02-123", "--body", "x"),
                 ("test", "--data", d, "--medium", "email", "--to", "hong", "--body", "x"),
                 ("test", "--data", d, "--medium", "sms", "--to", "010-1234-5678", "--body",
                  "x", "extra"),
                 ("test", "--medium", "sms", "--to", "010-1234-5678", "--body", "x")]
        for args in cases:
            p = self.env.cli(["notify"] + list(args))
            self.assertEqual(p.returncode, 2, "%s: %d %s" % (args, p.returncode, p.stderr))
            self.assertIn("usage: pcrm notify", p.stderr, args)
            self.assertEqual(p.stdout, "", args)
        self.assertEqual(os.path.getsize(log) if os.path.exists(log) else 0, size)

    def test_help(self):
        for args in (["notify", "--help"], ["help", "notify"], ["notify", "test", "--help"]):
            p = self.env.cli(args)
            self.assertEqual(p.returncode, 0, args)
            self.assertIn("usage: pcrm notify test", p.stdout)
        self.assertIn("notify", self.env.cli(["help"]).stdout)

    def test_bad_settings_name_the_variable(self):
        for k, v in (("PCRM_SMTP_TLS", "always"), ("PCRM_NOTIFY_TIMEOUT_MS", "soon"),
                     ("PCRM_SMS_AUTH", "Bearer abc"), ("PCRM_SMS_URL", "ftp://gw"),
                     ("PCRM_SMS_BODY", '{"text": {text}}'), ("PCRM_SMTP_URL", "mail.example.kr"),
                     ("PCRM_SMS_SENDER", "city hall")):
            p = self.notify("--medium", "sms", "--to", "010-1234-5678", "--body", "안녕",
                            env={k: v})
            self.assertEqual(p.returncode, 2, "%s=%s: %s" % (k, v, p.stderr))
            self.assertIn(k, p.stderr)

    def test_missing_data_dir_fails(self):
        missing = os.path.join(self.env.workdir, unique("nodata"))
        p = self.env.cli(["notify", "test", "--data", missing, "--medium", "sms", "--to",
                          "010-1234-5678", "--body", "x"])
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertFalse(os.path.exists(missing))

    def test_file_transport_without_settings(self):
        log = os.path.join(self.data, "outbox.log")
        before = open(log, encoding="utf-8").read() if os.path.exists(log) else ""
        p = self.notify("--medium", "sms", "--to", "01023456789", "--body", "가" * 45)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "sent via file (SMS, 90 bytes)\n")
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--subject", "안내",
                        "--body", "가" * 46)
        self.assertEqual(p.stdout, "sent via file (LMS, 92 bytes)\n")
        p = self.notify("--medium", "email", "--to", "Hong@Example.KR", "--subject", SUBJECT,
                        "--body", BODY)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "sent via file (EMAIL, %d bytes)\n" % len(BODY.encode()))
        self.assertEqual(os.stat(log).st_mode & 0o777, 0o600)
        added = open(log, encoding="utf-8").read()[len(before):]
        records = [r for r in added.split("=== ") if r]
        self.assertEqual(len(records), 3, added)
        self.assertRegex(records[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00 sms SMS to "
                                     r"010-2345-6789 key test-\d+-\d+\n" + "가" * 45 + "\n\n$")
        self.assertIn("sms LMS to 010-2345-6789", records[1])
        self.assertIn("\nSubject: 안내\n" + "가" * 46 + "\n\n", records[1])
        self.assertIn("email EMAIL to hong@example.kr", records[2])
        self.assertIn("\nSubject: " + SUBJECT + "\n" + BODY + "\n", records[2])

    def test_text_too_long_for_an_lms(self):
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "가" * 1001)
        self.assertEqual(p.returncode, 1)
        self.assertIn("2002 bytes", p.stderr)
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "a" * 2000)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "sent via file (LMS, 2000 bytes)\n")


# --------------------------------------------------------------------------------------
# A real SMTP server


@unittest.skipUnless(has_aiosmtpd(), "aiosmtpd for /usr/bin/python3 is not installed")
class SmtpChannelTest(NotifyCase):
    sinks = []

    @classmethod
    def start_sink(cls, *extra):
        outdir = os.path.join(harness.ENV.workdir, unique("smtp-sink"))
        proc = subprocess.Popen([SYSTEM_PYTHON, SINK, outdir] + list(extra),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True,
                                preexec_fn=harness._die_with_parent)
        cls.sinks.append(proc)
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError("smtp sink did not start: %r" % line)
        return int(line.split()[1]), outdir

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port, cls.outdir = cls.start_sink()
        cls.auth_port, cls.auth_outdir = cls.start_sink("--auth", "pcrm-mailer:s3cret pw")

    @classmethod
    def tearDownClass(cls):
        for proc in cls.sinks:
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def smtp_env(self, port=None, **extra):
        env = {"PCRM_SMTP_URL": "smtp://127.0.0.1:%d" % (port or self.port),
               "PCRM_SMTP_FROM": "noreply@busan.go.kr", "PCRM_NOTIFY_TIMEOUT_MS": "5000"}
        env.update(extra)
        return env

    def messages_for(self, outdir, rcpt):
        """[(envelope, raw bytes)] of what the sink received for rcpt."""
        found = []
        for meta_path in sorted(glob.glob(os.path.join(outdir, "*.json"))):
            with open(meta_path) as f:
                meta = json.load(f)
            if rcpt in meta["rcpt_tos"]:
                with open(meta_path[:-5] + ".eml", "rb") as f:
                    found.append((meta, f.read()))
        return found

    def received(self, outdir, rcpt):
        """The one message the sink received for rcpt: (envelope, parsed message, raw)."""
        found = self.messages_for(outdir, rcpt)
        self.assertEqual(len(found), 1, "messages for %s: %d" % (rcpt, len(found)))
        meta, raw = found[0]
        return meta, email.message_from_bytes(raw, policy=email.policy.default), raw

    def test_korean_mail_arrives_intact(self):
        rcpt = unique("hong") + "@example.kr"
        p = self.notify("--medium", "email", "--to", rcpt, "--subject", SUBJECT, "--body", BODY,
                        env=self.smtp_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "sent via smtp (EMAIL, %d bytes)\n" % len(BODY.encode()))
        meta, msg, raw = self.received(self.outdir, rcpt)
        self.assertEqual(meta["mail_from"], "noreply@busan.go.kr")
        self.assertEqual(meta["rcpt_tos"], [rcpt])
        self.assertEqual(msg["From"], "noreply@busan.go.kr")
        self.assertEqual(msg["To"], rcpt)
        self.assertEqual(str(msg["Subject"]), SUBJECT)
        self.assertRegex(msg["Message-ID"], r"^<pcrm\.test-\d+-\d+@busan\.go\.kr>$")
        self.assertIsNotNone(msg["Date"].datetime)
        self.assertEqual(msg["Date"].datetime.utcoffset().total_seconds(), 9 * 3600)
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertEqual(msg.get_content_charset(), "utf-8")
        self.assertEqual(msg["Content-Transfer-Encoding"], "base64")
        self.assertEqual(msg.get_content().replace("\r\n", "\n"), BODY)
        # the subject's encoded words: UTF-8 base64, every header line within 76 columns
        head = raw.split(b"\r\n\r\n")[0]
        for line in head.split(b"\r\n"):
            self.assertLessEqual(len(line), 76, line)
        self.assertIn(b"Subject: =?UTF-8?B?", head)

    def test_ascii_recipient_case_and_no_subject(self):
        rcpt = unique("kim") + "@example.kr"
        p = self.notify("--medium", "email", "--to", rcpt.upper(), "--body", "짧은 안내",
                        env=self.smtp_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        meta, msg, raw = self.received(self.outdir, rcpt)
        self.assertIsNone(msg["Subject"])
        self.assertEqual(msg.get_content(), "짧은 안내")

    def test_rejected_recipient_is_permanent(self):
        p = self.notify("--medium", "email", "--to", "reject-me@example.kr", "--body", "x",
                        env=self.smtp_env())
        self.assertFailed(p, "smtp", "550", permanent=True)

    def test_login(self):
        rcpt = unique("auth") + "@example.kr"
        p = self.notify("--medium", "email", "--to", rcpt, "--body", "인증 후 발송",
                        env=self.smtp_env(self.auth_port, PCRM_SMTP_USER="pcrm-mailer",
                                          PCRM_SMTP_PASSWORD="s3cret pw"))
        self.assertEqual(p.returncode, 0, p.stderr)
        meta, msg, raw = self.received(self.auth_outdir, rcpt)
        self.assertEqual(meta["login"], "pcrm-mailer")
        self.assertEqual(msg.get_content(), "인증 후 발송")
        # a wrong password is refused; worth retrying (the operator may fix the setting)
        p = self.notify("--medium", "email", "--to", rcpt, "--body", "x",
                        env=self.smtp_env(self.auth_port, PCRM_SMTP_USER="pcrm-mailer",
                                          PCRM_SMTP_PASSWORD="wrong"))
        self.assertFailed(p, "smtp", permanent=False)
        self.assertNotIn("wrong", p.stderr)

    def test_starttls_required_but_not_offered(self):
        rcpt = unique("tls") + "@example.kr"
        p = self.notify("--medium", "email", "--to", rcpt, "--body", "x",
                        env=self.smtp_env(PCRM_SMTP_TLS="starttls"))
        self.assertFailed(p, "smtp", "STARTTLS", permanent=False)
        self.assertEqual(self.messages_for(self.outdir, rcpt), [])

    def test_server_down_is_retryable(self):
        p = self.notify("--medium", "email", "--to", "hong@example.kr", "--body", "x",
                        env=self.smtp_env(free_port()))
        self.assertFailed(p, "smtp", "connect", permanent=False)


# --------------------------------------------------------------------------------------
# An HTTP SMS gateway


class Gateway(http.server.ThreadingHTTPServer):
    """Records every request; answers with self.status / self.answer after self.delay."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.requests = []
        self.status = 200
        self.answer = b'{"result":"ok","id":"gw-0001"}'
        self.delay = 0
        self.stopping = threading.Event()


class GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        gw = self.server
        gw.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                            "body": body})
        if gw.delay and gw.stopping.wait(gw.delay):
            return
        try:
            self.send_response(gw.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(gw.answer)))
            self.end_headers()
            self.wfile.write(gw.answer)
        except OSError:
            pass  # the client gave up

    def log_message(self, *args):
        pass


class GatewayChannelTest(NotifyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = Gateway()
        cls.thread = threading.Thread(target=cls.gw.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.gw.stopping.set()
        cls.gw.shutdown()
        cls.gw.server_close()

    def setUp(self):
        self.gw.requests.clear()
        self.gw.status, self.gw.delay = 200, 0
        self.gw.answer = b'{"result":"ok","id":"gw-0001"}'

    def gw_env(self, **extra):
        env = {"PCRM_SMS_URL": "http://127.0.0.1:%d/v1/messages?channel=pcrm" % self.gw.server_port,
               "PCRM_SMS_AUTH": "Authorization: Bearer gw-test-key-123",
               "PCRM_NOTIFY_TIMEOUT_MS": "5000"}
        env.update(extra)
        return env

    def only_request(self):
        self.assertEqual(len(self.gw.requests), 1, self.gw.requests)
        return self.gw.requests[0]

    def test_sms_with_the_default_template(self):
        text = "[해운대구] 민원 2026-000123이 접수되었습니다."
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", text,
                        env=self.gw_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        euckr = len(text.encode("cp949"))
        self.assertEqual(p.stdout, "sent via gateway (SMS, %d bytes)\nprovider id gw-0001\n"
                         % euckr)
        req = self.only_request()
        self.assertEqual(req["path"], "/v1/messages?channel=pcrm")
        self.assertEqual(req["headers"]["Authorization"], "Bearer gw-test-key-123")
        self.assertEqual(req["headers"]["Content-Type"], "application/json")
        body = json.loads(req["body"].decode("utf-8"))
        self.assertEqual(body["to"], "01023456789")
        self.assertEqual(body["from"], "051120")
        self.assertEqual(body["text"], text)
        self.assertEqual(body["type"], "SMS")
        self.assertEqual(body["subject"], "")
        self.assertRegex(body["ref"], r"^test-\d+-\d+$")
        self.assertEqual(set(body), {"to", "from", "text", "type", "subject", "ref"})

    def test_sms_and_lms_by_euckr_bytes(self):
        for n, cls in ((45, "SMS"), (46, "LMS")):
            self.gw.requests.clear()
            p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--subject", "안내",
                            "--body", "민" * n, env=self.gw_env())
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("(%s, %d bytes)" % (cls, 2 * n), p.stdout)
            body = json.loads(self.only_request()["body"])
            self.assertEqual(body["type"], cls)
            self.assertEqual(body["text"], "민" * n)
            self.assertEqual(body["subject"], "안내")

    def test_json_escaping_and_a_custom_template(self):
        text = '주민 "홍길동" 님,\n경로: C:\\민원\\첨부\t확인 바랍니다. {text} 그대로'
        tmpl = ('{"message":{"recipients":[{"phone":"{to}"}],"sender":"{from}",'
                '"content":"{text}","kind":"{class}","title":"{subject}"},'
                '"meta":{"ref":"{key}","note":"{unknown}"}}')
        p = self.notify("--medium", "sms", "--to", "010-9876-5432", "--subject", '제목 "따옴표"',
                        "--body", text,
                        env=self.gw_env(PCRM_SMS_BODY=tmpl, PCRM_SMS_SENDER="1588-0120",
                                        PCRM_SMS_AUTH="X-Api-Key: k-42"))
        self.assertEqual(p.returncode, 0, p.stderr)
        req = self.only_request()
        self.assertEqual(req["headers"]["X-Api-Key"], "k-42")
        self.assertNotIn("Authorization", req["headers"])
        raw = req["body"].decode("utf-8")
        self.assertNotIn("\n", raw)
        self.assertNotIn("\t", raw)
        body = json.loads(raw)
        self.assertEqual(body["message"]["recipients"], [{"phone": "01098765432"}])
        self.assertEqual(body["message"]["sender"], "15880120")
        self.assertEqual(body["message"]["content"], text)
        self.assertEqual(body["message"]["kind"], "LMS" if len(text.encode("cp949")) > 90
                         else "SMS")
        self.assertEqual(body["message"]["title"], '제목 "따옴표"')
        self.assertEqual(body["meta"]["note"], "{unknown}")

    def test_numeric_message_id_and_no_id(self):
        self.gw.answer = b'{"message_id": 9876543210}'
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "a",
                        env=self.gw_env())
        self.assertEqual(p.stdout, "sent via gateway (SMS, 1 bytes)\nprovider id 9876543210\n")
        self.gw.status, self.gw.answer = 202, b"accepted"
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "a",
                        env=self.gw_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "sent via gateway (SMS, 1 bytes)\n")

    def test_server_errors_are_retryable(self):
        for status in (500, 502, 503, 429, 408):
            self.gw.status = status
            self.gw.answer = b'{"error":"busy"}'
            p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "안녕",
                            env=self.gw_env())
            self.assertFailed(p, "gateway", str(status), permanent=False)

    def test_client_errors_are_permanent(self):
        for status in (400, 401, 403, 404, 422):
            self.gw.status = status
            self.gw.answer = b'{"error":"invalid recipient 01023456789"}'
            p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "안녕",
                            env=self.gw_env())
            self.assertFailed(p, "gateway", str(status), permanent=True)
            # the answer may echo personal data: it is not repeated
            self.assertNotIn("01023456789", p.stderr)

    def test_a_hanging_gateway_times_out(self):
        self.gw.delay = 30
        started = time.monotonic()
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "안녕",
                        env=self.gw_env(PCRM_NOTIFY_TIMEOUT_MS="1000"), timeout=20)
        elapsed = time.monotonic() - started
        self.assertFailed(p, "gateway", "timeout", permanent=False)
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 2.2)
        self.assertEqual(len(self.gw.requests), 1)

    def test_connection_refused_is_retryable(self):
        url = "http://127.0.0.1:%d/send" % free_port()
        p = self.notify("--medium", "sms", "--to", "010-2345-6789", "--body", "안녕",
                        env=self.gw_env(PCRM_SMS_URL=url))
        self.assertFailed(p, "gateway", "connect", permanent=False)

    def test_email_does_not_go_to_the_gateway(self):
        p = self.notify("--medium", "email", "--to", "hong@example.kr", "--body", "x",
                        env=self.gw_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "sent via file (EMAIL, 1 bytes)\n")
        self.assertEqual(self.gw.requests, [])
