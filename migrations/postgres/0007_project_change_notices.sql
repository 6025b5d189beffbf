-- A project change used to notify '*' (forget every cached key, on every
-- instance): any tenant renaming its project emptied everyone's cache. Now
-- the notice names the project ('project:<id>'), and only its keys are
-- forgotten. Only a change of what keys carry (name, slug) or a deletion
-- notifies; a deleted project's keys also notify one by one as they cascade.
DROP TRIGGER projects_notify_change ON projects;

CREATE OR REPLACE FUNCTION banata_notify_project_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('banata_key_changes', 'project:' || OLD.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_notify_change
    AFTER UPDATE OF name, slug OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION banata_notify_project_change();
