"""The operator's command line: usage errors, help, and the commands the API tests use."""
import os

from harness import ApiTest, Client, unique

COMMANDS = ("init", "serve", "tenant", "user", "apikey", "audit", "version", "help")


class CliTest(ApiTest):
    def run_cli(self, *args, stdin=None):
        return self.env.cli(list(args), stdin=stdin)

    def test_no_command_and_unknown_command_exit_2(self):
        p = self.run_cli()
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage: pcrm COMMAND", p.stderr)
        self.assertEqual(p.stdout, "")
        p = self.run_cli("frobnicate")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", p.stderr)
        self.assertIn("usage: pcrm COMMAND", p.stderr)

    def test_bad_flags_exit_2_with_usage(self):
        d = self.env.template()
        cases = [("serve", "--bogus"), ("serve", "--data", d, "extra"),
                 ("serve", "--data", d, "--listen", "nope"), ("init", "--bogus"),
                 ("init", "--data", d, "--tenant", "x"), ("audit", "verify", "--bogus"),
                 ("audit",), ("audit", "check"), ("tenant", "add", "--data", d),
                 ("tenant", "remove"), ("user", "add", "--data", d, "--tenant", "busan"),
                 ("user", "add", "--data", d, "--tenant", "busan", "--username", "xyz",
                  "--role", "admin"),
                 ("user", "add", "--data", d, "--tenant", "busan", "--username", "xyz",
                  "--role", "king", "--password-stdin"),
                 ("apikey", "add", "--data", d, "--tenant", "busan", "--role", "king",
                  "--name", "x"),
                 ("apikey", "add", "--data", d), ("apikey",)]
        for args in cases:
            p = self.run_cli(*args)
            self.assertEqual(p.returncode, 2, "%s: %d %s" % (args, p.returncode, p.stderr))
            self.assertIn("usage: pcrm " + args[0], p.stderr, args)

    def test_help_exits_0(self):
        p = self.run_cli("help")
        self.assertEqual(p.returncode, 0)
        for c in COMMANDS:
            self.assertIn(c, p.stdout)
        self.assertIn("지방자치단체", p.stdout)
        for c in COMMANDS:
            if c in ("version", "help"):
                continue
            p = self.run_cli(c, "--help")
            self.assertEqual(p.returncode, 0, c)
            self.assertIn("usage: pcrm " + c, p.stdout, c)
            p = self.run_cli("help", c)
            self.assertEqual(p.returncode, 0, c)
            self.assertIn("usage: pcrm " + c, p.stdout, c)
        self.assertEqual(self.run_cli("--help").returncode, 0)
        p = self.run_cli("version")
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^pcrm \d+\.\d+\.\d+\n$")

    def test_commands_fail_on_a_missing_data_dir(self):
        missing = os.path.join(self.env.workdir, "no-such-dir")
        for args in (("audit", "verify", "--data", missing),
                     ("tenant", "add", "--data", missing, "--code", "abc", "--name", "가")):
            p = self.run_cli(*args)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn("pcrm init", p.stderr)
        self.assertFalse(os.path.exists(missing))

    def test_bad_environment_is_a_usage_error(self):
        d = self.env.template()
        for k, v in (("PCRM_BODY_LIMIT", "lots"), ("PCRM_SESSION_IDLE", "0"),
                     ("PCRM_PWHASH", "none"), ("PCRM_THROTTLE_FAILURES", "-1")):
            p = self.env.cli(["serve", "--data", d, "--listen", "127.0.0.1:0"],
                             extra_env={k: v}, timeout=20)
            self.assertEqual(p.returncode, 2, "%s=%s: %s" % (k, v, p.stderr))
            self.assertIn(k, p.stderr)

    def test_user_add_rules(self):
        d = self.env.new_data_dir(unique("cli"))
        base = ["user", "add", "--data", d, "--tenant", "busan", "--password-stdin"]
        p = self.run_cli(*base, "--username", "shorty", "--role", "agent", stdin=b"short\n")
        self.assertEqual(p.returncode, 1)
        self.assertIn("password", p.stderr)
        p = self.run_cli(*base, "--username", "roadie", "--role", "officer",
                         stdin=b"long-enough-password\n")
        self.assertEqual(p.returncode, 1)
        self.assertIn("dept", p.stderr)
        p = self.run_cli(*base, "--username", "roadie", "--role", "officer", "--dept", "nowhere",
                         stdin=b"long-enough-password\n")
        self.assertEqual(p.returncode, 1)
        p = self.run_cli(*base, "--username", "roadie", "--role", "officer",
                         "--dept", "road-maintenance", "--display-name", "도로 담당",
                         stdin=b"long-enough-password\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^user roadie \(officer\) added to busan with id \d+\n$")
        p = self.run_cli(*base, "--username", "roadie", "--role", "agent",
                         stdin=b"long-enough-password\n")
        self.assertEqual(p.returncode, 1)
        p = self.run_cli("tenant", "add", "--data", d, "--code", "busan", "--name", "부산")
        self.assertEqual(p.returncode, 1)
        p = self.run_cli("tenant", "add", "--data", d, "--code", "Bad Code", "--name", "x")
        self.assertEqual(p.returncode, 1)
        # and the account works over HTTP
        from harness import Server
        s = Server(self.env, "cli-user", d, {}, self.env.web_dir())
        self.env.servers["cli-user"] = s
        s.start()
        c = s.login("roadie", "long-enough-password")
        self.assertEqual(c.user["display_name"], "도로 담당")
        self.assertEqual(c.user["department"]["name"], "도로관리과")
        self.assertEqual(s.stop(), [])

    def test_apikey_is_printed_once_and_works(self):
        s = self.main()
        key = self.env.apikey(s.data_dir, role="admin", name="민원 연계")
        # stored as a hash and a short prefix, never in the clear
        con = s.db()
        try:
            self.assertEqual(con.execute("SELECT count(*) FROM api_keys WHERE ? IN"
                                         " (name, key_prefix, key_hash)", (key,)).fetchone()[0], 0)
            prefix = con.execute("SELECT key_prefix FROM api_keys WHERE name = '민원 연계'"
                                 " ORDER BY id DESC").fetchone()[0]
        finally:
            con.close()
        self.assertEqual(prefix, key[:12])
        c = Client(s, bearer=key)
        self.assertEqual(self.assertJson(c.get("/api/v1/me"), 200)["role"], "admin")
        rows = self.audit(s.login("admin"), action="apikey.create", limit=200)
        self.assertIn("민원 연계", [e["detail"]["name"] for e in rows])
        self.assertNotIn(key, str(rows))
