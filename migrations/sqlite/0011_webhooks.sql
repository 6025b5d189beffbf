-- Events and their webhook deliveries. An event is written in the same
-- transaction as the change it reports, with one delivery row per
-- subscribed, enabled endpoint (the mail outbox's pattern): a restart loses
-- none, and a rollback sends none. `body` is the exact JSON every attempt
-- sends, so retries carry the same bytes.
--
-- Why triggers: an event must cost its change almost nothing (bench/
-- webhooks.py). A change that writes an audit record carries its event in
-- that same INSERT (audit_events.event_*), and the triggers below write the
-- event and fan it out to the endpoints without another round trip.
CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    organization_id TEXT,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX events_project_idx ON events (project_id, seq);
CREATE INDEX events_organization_idx ON events (project_id, organization_id, seq);

-- SQLite has one writer at a time: events commit in the order of their numbers.

-- event_types: ",user.created,member.added," (commas around each, so one
-- LIKE finds a type); '' means every event. The signing secret must be
-- readable to sign, so it is stored as the JWT signing keys are; it is
-- never listed, logged or returned after creation.
CREATE TABLE webhook_endpoints (
    id                    TEXT PRIMARY KEY NOT NULL,
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    url                   TEXT NOT NULL,
    event_types           TEXT NOT NULL,
    enabled               BOOLEAN NOT NULL,
    secret                TEXT NOT NULL,
    previous_secret       TEXT,
    previous_secret_until TEXT,
    success_count         INTEGER NOT NULL DEFAULT 0,
    failure_count         INTEGER NOT NULL DEFAULT 0,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_delivery_at      TEXT,
    last_delivery_status  TEXT,
    disabled_reason       TEXT,
    -- One worker at a time sends an endpoint's deliveries, in order.
    lease_until           TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_project_idx ON webhook_endpoints (project_id, created_at, id);

CREATE TABLE webhook_deliveries (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id       TEXT NOT NULL,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_seq        INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_http_status INTEGER,
    last_error       TEXT,
    last_duration_ms INTEGER,
    last_response    TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (endpoint_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, seq DESC);
CREATE INDEX webhook_deliveries_project_idx ON webhook_deliveries (project_id, seq DESC);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_seq);

-- Audit records an app writes through the API (`auditLogs.create`) sit
-- beside ours: its own actor type and email, what it names, and the key it
-- may send so a retried create returns the first record.
ALTER TABLE audit_events ADD COLUMN actor_type TEXT;
ALTER TABLE audit_events ADD COLUMN actor_email TEXT;
ALTER TABLE audit_events ADD COLUMN organization_id TEXT;
ALTER TABLE audit_events ADD COLUMN targets TEXT;
ALTER TABLE audit_events ADD COLUMN changes TEXT;
ALTER TABLE audit_events ADD COLUMN metadata TEXT;
ALTER TABLE audit_events ADD COLUMN idempotency_key TEXT;
ALTER TABLE audit_events ADD COLUMN occurred_at TEXT;
CREATE UNIQUE INDEX audit_events_idempotency_key ON audit_events (project_id, idempotency_key);
-- The event a change's audit record carries in (moved to `events` on insert;
-- event_id stays as the link between the two).
ALTER TABLE audit_events ADD COLUMN event_id TEXT;
ALTER TABLE audit_events ADD COLUMN event_type TEXT;
ALTER TABLE audit_events ADD COLUMN event_organization_id TEXT;
ALTER TABLE audit_events ADD COLUMN event_body TEXT;
CREATE INDEX audit_events_created_idx ON audit_events (project_id, created_at);

-- One pending delivery per enabled endpoint of the project subscribed to
-- the type ('' = every event); the test event goes to its endpoint only.
CREATE TRIGGER events_fan_out AFTER INSERT ON events WHEN NEW.type <> 'webhook.test'
BEGIN
    INSERT INTO webhook_deliveries
        (project_id, endpoint_id, event_seq, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT NEW.project_id, w.id, NEW.seq, 'pending', 0, NEW.created_at, NEW.created_at, NEW.created_at
    FROM webhook_endpoints w
    WHERE w.project_id = NEW.project_id AND w.enabled
      AND (w.event_types = '' OR w.event_types LIKE '%,' || NEW.type || ',%');
END;

CREATE TRIGGER audit_events_event AFTER INSERT ON audit_events WHEN NEW.event_body IS NOT NULL
BEGIN
    INSERT INTO events (id, project_id, type, organization_id, body, created_at)
    VALUES (NEW.event_id, NEW.project_id, NEW.event_type, NEW.event_organization_id, NEW.event_body, NEW.created_at);
    UPDATE audit_events SET event_body = NULL WHERE seq = NEW.seq;
END;
