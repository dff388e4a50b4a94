-- The contact history (접촉이력): every contact with a resident — a call in or out, a
-- visit, an e-mail, an SMS, a web post, a notice sent — with its channel, direction, time,
-- staff member, customer, related complaint and a short summary.
CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    channel       TEXT    NOT NULL CHECK (channel IN ('phone', 'visit', 'email', 'sms', 'web',
                          'mail', 'notice')),
    direction     TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    at            INTEGER NOT NULL,
    staff_id      INTEGER REFERENCES users(id),
    complaint_id  INTEGER REFERENCES complaints(id),
    summary       TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX contacts_customer ON contacts (tenant_id, customer_id, at);
