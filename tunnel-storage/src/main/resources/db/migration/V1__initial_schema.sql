-- Portway schema, version 1. Applied migrations are never edited: changes go into a new V<n>__*.sql file.
-- Constraint names are part of the contract: SqlErrors maps them to the API field a conflict is about.

CREATE TABLE users (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name    text        NOT NULL CONSTRAINT users_name_key UNIQUE,
    status  text        NOT NULL DEFAULT 'active'
                        CONSTRAINT users_status_check CHECK (status IN ('active', 'suspended', 'disabled')),
    created timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a token is stored; the token itself is shown once when issued.
CREATE TABLE client_tokens (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash      bytea       NOT NULL CONSTRAINT client_tokens_hash_key UNIQUE
                          CONSTRAINT client_tokens_hash_length CHECK (octet_length(hash) = 32),
    prefix    text        NOT NULL,
    created   timestamptz NOT NULL DEFAULT now(),
    last_used timestamptz,
    revoked   timestamptz
);
CREATE INDEX client_tokens_user_idx ON client_tokens (user_id);

CREATE TABLE api_keys (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    bytea       NOT NULL CONSTRAINT api_keys_hash_key UNIQUE
                        CONSTRAINT api_keys_hash_length CHECK (octet_length(hash) = 32),
    prefix  text        NOT NULL,
    role    text        NOT NULL CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'user')),
    created timestamptz NOT NULL DEFAULT now(),
    revoked timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- remote_port and subdomain are unique across all tunnels (NULLs do not collide); custom domains live in
-- tunnel_domains so that the primary key makes each domain unique across tunnels too.
CREATE TABLE tunnels (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    type         text        NOT NULL CONSTRAINT tunnels_type_check CHECK (type IN ('tcp', 'udp', 'http', 'https')),
    remote_port  integer     CONSTRAINT tunnels_remote_port_range CHECK (remote_port BETWEEN 1 AND 65535),
    subdomain    text,
    locations    text[]      NOT NULL DEFAULT '{}',
    local_target text,
    options      jsonb       NOT NULL DEFAULT '{}',
    enabled      boolean     NOT NULL DEFAULT true,
    created      timestamptz NOT NULL DEFAULT now(),
    updated      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tunnels_owner_name_key UNIQUE (user_id, name),
    CONSTRAINT tunnels_remote_port_key UNIQUE (remote_port),
    CONSTRAINT tunnels_subdomain_key UNIQUE (subdomain)
);

CREATE TABLE tunnel_domains (
    domain    text   NOT NULL CONSTRAINT tunnel_domains_pkey PRIMARY KEY,
    tunnel_id bigint NOT NULL REFERENCES tunnels (id) ON DELETE CASCADE
);
CREATE INDEX tunnel_domains_tunnel_idx ON tunnel_domains (tunnel_id);

-- Which node holds which client connection (the session registry of a multi-node deployment).
CREATE TABLE sessions (
    id           uuid        NOT NULL CONSTRAINT sessions_pkey PRIMARY KEY,
    client_id    text        NOT NULL,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    node         text        NOT NULL,
    remote_addr  text,
    connected_at timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_node_idx ON sessions (node);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Hourly history; no foreign keys, so usage outlives deleted tunnels and users (plans bill by it).
CREATE TABLE traffic_hourly (
    tunnel_id   bigint      NOT NULL,
    user_id     bigint      NOT NULL,
    hour        timestamptz NOT NULL,
    bytes_in    bigint      NOT NULL DEFAULT 0,
    bytes_out   bigint      NOT NULL DEFAULT 0,
    connections bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (tunnel_id, hour)
);
CREATE INDEX traffic_hourly_user_idx ON traffic_hourly (user_id, hour);

-- One row per applied flush, written in the same transaction as its deltas: a retried flush is a no-op.
CREATE TABLE traffic_flushes (
    id         uuid        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target      text,
    detail      jsonb       NOT NULL DEFAULT '{}',
    remote_addr text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
