-- The store's schema. The same file runs on H2 (MySQL mode), MySQL 8.4 and MariaDB 10.11, so it keeps to DDL all
-- three accept. Times are BIGINT microseconds since the epoch: exact on every engine, no time-zone conversions.
-- Tokens compare byte-wise (ascii_bin) so that uniqueness and ordering are case-sensitive everywhere. The table
-- options pin InnoDB (transactions, row locks, foreign keys) and utf8mb4 with a collation both MySQL 8.4 and MariaDB
-- have, so the schema does not depend on server defaults; H2 accepts and ignores them in MySQL mode.

CREATE TABLE applications (
    id BIGINT NOT NULL AUTO_INCREMENT,
    token VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name VARCHAR(255) NOT NULL,
    chats_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_applications_token UNIQUE (token)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- uk_chats_number serves lookups and keyset pages of an application's chats.
CREATE TABLE chats (
    id BIGINT NOT NULL AUTO_INCREMENT,
    application_id BIGINT NOT NULL,
    chat_number BIGINT NOT NULL,
    messages_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_chats_number UNIQUE (application_id, chat_number),
    CONSTRAINT fk_chats_application FOREIGN KEY (application_id) REFERENCES applications (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- MEDIUMTEXT holds 65,535 bytes of UTF-8 with room to spare (TEXT is exactly 65,535 bytes on MySQL); H2 maps it to
-- a VARCHAR, not a LOB. uk_messages_number serves lookups and keyset pages; the primary key serves reindexing.
CREATE TABLE messages (
    id BIGINT NOT NULL AUTO_INCREMENT,
    chat_id BIGINT NOT NULL,
    message_number BIGINT NOT NULL,
    body MEDIUMTEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_messages_number UNIQUE (chat_id, message_number),
    CONSTRAINT fk_messages_chat FOREIGN KEY (chat_id) REFERENCES chats (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
