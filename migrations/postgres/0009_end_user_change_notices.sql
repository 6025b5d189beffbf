-- Every instance caches live end-user sessions; these tell all of them when
-- a session ends ('session:<token hash>') or its user changes or goes
-- ('user:<id>'), on the channel the key cache already listens to.
CREATE FUNCTION banata_notify_end_user_session_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('banata_key_changes', 'session:' || OLD.token_hash);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER end_user_sessions_notify_change
    AFTER DELETE ON end_user_sessions
    FOR EACH ROW EXECUTE FUNCTION banata_notify_end_user_session_change();

CREATE FUNCTION banata_notify_end_user_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('banata_key_changes', 'user:' || OLD.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Column list: what a cached session shows or decides with.
CREATE TRIGGER end_users_notify_change
    AFTER UPDATE OF banned, ban_expires, name, image, email_verified, email OR DELETE ON end_users
    FOR EACH ROW EXECUTE FUNCTION banata_notify_end_user_change();
