/**
 * The SQL store shared by the H2 and MySQL/MariaDB adapters: one implementation of every statement, written in the
 * subset of SQL that H2 (MySQL mode), MySQL 8.4 and MariaDB 10.11 all run. Not a supported API: its public types
 * exist only so that the entry classes {@link dev.chatsystem.core.h2.H2ChatStore} and
 * {@link dev.chatsystem.core.mysql.MySqlChatStore} can build on it; anything here may change in any release.
 */
package dev.chatsystem.core.jdbc;
