"""Concurrent writers and readers: no 5xx, no lost or doubled writes, the chain holds."""
import threading

from harness import ApiTest, Client, unique


def run_threads(n, fn):
    results, errors = [None] * n, []

    def wrap(i):
        try:
            results[i] = fn(i)
        except Exception as e:  # reported by the test
            errors.append("thread %d: %r" % (i, e))

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


class ConcurrencyTest(ApiTest):
    def test_parallel_department_creates(self):
        s = self.env.server("load")
        key = self.env.apikey(s.data_dir, role="admin")
        prefix = unique("par")
        per_thread = 6

        def work(i):
            c = Client(s, bearer=key)
            out = []
            for j in range(per_thread):
                code = "%s-%d-%d" % (prefix, i, j)
                r = c.post("/api/v1/departments", {"code": code, "name": "동시%d과" % j})
                out.append((code, r.status, r.json().get("id")))
            return out

        results, errors = run_threads(8, work)
        self.assertEqual(errors, [])
        created = [x for rs in results for x in rs]
        bad = [x for x in created if x[1] != 201]
        self.assertEqual(bad, [])
        ids = [x[2] for x in created]
        self.assertEqual(len(set(ids)), 8 * per_thread)
        admin = s.login("admin")
        listed = {d["code"] for d in self.all_pages(admin, "/api/v1/departments")}
        self.assertTrue({x[0] for x in created} <= listed)
        rows = self.audit(admin, action="department.create", limit=200)
        codes = [e["detail"]["code"] for e in rows if e["detail"]["code"].startswith(prefix)]
        self.assertEqual(sorted(codes), sorted(x[0] for x in created))

    def test_parallel_duplicate_code_only_one_wins(self):
        s = self.env.server("load")
        key = self.env.apikey(s.data_dir, role="admin")
        code = unique("race")

        def work(i):
            return Client(s, bearer=key).post("/api/v1/departments",
                                              {"code": code, "name": "경합과"}).status

        results, errors = run_threads(8, work)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(results), [201] + [409] * 7)

    def test_parallel_logins_reads_and_writes(self):
        s = self.env.server("load")
        key = self.env.apikey(s.data_dir, role="admin")

        def work(i):
            statuses = []
            if i % 3 == 0:
                c = Client(s)
                for _ in range(2):
                    statuses.append(c.login(["officer", "agent", "privacy"][i % 3]).status)
                    statuses.append(c.get("/api/v1/me").status)
            elif i % 3 == 1:
                c = Client(s, bearer=key)
                for _ in range(5):
                    statuses.append(c.get("/api/v1/audit?limit=20").status)
                    statuses.append(c.get("/api/v1/departments").status)
            else:
                c = Client(s, bearer=key)
                for j in range(4):
                    r = c.post("/api/v1/users", {"username": unique("par-u"),
                                                 "display_name": "동시사용자",
                                                 "password": "parallel-pw-1", "role": "agent"})
                    statuses.append(r.status)
                    statuses.append(c.patch("/api/v1/users/%d" % r.json()["id"],
                                            {"display_name": "바뀐사용자%d" % j}).status)
            return statuses

        results, errors = run_threads(9, work)
        self.assertEqual(errors, [])
        for i, st in enumerate(results):
            self.assertTrue(st and all(x in (200, 201) for x in st), "thread %d: %s" % (i, st))
        p = self.env.cli(["audit", "verify", "--data", s.data_dir])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
