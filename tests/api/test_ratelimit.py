"""Public rate limiting (PCRM_PUBLIC_RATE_LIMIT): requests per minute per client address
for public intake. Each case runs its own server, since the counts are per process: "rl-5"
allows five a minute, "rl-off" sets 0 (no limit), "rl-default" unsets the variable (the
harness sets 0 for every other server) to get the built-in default of 30.

Sources other than 127.0.0.1 (127.0.0.2, 127.0.0.3) are loopback addresses the kernel
accepts as source addresses on Linux.
"""
import time

import harness
from harness import ApiTest

_n = [0]


def intake_body(tenant="busan"):
    """A public pothole report by a made-up resident no other test uses."""
    _n[0] += 1
    n = 7000_0000 + (int(time.time()) % 1000) * 1000 + _n[0]
    mobile = "010-%04d-%04d" % (n // 10000, n % 10000)
    return {
        "title": "보도블록 파손 신고",
        "body": "동래구 충렬대로 %d 앞 보도블록이 깨져서 어르신들이 걸려 넘어질 뻔합니다." %
                (100 + _n[0]),
        "tenant": tenant,
        "resident": {"name": "한지민", "mobile": mobile},
    }


class RateLimitTest(ApiTest):
    def file(self, s, source=None):
        return s.request("POST", "/api/v1/public/complaints", intake_body(), source=source)

    def test_sixth_intake_in_a_minute_is_429_with_retry_after(self):
        s = self.env.server("rl-5", {"PCRM_PUBLIC_RATE_LIMIT": "5"})
        for i in range(5):
            self.assertJson(self.file(s, "127.0.0.2"), 201)
        r = self.file(s, "127.0.0.2")
        self.assertError(r, 429, "too_many_requests")
        retry = r.header("Retry-After")
        self.assertIsNotNone(retry, r.describe())
        self.assertRegex(retry, r"^\d+$")
        self.assertGreaterEqual(int(retry), 1)
        self.assertLessEqual(int(retry), 60)
        # refused requests file nothing, and keep being refused
        self.assertError(self.file(s, "127.0.0.2"), 429, "too_many_requests")
        # another address has its own count
        for i in range(5):
            self.assertJson(self.file(s, "127.0.0.3"), 201)
        self.assertError(self.file(s, "127.0.0.3"), 429, "too_many_requests")

    def test_limit_applies_before_the_body_is_read(self):
        s = self.env.server("rl-5", {"PCRM_PUBLIC_RATE_LIMIT": "5"})
        src = "127.0.0.4"
        for i in range(5):
            r = s.request("POST", "/api/v1/public/complaints", {"title": ""}, source=src)
            self.assertEqual(r.status, 400, r.describe())
        # even a malformed request is refused once the address is over the limit
        r = s.request("POST", "/api/v1/public/complaints", b"{not json", source=src)
        self.assertError(r, 429, "too_many_requests")

    def test_tracking_and_staff_are_not_limited(self):
        s = self.env.server("rl-5", {"PCRM_PUBLIC_RATE_LIMIT": "5"})
        src = "127.0.0.5"
        first = self.assertJson(self.file(s, src), 201)
        for i in range(4):
            self.assertJson(self.file(s, src), 201)
        self.assertError(self.file(s, src), 429, "too_many_requests")
        # the resident can still look the complaint up from the same address
        for i in range(8):
            r = s.request("GET", "/api/v1/public/complaints/%s?tenant=busan" %
                          first["receipt_no"], headers={"X-Tracking-Pin": first["pin"]},
                          source=src)
            self.assertJson(r, 200)
        # and staff intake from it is not the public endpoint
        agent = s.login("agent", source=src)
        body = dict(intake_body(), channel="phone")
        del body["tenant"]
        self.assertJson(agent.post("/api/v1/complaints", body), 201)

    def test_zero_means_no_limit(self):
        s = self.env.server("rl-off", {"PCRM_PUBLIC_RATE_LIMIT": "0"})
        for i in range(40):
            self.assertJson(self.file(s, "127.0.0.2"), 201)

    def test_default_is_thirty_a_minute(self):
        # the harness sets 0 for every server; this one unsets it to get the default
        s = self.env.server("rl-default", {"PCRM_PUBLIC_RATE_LIMIT": None})
        for i in range(30):
            self.assertJson(self.file(s, "127.0.0.2"), 201)
        self.assertError(self.file(s, "127.0.0.2"), 429, "too_many_requests")

    def test_bad_setting_is_refused_at_start(self):
        for value in ("-1", "lots", "1000001", ""):
            p = self.env.cli(["serve", "--data", self.env.template(), "--listen",
                              "127.0.0.1:0"], extra_env={"PCRM_PUBLIC_RATE_LIMIT": value},
                             timeout=30)
            self.assertNotEqual(p.returncode, 0, "PCRM_PUBLIC_RATE_LIMIT=%r started" % value)
            self.assertIn("PCRM_PUBLIC_RATE_LIMIT", p.stderr)
