-- Several server nodes on one database. A node is a row with a heartbeat; a node whose heartbeat stops is deleted by
-- any other node, and with it (ON DELETE CASCADE) its sessions and their live claims, so the database alone decides
-- who holds a public name. V6 is left to another change of the same release.
CREATE TABLE nodes (
    name           text        NOT NULL CONSTRAINT nodes_pkey PRIMARY KEY,
    advertise      text        NOT NULL,
    -- SHA-256 of the cluster secret under a fixed label: a node configured with another secret refuses to join.
    secret_digest  bytea       NOT NULL,
    started        timestamptz NOT NULL DEFAULT now(),
    last_heartbeat timestamptz NOT NULL DEFAULT now(),
    state          text        NOT NULL DEFAULT 'up' CONSTRAINT nodes_state_check CHECK (state IN ('up', 'draining'))
);

-- Sessions were never written before clusters; a stale row could not satisfy the new key to nodes.
DELETE FROM sessions;
-- A static token (auth.tokens) has no user row: its session names the user only.
ALTER TABLE sessions ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE sessions ADD COLUMN user_name text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN token_id bigint;
ALTER TABLE sessions ADD CONSTRAINT sessions_node_fkey FOREIGN KEY (node) REFERENCES nodes (name) ON DELETE CASCADE;
-- One connection per client id in the whole cluster: a client that reconnects anywhere takes its row over.
ALTER TABLE sessions ADD CONSTRAINT sessions_client_key UNIQUE (client_id);

-- Public names held right now by a connected client's tunnel: a tcp or udp port, or an http host with its location.
-- The primary key makes one holder per name in the cluster; the session's row carries node and client, and a
-- take-over that gives the row a new id moves its claims along (ON UPDATE CASCADE).
CREATE TABLE live_claims (
    kind       text NOT NULL CONSTRAINT live_claims_kind_check CHECK (kind IN ('tcp', 'udp', 'host')),
    name       text NOT NULL,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE ON UPDATE CASCADE,
    tunnel     text NOT NULL,
    claimed    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT live_claims_pkey PRIMARY KEY (kind, name)
);
CREATE INDEX live_claims_session_idx ON live_claims (session_id, tunnel);
