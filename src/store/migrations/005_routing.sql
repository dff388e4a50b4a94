-- The complaint router's trained model (src/complaint/route.h), one per tenant: trained
-- by `pcrm route train` from the shipped examples and officers' final assignments, read
-- by every server thread. The model is the compact text route.c writes (its n-grams with
-- per-label example counts); replacing it is one statement, so readers see the old model
-- or the new one, never a mix.

CREATE TABLE routing_models (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    trained_at  INTEGER NOT NULL,   -- UTC epoch ms
    examples    INTEGER NOT NULL,   -- examples learnt from
    model       TEXT    NOT NULL,
    PRIMARY KEY (tenant_id)
);
