/** The embedded store: an H2 file database in MySQL compatibility mode, through Jdbi and HikariCP. */
package dev.chatsystem.core.h2;
