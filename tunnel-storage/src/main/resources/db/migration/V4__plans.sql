-- Plans: what a user may use. A NULL limit is no limit. One plan may be the default, which applies to every user
-- without a plan of their own.
CREATE TABLE plans (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                   text        NOT NULL CONSTRAINT plans_name_key UNIQUE,
    is_default             boolean     NOT NULL DEFAULT false,
    -- Bytes in + out per usage period.
    monthly_traffic        bigint      CONSTRAINT plans_monthly_traffic_check CHECK (monthly_traffic >= 0),
    at_limit               text        NOT NULL DEFAULT 'suspend'
                           CONSTRAINT plans_at_limit_check CHECK (at_limit IN ('suspend', 'throttle')),
    -- Bytes/s each direction once the allowance is used, for at_limit = 'throttle'.
    throttle_floor         bigint      CONSTRAINT plans_throttle_floor_check CHECK (throttle_floor > 0),
    warning_share          real        NOT NULL DEFAULT 0.8
                           CONSTRAINT plans_warning_share_check CHECK (warning_share > 0 AND warning_share <= 1),
    bandwidth_per_user     bigint      CONSTRAINT plans_bandwidth_per_user_check CHECK (bandwidth_per_user > 0),
    bandwidth_per_tunnel   bigint      CONSTRAINT plans_bandwidth_per_tunnel_check CHECK (bandwidth_per_tunnel > 0),
    connections_per_tunnel integer     CONSTRAINT plans_connections_per_tunnel_check CHECK (connections_per_tunnel > 0),
    connections_per_user   integer     CONSTRAINT plans_connections_per_user_check CHECK (connections_per_user > 0),
    tunnels_per_user       integer     CONSTRAINT plans_tunnels_per_user_check CHECK (tunnels_per_user >= 0),
    clients_per_user       integer     CONSTRAINT plans_clients_per_user_check CHECK (clients_per_user >= 0),
    -- NULL: every type the server serves.
    tunnel_types           text[],
    port_min               integer     CONSTRAINT plans_port_min_check CHECK (port_min BETWEEN 1 AND 65535),
    port_max               integer     CONSTRAINT plans_port_max_check CHECK (port_max BETWEEN 1 AND 65535),
    custom_domains         boolean     NOT NULL DEFAULT true,
    created                timestamptz NOT NULL DEFAULT now(),
    updated                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT plans_port_range_check CHECK (port_min IS NULL OR port_max IS NULL OR port_min <= port_max)
);
CREATE UNIQUE INDEX plans_one_default ON plans (is_default) WHERE is_default;

-- plan_since anchors a usage period that runs from the subscription day; a plan in use cannot be deleted.
ALTER TABLE users
    ADD COLUMN plan_id    bigint      CONSTRAINT users_plan_fkey REFERENCES plans (id) ON DELETE RESTRICT,
    ADD COLUMN plan_since timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN expires_at timestamptz;
CREATE INDEX users_plan_idx ON users (plan_id);

-- One row per notice a user was given in one usage period (traffic warning, allowance used): the node whose insert
-- wins sends the alert, so every notice goes out once however many nodes see the crossing.
CREATE TABLE quota_notices (
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period_start timestamptz NOT NULL,
    kind         text        NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT quota_notices_pkey PRIMARY KEY (user_id, period_start, kind)
);

-- Allowances count every byte of a user's tunnels, also of tunnels its client.yaml declares, which have no row in
-- tunnels: those are counted under tunnel_id 0, so the key needs the user. Its order serves the allowance check,
-- which sums one user's hours of one period every few seconds; a tunnel's own series has an index of its own.
ALTER TABLE traffic_hourly DROP CONSTRAINT traffic_hourly_pkey;
ALTER TABLE traffic_hourly ADD CONSTRAINT traffic_hourly_pkey PRIMARY KEY (user_id, hour, tunnel_id);
CREATE INDEX traffic_hourly_tunnel_idx ON traffic_hourly (tunnel_id, hour);
DROP INDEX traffic_hourly_user_idx;
