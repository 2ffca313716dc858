/** The production store: MySQL 8.4 or MariaDB 10.11 through Connector/J, HikariCP and the shared SQL store. */
package dev.chatsystem.core.mysql;
