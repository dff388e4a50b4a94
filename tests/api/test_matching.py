"""Matching quality on the generator's noisy records, judged against its side-file truth:
pairwise precision >= 0.995 and recall >= 0.97 (issue: the integrated customer database).
Also the import contract seen from the CLI: idempotent re-import, the report's totals."""
import collections
import csv
import io
import json
import os

import harness
from harness import ApiTest


def pairs(counter):
    return sum(n * (n - 1) // 2 for n in counter.values())


class MatchingQualityTest(ApiTest):
    PEOPLE = 3000
    SEED = 4  # the hardest of the seeds tried when the rules were tuned

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = harness.ENV
        cls.data = env.new_data_dir("matching")
        p = env.cli(["gen", "residents", "--data", cls.data, "--people", str(cls.PEOPLE),
                     "--seed", str(cls.SEED)])
        assert p.returncode == 0, p.stderr
        cls.csv_path = os.path.join(cls.data, "generated", "residents.csv")
        cls.truth_path = os.path.join(cls.data, "generated", "residents.truth.csv")
        cls.first = env.cli(["import", "records", "--data", cls.data, "--source", "gen",
                             cls.csv_path], timeout=600)
        assert cls.first.returncode == 0, cls.first.stderr

    def export(self):
        p = self.env.cli(["export", "records", "--data", self.data, "--source", "gen"])
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        return {r["source_id"]: r["customer_id"] for r in rows}

    def test_pairwise_precision_and_recall(self):
        got = self.export()
        with open(self.truth_path, encoding="utf-8") as f:
            truth = {r["source_id"]: r["person_id"] for r in csv.DictReader(f)}
        self.assertEqual(set(got), set(truth), "every record exported once")
        both = collections.Counter((got[s], truth[s]) for s in truth)
        predicted = pairs(collections.Counter(got[s] for s in truth))
        true_pairs = pairs(collections.Counter(truth.values()))
        tp = pairs(both)
        precision, recall = tp / predicted, tp / true_pairs
        print("\nmatching on %d people (seed %d): precision %.4f recall %.4f" %
              (self.PEOPLE, self.SEED, precision, recall))
        self.assertGreaterEqual(precision, 0.995)
        self.assertGreaterEqual(recall, 0.97)

    def test_reimport_changes_nothing(self):
        before = self.export()
        p = self.env.cli(["import", "records", "--data", self.data, "--source", "gen",
                          self.csv_path], timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"imported\s+0\b")
        self.assertEqual(self.export(), before)

    def test_import_summary_and_report_agree(self):
        with open(self.csv_path, encoding="utf-8") as f:
            rows = sum(1 for _ in csv.DictReader(f))
        self.assertRegex(self.first.stdout, r"rows read\s+%d\b" % rows)
        self.assertRegex(self.first.stdout, r"imported\s+%d\b" % rows)
        p = self.env.cli(["report", "data-quality", "--data", self.data, "--source", "gen",
                          "--format", "json"])
        self.assertEqual(p.returncode, 0, p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["total"], rows)
        for name in ("address", "phone", "mobile", "email", "rrn"):
            f = report["fields"][name]
            self.assertEqual(f["filled"] + f["null"], rows, name)
            self.assertEqual(f["valid_original"] + f["cleansed"] + f["invalid"], f["filled"], name)
            self.assertAlmostEqual(f["fill_rate"], round(100.0 * f["filled"] / rows, 2), 2)
        # the generator writes an RRN into ~88% of records and an address into ~90%
        self.assertTrue(80 < report["fields"]["rrn"]["fill_rate"] < 95, report["fields"]["rrn"])
        self.assertTrue(84 < report["fields"]["address"]["fill_rate"] < 95)
        text = self.env.cli(["report", "data-quality", "--data", self.data])
        self.assertIn("충실도", text.stdout)
        self.assertIn("주민등록번호", text.stdout)
