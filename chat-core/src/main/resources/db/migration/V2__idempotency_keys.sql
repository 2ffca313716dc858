-- Idempotency keys of creates (embedded form: chats, messages and applications; production form: applications, the
-- others live in Redis). The scope names where a key applies, so two tenants never collide. result is the number or
-- token the original create produced; created_at decides whether the record is still within the retention window.
CREATE TABLE idempotency_keys (
    scope VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idem_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fingerprint VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    result VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
