-- Sessions, their messages, and feedback: the same tables and columns as the SQLite file at its
-- schema version 1 (JSON kept as text, exactly as written), with PostgreSQL's own types for ids and times.
CREATE TABLE sessions (
    id text PRIMARY KEY,
    shopper_id text,
    created_at timestamptz NOT NULL,
    owner text
);
CREATE INDEX sessions_shopper ON sessions (shopper_id);

CREATE TABLE messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    turn_id text NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant')),
    content text NOT NULL,
    plan text,
    shown_ids text NOT NULL DEFAULT '[]',
    shown_prices text NOT NULL DEFAULT '[]',
    prompt_versions text NOT NULL DEFAULT '{}',
    timings_ms text NOT NULL DEFAULT '{}',
    usage text,
    llm text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL
);
CREATE INDEX messages_session ON messages (session_id, id);

CREATE TABLE feedback (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shopper_id text NOT NULL,
    session_id text,
    product_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('thumbs_up', 'thumbs_down', 'not_interested', 'click')),
    created_at timestamptz NOT NULL
);
CREATE INDEX feedback_shopper ON feedback (shopper_id, id);
CREATE INDEX feedback_session ON feedback (session_id);
