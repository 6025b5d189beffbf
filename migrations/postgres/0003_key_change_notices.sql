-- Every instance caches verified keys; these triggers tell all of them when
-- a key stops working or changes (payload: its SHA-256), or when a project
-- changes (payload: *, forget everything). NOTIFY is delivered at commit.
CREATE FUNCTION banata_notify_key_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('banata_key_changes', OLD.key_hash);
    ELSE
        PERFORM pg_notify('banata_key_changes', NEW.key_hash);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Column list: last_used_at updates (the frequent ones) notify nobody.
CREATE TRIGGER api_keys_notify_change
    AFTER UPDATE OF revoked_at, expires_at, permissions, name, project_id OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION banata_notify_key_change();

CREATE FUNCTION banata_notify_project_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('banata_key_changes', '*');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_notify_change
    AFTER UPDATE OR DELETE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION banata_notify_project_change();
