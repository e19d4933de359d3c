-- Names a certificate is wanted for besides https.acme.domains of server.yaml: requested by an operator through the
-- admin API ('api'), or for the custom domain of an http tunnel ('tunnel'). Every node with https.acme keeps their
-- certificates ordered and renewed until the row is deleted.
CREATE TABLE acme_requests (
    name    TEXT PRIMARY KEY,
    origin  TEXT NOT NULL CONSTRAINT acme_requests_origin_check CHECK (origin IN ('api', 'tunnel')),
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);
