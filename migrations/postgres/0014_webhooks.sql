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
CREATE SEQUENCE events_seq;
-- seq: set by events_in_order, after the project's order lock.
CREATE TABLE events (
    seq             BIGINT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    organization_id TEXT,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_project_idx ON events (project_id, seq);
CREATE INDEX events_organization_idx ON events (project_id, organization_id, seq);


-- event_types: ",user.created,member.added," (commas around each, so one
-- LIKE finds a type); '' means every event. The signing secret must be
-- readable to sign, so it is stored as the JWT signing keys are; it is
-- never listed, logged or returned after creation.
CREATE TABLE webhook_endpoints (
    id                    TEXT PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    url                   TEXT NOT NULL,
    event_types           TEXT NOT NULL,
    enabled               BOOLEAN NOT NULL,
    secret                TEXT NOT NULL,
    previous_secret       TEXT,
    previous_secret_until TIMESTAMPTZ,
    success_count         BIGINT NOT NULL DEFAULT 0,
    failure_count         BIGINT NOT NULL DEFAULT 0,
    consecutive_failures  BIGINT NOT NULL DEFAULT 0,
    last_delivery_at      TIMESTAMPTZ,
    last_delivery_status  TEXT,
    disabled_reason       TEXT,
    -- One worker at a time sends an endpoint's deliveries, in order.
    lease_until           TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoints_project_idx ON webhook_endpoints (project_id, created_at, id);

CREATE TABLE webhook_deliveries (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       TEXT NOT NULL,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_seq        BIGINT NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ,
    last_http_status BIGINT,
    last_error       TEXT,
    last_duration_ms BIGINT,
    last_response    TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
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
ALTER TABLE audit_events ADD COLUMN occurred_at TIMESTAMPTZ;
CREATE UNIQUE INDEX audit_events_idempotency_key ON audit_events (project_id, idempotency_key);
-- The event a change's audit record carries in (moved to `events` on insert;
-- event_id stays as the link between the two).
ALTER TABLE audit_events ADD COLUMN event_id TEXT;
ALTER TABLE audit_events ADD COLUMN event_type TEXT;
ALTER TABLE audit_events ADD COLUMN event_organization_id TEXT;
ALTER TABLE audit_events ADD COLUMN event_body TEXT;
CREATE INDEX audit_events_created_idx ON audit_events (project_id, created_at);

-- A project's events take their numbers under the project's event lock
-- (a transaction-long advisory lock: no row written), so they commit in the
-- order of their numbers and a reader paging forward never skips one that
-- committed late. Writers take it as their transaction's last step.
CREATE FUNCTION events_in_order() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('banata-events:' || NEW.project_id, 0));
    NEW.seq := nextval('events_seq');
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER events_in_order BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_in_order();

-- One pending delivery per enabled endpoint of the project subscribed to
-- the type ('' = every event); the test event goes to its endpoint only.
CREATE FUNCTION events_fan_out() RETURNS trigger AS $$
BEGIN
    IF NEW.type <> 'webhook.test' THEN
        INSERT INTO webhook_deliveries
            (project_id, endpoint_id, event_seq, status, attempts, next_attempt_at, created_at, updated_at)
        SELECT NEW.project_id, w.id, NEW.seq, 'pending', 0, NEW.created_at, NEW.created_at, NEW.created_at
        FROM webhook_endpoints w
        WHERE w.project_id = NEW.project_id AND w.enabled
          AND (w.event_types = '' OR w.event_types LIKE '%,' || NEW.type || ',%');
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER events_fan_out AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_fan_out();

CREATE FUNCTION audit_events_event() RETURNS trigger AS $$
BEGIN
    IF NEW.event_body IS NOT NULL THEN
        INSERT INTO events (id, project_id, type, organization_id, body, created_at)
        VALUES (NEW.event_id, NEW.project_id, NEW.event_type, NEW.event_organization_id, NEW.event_body, NEW.created_at);
        NEW.event_body := NULL;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_event BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_event();
