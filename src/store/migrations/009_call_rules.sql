-- Happy-Call sampling per complaint type and department: the share (percent) of answered
-- complaints that get a satisfaction call. The most specific rule wins (type and
-- department, then type, then department); without one the default of 20% applies.
CREATE TABLE happy_call_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    type_code     TEXT,                         -- NULL: any type
    dept_id       INTEGER REFERENCES departments(id), -- NULL: any department
    percent       INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX happy_call_rules_key ON happy_call_rules
    (tenant_id, coalesce(type_code, ''), coalesce(dept_id, 0));

-- A Happy-Call is either mid-process guidance for a long complaint or the satisfaction
-- call after its answer: one of each per complaint.
ALTER TABLE call_tasks ADD COLUMN stage TEXT CHECK (stage IN ('guidance', 'satisfaction'));
UPDATE call_tasks SET stage = 'satisfaction' WHERE kind = 'happy';
DROP INDEX call_tasks_complaint;
CREATE UNIQUE INDEX call_tasks_complaint ON call_tasks
    (tenant_id, kind, complaint_id, coalesce(stage, '')) WHERE complaint_id IS NOT NULL;
