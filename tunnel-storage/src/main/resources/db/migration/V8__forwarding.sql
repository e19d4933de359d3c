-- Forwarding between nodes: every node serves the public side of tunnels whose clients are on other nodes, built
-- from the tunnel's own request (its spec, JSON as the client sent it), and rebuilds that picture whenever a live
-- claim comes or goes.
ALTER TABLE live_claims ADD COLUMN spec text;

-- One NOTIFY per statement that changes live claims, whatever did it: a tunnel that opened or closed, a session
-- that ended or was taken over (cascades), a dead node reaped. The payload is a change event of kind live-claims.
CREATE FUNCTION live_claims_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portway_changes', 'live-claims:*');
    RETURN NULL;
END;
$$;

CREATE TRIGGER live_claims_changed AFTER INSERT OR UPDATE OR DELETE ON live_claims
    FOR EACH STATEMENT EXECUTE FUNCTION live_claims_changed();
