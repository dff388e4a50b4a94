-- The foundation: tenants, departments, staff, sessions, API keys, login attempts and the
-- audit log. Times are UTC epoch milliseconds; booleans are 0/1 integers. Every
-- tenant-owned table carries tenant_id and every index on it leads with tenant_id.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- AUTOINCREMENT where rows can be deleted: an id in an old link or audit row must never
-- come to name a different object.
CREATE TABLE departments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES departments(id),
    phone       TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX departments_parent ON departments (tenant_id, parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    username      TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'officer', 'dept_head',
                          'cs_manager', 'privacy_officer', 'admin')),
    dept_id       INTEGER REFERENCES departments(id),
    email         TEXT,
    phone         TEXT,
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, username)
);
CREATE INDEX users_dept ON users (tenant_id, dept_id);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    token_hash    TEXT    NOT NULL UNIQUE,
    csrf_token    TEXT    NOT NULL,
    client_addr   TEXT,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ended_at      INTEGER
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'officer', 'dept_head',
                          'cs_manager', 'privacy_officer', 'admin')),
    key_prefix    TEXT    NOT NULL,
    key_hash      TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

-- Failed and successful logins, for throttling. Not tenant-owned: the tenant code is
-- whatever the client sent, which may name no tenant at all.
CREATE TABLE login_attempts (
    id           INTEGER PRIMARY KEY,
    tenant_code  TEXT    NOT NULL,
    username     TEXT    NOT NULL,
    client_addr  TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    ok           INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (tenant_code, username, at);
CREATE INDEX login_attempts_addr ON login_attempts (client_addr, at);

-- The audit log: append-only, each row chained to the one before by a keyed BLAKE2b
-- hash over its content (see src/auth/audit.c). tenant_id is NULL for installation-wide
-- events such as adding a tenant. audit_head holds the last id and hash so that rows cut
-- from the end are detected too.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER,
    at           INTEGER NOT NULL,
    actor_type   TEXT    NOT NULL,
    actor_id     INTEGER,
    actor_name   TEXT,
    action       TEXT    NOT NULL,
    target_type  TEXT,
    target_id    TEXT,
    purpose      TEXT,
    request_id   TEXT,
    client_addr  TEXT,
    detail       TEXT,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
CREATE INDEX audit_log_target ON audit_log (tenant_id, target_type, target_id, id);

CREATE TABLE audit_head (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    last_id    INTEGER NOT NULL,
    last_hash  TEXT    NOT NULL,
    mac        TEXT    NOT NULL    -- keyed hash of last_id and last_hash
);
INSERT INTO audit_head (one, last_id, last_hash, mac) VALUES (1, 0, '', '');
