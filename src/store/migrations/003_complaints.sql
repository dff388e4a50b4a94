-- Complaints (민원): the catalogue of types, the complaints themselves with their legal
-- deadline, and every event of their handling (담당 이력).

CREATE TABLE complaint_types (
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    code           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('법정', '질의', '건의', '고충', '기타')),
    period         TEXT    NOT NULL,   -- 즉시, 3h, 7d, 2w, 1m (src/complaint/deadline.h)
    dept_id        INTEGER REFERENCES departments(id),
    service_class  TEXT    NOT NULL CHECK (service_class IN ('simple', 'complex', 'periodic',
                           'long_term')),
    evaluation     TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- Receipt numbers are <year>-<6 digits> per tenant, never reused.
CREATE TABLE complaint_receipts (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    year       INTEGER NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    receipt_no       TEXT    NOT NULL,
    type_code        TEXT,
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    channel          TEXT    NOT NULL CHECK (channel IN ('web', 'mobile', 'phone', 'visit',
                             'mail', 'email', 'sms', 'kiosk', 'fax')),
    customer_id      INTEGER REFERENCES customers(id),
    source_record_id INTEGER REFERENCES source_records(id),
    dept_id          INTEGER REFERENCES departments(id),
    officer_id       INTEGER REFERENCES users(id),
    status           TEXT    NOT NULL CHECK (status IN ('received', 'assigned', 'in_progress',
                             'awaiting_supplement', 'extended', 'answered', 'closed',
                             'transferred_out', 'withdrawn', 'repeat_closed')),
    period           TEXT    NOT NULL,
    received_at      INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    paused_at        INTEGER,          -- waiting for the resident's supplement (보완)
    extensions       INTEGER NOT NULL DEFAULT 0,
    overdue_at       INTEGER,          -- when the watch job saw the due time pass
    answered_at      INTEGER,
    closed_at        INTEGER,
    answer           TEXT,
    route_label      TEXT,
    route_score      REAL,
    lat              REAL,
    lng              REAL,
    pin_hash         TEXT,             -- tracking PIN of a public intake, hashed (keyed)
    pin_sealed       BLOB,             -- the same PIN encrypted, to answer a retried intake
    pin_failures     INTEGER NOT NULL DEFAULT 0,
    pin_locked_until INTEGER,
    idempotency_key  TEXT,
    repeat_of        INTEGER REFERENCES complaints(id), -- the earlier complaint it repeats
    -- A chronic or collective grievance escalated to the grievance team (고충민원 전담):
    -- the case it belongs to (several residents' complaints share one) and its owner.
    grievance_case   TEXT,
    grievance_owner  INTEGER REFERENCES users(id),
    escalated_at     INTEGER,
    -- Periodic and long-term tasks (주기과제/장기과제) are reviewed every month until done,
    -- each review a progress notice to the resident.
    review_at        INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (tenant_id, receipt_no)
);
CREATE UNIQUE INDEX complaints_idempotency ON complaints (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX complaints_inbox ON complaints (tenant_id, dept_id, status, due_at);
CREATE INDEX complaints_customer ON complaints (tenant_id, customer_id, received_at);
CREATE INDEX complaints_due ON complaints (tenant_id, status, due_at);
CREATE INDEX complaints_repeat ON complaints (tenant_id, repeat_of);
CREATE INDEX complaints_source ON complaints (tenant_id, source_record_id);
CREATE INDEX complaints_grievance ON complaints (tenant_id, grievance_case)
    WHERE grievance_case IS NOT NULL;

CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
    at            INTEGER NOT NULL,
    actor_type    TEXT    NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT,
    action        TEXT    NOT NULL,
    from_status   TEXT,
    to_status     TEXT,
    dept_id       INTEGER REFERENCES departments(id),
    note          TEXT
);
CREATE INDEX complaint_events_complaint ON complaint_events (tenant_id, complaint_id, id);
