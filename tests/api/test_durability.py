"""Durability: every write the API acknowledged survives the server being killed (SIGKILL)
in the middle of a write load, and the audit chain is intact afterwards."""
import signal
import threading
import time

from harness import ApiTest, Client, unique


class CrashTest(ApiTest):
    def test_acknowledged_writes_survive_sigkill(self):
        s = self.env.server("crash")
        key = self.env.apikey(s.data_dir, role="admin")
        prefix = unique("dur")
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def writer(i):
            c = Client(s, bearer=key)
            j = 0
            while not stop.is_set():
                code = "%s-%d-%d" % (prefix, i, j)
                j += 1
                try:
                    r = c.post("/api/v1/departments", {"code": code, "name": "내구성%d과" % j})
                except Exception:
                    return  # the server died under us: this write was never acknowledged
                if r.status == 201:
                    with lock:
                        acked.append(code)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        s.proc.send_signal(signal.SIGKILL)  # no clean shutdown, no checkpoint
        s.proc.wait(10)
        stop.set()
        for t in threads:
            t.join(30)
        s.stop_problems = []  # killed on purpose; nothing to check at shutdown
        self.assertGreater(len(acked), 10, "the load did not get going")

        again = self.env.server("crash-restarted", data_dir=s.data_dir)
        admin = Client(again, bearer=key)
        codes = {d["code"] for d in self.all_pages(admin, "/api/v1/departments")}
        lost = [c for c in acked if c not in codes]
        self.assertEqual(lost, [], "acknowledged writes lost after SIGKILL")
        p = self.env.cli(["audit", "verify", "--data", s.data_dir])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("intact", p.stdout)
