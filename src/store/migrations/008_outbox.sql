-- The outbox: every message to a resident is first a row here, written in the same
-- transaction as the change that caused it; the delivery job sends it. msg_key is unique
-- per event × recipient × medium, so an event can never produce the same message twice.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    msg_key       TEXT    NOT NULL,
    event         TEXT    NOT NULL,   -- received, assigned, supplement, extended, overdue, ...
    customer_id   INTEGER REFERENCES customers(id),
    complaint_id  INTEGER REFERENCES complaints(id),
    medium        TEXT    NOT NULL CHECK (medium IN ('sms', 'email')),
    class         TEXT    NOT NULL CHECK (class IN ('SMS', 'LMS', 'EMAIL')),
    recipient     TEXT    NOT NULL,   -- canonical mobile or e-mail address
    subject       TEXT,
    body          TEXT    NOT NULL,
    bytes         INTEGER NOT NULL,   -- EUC-KR bytes (SMS/LMS) or UTF-8 bytes (e-mail)
    purpose       TEXT    NOT NULL,   -- the consent purpose the message serves
    consent       TEXT    NOT NULL CHECK (consent IN ('statutory', 'granted', 'denied')),
    urgent        INTEGER NOT NULL DEFAULT 0,  -- sent in quiet hours too
    status        TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'dead',
                          'suppressed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL,   -- queued: not before; sending: the lease ends
    last_error    TEXT,
    transport     TEXT,               -- file, smtp, gateway
    provider_id   TEXT,
    unit_price    REAL,               -- won per message of its class, when sent
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, msg_key)
);
CREATE INDEX messages_due ON messages (next_at) WHERE status IN ('queued', 'sending');
CREATE INDEX messages_complaint ON messages (complaint_id) WHERE complaint_id IS NOT NULL;
CREATE INDEX messages_customer ON messages (tenant_id, customer_id, created_at);
CREATE INDEX messages_month ON messages (tenant_id, created_at);

-- A tenant's own wording of a template; without a row the shipped default
-- (data/message-templates.csv) is used.
CREATE TABLE message_templates (
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    event         TEXT    NOT NULL,
    medium        TEXT    NOT NULL CHECK (medium IN ('sms', 'email')),
    subject       TEXT,
    body          TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    updated_by    INTEGER REFERENCES users(id),
    PRIMARY KEY (tenant_id, event, medium)
);

-- One-time sign-in codes for the resident portal: the code is stored hashed, lives ten
-- minutes, and five wrong tries end it.
CREATE TABLE signin_codes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    contact       TEXT    NOT NULL,   -- canonical mobile or e-mail it was sent to
    code_hash     TEXT    NOT NULL,
    expires_at    INTEGER NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    used_at       INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX signin_codes_contact ON signin_codes (tenant_id, contact, created_at);

-- Resident sessions (the portal's "my complaints" and "my data"), apart from staff ones.
CREATE TABLE resident_sessions (
    token_hash    TEXT    PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    csrf_token    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    ended_at      INTEGER
);
