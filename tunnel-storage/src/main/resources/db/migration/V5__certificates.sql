-- ACME accounts and the certificates every node serves. Private keys are stored only encrypted (AES-GCM, by the
-- server with a key that is not in the database); the chain is public.
CREATE TABLE acme_accounts (
    directory  TEXT PRIMARY KEY,
    sealed_key BYTEA NOT NULL,
    created    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE certificates (
    name       TEXT PRIMARY KEY,
    domains    TEXT[] NOT NULL,
    chain_pem  TEXT NOT NULL,
    sealed_key BYTEA NOT NULL,
    not_before TIMESTAMPTZ NOT NULL,
    not_after  TIMESTAMPTZ NOT NULL,
    updated    TIMESTAMPTZ NOT NULL DEFAULT now()
);
