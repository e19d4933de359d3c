-- Who owns a public name. A host (subdomain, custom domain or wildcard) is claimed by the first user whose tunnel
-- registers it and stays that user's while the user is offline; an operator reserves hosts and ports through the
-- admin API. The primary key makes one owner per name on every node.
CREATE TABLE claims (
    kind        text        NOT NULL CONSTRAINT claims_kind_check CHECK (kind IN ('host', 'port')),
    name        text        NOT NULL,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Made through the API (kept until released), rather than taken by a registration.
    reserved    boolean     NOT NULL DEFAULT false,
    -- The user showed control of the domain (DNS TXT), or an admin vouched for it.
    verified    boolean     NOT NULL DEFAULT false,
    proof_token text,
    created     timestamptz NOT NULL DEFAULT now(),
    last_used   timestamptz,
    CONSTRAINT claims_pkey PRIMARY KEY (kind, name)
);
CREATE INDEX claims_user_idx ON claims (user_id);
