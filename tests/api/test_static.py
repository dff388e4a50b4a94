"""Static files of the web UI, and that no path escapes the web directory."""
from harness import ApiTest


class StaticFilesTest(ApiTest):
    def test_index(self):
        s = self.main()
        r = s.request("GET", "/")
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        self.assertIn("부산광역시 민원", r.text())
        self.assertEqual(r.header("Cache-Control"), "no-cache")
        self.assertEqual(s.request("GET", "/index.html").body, r.body)
        h = s.request("HEAD", "/")
        self.assertStatus(h, 200)
        self.assertEqual(h.body, b"")

    def test_assets_and_types(self):
        s = self.main()
        r = s.request("GET", "/assets/app.js")
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Content-Type"), "text/javascript; charset=utf-8")
        self.assertEqual(r.text(), "console.log('민원 접수');\n")
        r = s.request("GET", "/app.css")
        self.assertEqual(r.header("Content-Type"), "text/css; charset=utf-8")

    def test_client_side_routes_get_index(self):
        s = self.main()
        for path in ("/complaints", "/complaints/123", "/admin/users"):
            r = s.request("GET", path)
            self.assertStatus(r, 200)
            self.assertIn("부산광역시 민원", r.text())
        # a missing file with an extension is a 404, not index.html
        self.assertError(s.request("GET", "/missing.js"), 404, "not_found")
        self.assertError(s.request("GET", "/assets/missing.css"), 404, "not_found")

    def test_traversal_never_escapes(self):
        s = self.main()
        paths = ["/../../etc/passwd", "/%2e%2e/etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                 "/..%2f..%2fetc%2fpasswd", "/.git/config", "/.secret", "/%2esecret",
                 "/assets/../../outside.txt", "/assets/..%2f..%2foutside.txt",
                 "/../outside.txt", "/passwd.txt", "//etc/passwd", "/assets//app.js",
                 "/..\\..\\etc\\passwd", "/%5c..%5coutside.txt", "/assets/./app.js",
                 "/assets/.", "/assets/..", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd"]
        for p in paths:
            r = s.raw(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % p).encode())
            self.assertIn(r.status, (400, 404), r.describe())
            self.assertNotIn("root:", r.text(), r.describe())
            self.assertNotIn("outside the web root", r.text(), r.describe())
            self.assertNotIn("dot-file secret", r.text(), r.describe())
            self.assertNotIn("[core]", r.text(), r.describe())
            if r.status == 404:
                self.assertError(r, 404, "not_found")
        # absolute-form and relative request targets
        for target in ("../../etc/passwd", "http://x/../../etc/passwd", "*"):
            r = s.raw(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                       % target).encode())
            self.assertNotIn("root:", r.text(), r.describe())
            self.assertEqual(r.status // 100, 4, r.describe())

    def test_spa_fallback_does_not_leak_files(self):
        s = self.main()
        # "/etc/passwd" has no extension on its last segment: it is a client-side route
        for path in ("/etc/passwd", "/assets/app", "/passwd"):
            r = s.request("GET", path)
            self.assertStatus(r, 200)
            self.assertNotIn("root:", r.text())
            self.assertIn("부산광역시 민원", r.text())

    def test_wrong_method_on_static(self):
        s = self.main()
        for m in ("POST", "PUT", "DELETE"):
            r = s.request(m, "/", b"")
            self.assertError(r, 405, "method_not_allowed")
            self.assertEqual(r.header("Allow"), "GET, HEAD")
