-- The served-list log (what each turn showed, under which experiment variants) and interaction
-- events (impressions, clicks, add-to-cart, purchases), idempotent per session by the client's event id.
CREATE TABLE served (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    turn_id text NOT NULL UNIQUE,
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    shopper_id text,
    product_ids text NOT NULL DEFAULT '[]',
    assignments text NOT NULL DEFAULT '{}',
    context text NOT NULL DEFAULT '{}',
    served_at timestamptz NOT NULL
);
CREATE INDEX served_session ON served (session_id);
CREATE INDEX served_shopper ON served (shopper_id);
CREATE INDEX served_time ON served (served_at);

CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL,
    type text NOT NULL CHECK (type IN ('impression', 'click', 'add_to_cart', 'purchase')),
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    turn_id text NOT NULL,
    product_id text NOT NULL,
    position integer,
    shopper_id text,
    occurred_at timestamptz,
    value double precision,
    assignments text NOT NULL DEFAULT '{}',
    received_at timestamptz NOT NULL,
    UNIQUE (session_id, event_id)
);
CREATE INDEX events_turn ON events (turn_id);
CREATE INDEX events_shopper ON events (shopper_id);
CREATE INDEX events_time ON events (received_at);
