-- The integrated customer database (통합고객 DB): golden customer records, the source
-- records they were built from (kept unchanged: 원본 유지), merges and the review queue,
-- matching rules, and the consent ledger.

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    kind           TEXT    NOT NULL DEFAULT 'resident' CHECK (kind IN ('resident', 'policy',
                           'expert', 'organisation', 'internal')),
    name           TEXT,
    name_key       TEXT,            -- name without spaces, for matching and search
    birth_date     TEXT,            -- YYYY-MM-DD
    sex            TEXT CHECK (sex IN ('M', 'F')),
    rrn_sealed     BLOB,            -- XChaCha20-Poly1305 with the field key
    rrn_index      TEXT,            -- keyed hash of the canonical RRN, for exact lookup
    rrn_masked     TEXT,            -- 900101-1******
    phone          TEXT,            -- canonical forms only; raw values stay in sources
    mobile         TEXT,
    email          TEXT,
    address        TEXT,            -- canonical address, detail included
    address_base   TEXT,            -- canonical address without the detail part
    addr_sido      TEXT,
    addr_sigungu   TEXT,
    addr_eupmyeon  TEXT,
    addr_street    TEXT,            -- road name (도로명) or 동·리·가
    addr_number    TEXT,            -- building or lot number
    addr_detail    TEXT,
    postal_code    TEXT,
    household_key  TEXT,            -- same canonical address, same household
    merged_into    INTEGER REFERENCES customers(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
-- Partial indexes: most records lack a phone or an e-mail, and an index of NULLs costs
-- every insert for nothing. (A query's `col = ?` implies `col IS NOT NULL`.)
CREATE INDEX customers_rrn ON customers (tenant_id, rrn_index) WHERE rrn_index IS NOT NULL;
CREATE INDEX customers_mobile ON customers (tenant_id, mobile) WHERE mobile IS NOT NULL;
CREATE INDEX customers_phone ON customers (tenant_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX customers_email ON customers (tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX customers_name ON customers (tenant_id, name_key, birth_date);
CREATE INDEX customers_household ON customers (tenant_id, household_key)
    WHERE household_key IS NOT NULL;
CREATE INDEX customers_address ON customers (tenant_id, address_base, name_key)
    WHERE address_base IS NOT NULL;
CREATE INDEX customers_merged ON customers (tenant_id, merged_into);

-- Every record about a person as it arrived, never changed afterwards. fields holds the
-- row as entered (JSON object of column → text) except the RRN, which is sealed apart.
CREATE TABLE source_records (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    source       TEXT    NOT NULL,
    source_id    TEXT    NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    fields       TEXT    NOT NULL,
    rrn_sealed   BLOB,
    match_rule   TEXT,             -- how it was linked: new, rrn, auto, review, manual
    match_score  REAL,
    -- Quality of each field as entered: 0 null, 1 valid as entered, 2 cleansed, 3 invalid
    -- (enum cleanse_status), kept so the data-quality report is one GROUP BY.
    q_address    INTEGER NOT NULL,
    q_phone      INTEGER NOT NULL,
    q_mobile     INTEGER NOT NULL,
    q_email      INTEGER NOT NULL,
    q_rrn        INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, source, source_id)
);
CREATE INDEX source_records_customer ON source_records (tenant_id, customer_id);
CREATE INDEX source_records_source ON source_records (tenant_id, source);

-- Corrections keep history: every change to a golden record's field, old and new value.
CREATE TABLE customer_changes (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    field        TEXT    NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    actor        TEXT,
    at           INTEGER NOT NULL
);
CREATE INDEX customer_changes_customer ON customer_changes (tenant_id, customer_id, id);

-- Merges, with what is needed to undo them: the merged record's fields before the merge
-- and the source records that moved.
CREATE TABLE customer_merges (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    survivor_id  INTEGER NOT NULL REFERENCES customers(id),
    merged_id    INTEGER NOT NULL REFERENCES customers(id),
    how          TEXT    NOT NULL CHECK (how IN ('auto', 'manual')),
    score        REAL,
    reasons      TEXT,
    survivor_before TEXT NOT NULL,  -- JSON of the survivor's fields before the merge
    moved_sources   TEXT NOT NULL,  -- JSON array of source record ids moved
    actor        TEXT,
    at           INTEGER NOT NULL,
    undone_at    INTEGER
);
CREATE INDEX customer_merges_survivor ON customer_merges (tenant_id, survivor_id);
CREATE INDEX customer_merges_merged ON customer_merges (tenant_id, merged_id);

-- Pairs scored between the thresholds, for a person to decide.
CREATE TABLE match_reviews (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    customer_a   INTEGER NOT NULL REFERENCES customers(id),
    customer_b   INTEGER NOT NULL REFERENCES customers(id),
    score        REAL    NOT NULL,
    reasons      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'distinct')),
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   TEXT,
    UNIQUE (tenant_id, customer_a, customer_b)
);
CREATE INDEX match_reviews_status ON match_reviews (tenant_id, status, id);

-- Matching evidence weights and the two thresholds, per tenant (editable).
CREATE TABLE match_rules (
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    rule       TEXT    NOT NULL,
    weight     REAL    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, rule)
);

-- The consent ledger: grant and withdraw events; the current state is the latest event.
CREATE TABLE consent_events (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    purpose      TEXT    NOT NULL CHECK (purpose IN ('complaint_handling', 'status_notice',
                         'proactive_service', 'campaign', 'survey', 'sensitive_profile')),
    channel      TEXT    NOT NULL CHECK (channel IN ('sms', 'email', 'phone', 'mail')),
    granted      INTEGER NOT NULL CHECK (granted IN (0, 1)),
    source       TEXT    NOT NULL,  -- web, phone, visit, paper, import
    actor        TEXT,
    at           INTEGER NOT NULL
);
CREATE INDEX consent_events_customer ON consent_events (tenant_id, customer_id, purpose, channel, id);

-- Full-text search over names and addresses that works for Korean (trigram tokens need
-- no word segmentation). SQLite-specific, kept in step with customers by triggers; the
-- search function in src/customer is the one place that uses it.
CREATE VIRTUAL TABLE customers_fts USING fts5(name, address, content='customers',
    content_rowid='id', tokenize='trigram');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, name, address) VALUES (new.id, new.name, new.address);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, address)
        VALUES ('delete', old.id, old.name, old.address);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF name, address ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, address)
        VALUES ('delete', old.id, old.name, old.address);
    INSERT INTO customers_fts (rowid, name, address) VALUES (new.id, new.name, new.address);
END;
