-- Call-centre work queues: Plus-Call (progress told by phone to residents without mobile
-- or e-mail), Happy-Call (a sampled satisfaction call after an answer) and Catch-Call (a
-- same-day call-back to a visitor or caller who left unhappy).
CREATE TABLE call_tasks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    kind          TEXT    NOT NULL CHECK (kind IN ('plus', 'happy', 'catch')),
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    complaint_id  INTEGER REFERENCES complaints(id),
    reason        TEXT,
    due_at        INTEGER NOT NULL,
    assigned_to   INTEGER REFERENCES users(id),  -- who should call (NULL: the queue)
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'done')),
    claimed_by    INTEGER REFERENCES users(id),
    claimed_at    INTEGER,
    done_at       INTEGER,
    outcome       TEXT,      -- reached, no_answer, wrong_number, refused
    answers       TEXT,      -- Happy-Call: JSON of the four attributes and overall (1-5)
    note          TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX call_tasks_queue ON call_tasks (tenant_id, kind, status, due_at);
-- One task of a kind per complaint: planning runs again and again without duplicates.
CREATE UNIQUE INDEX call_tasks_complaint ON call_tasks (tenant_id, kind, complaint_id)
    WHERE complaint_id IS NOT NULL;
