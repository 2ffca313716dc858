/** The embedded data directory on disk: how its directories are made. */
package dev.chatsystem.core.files;
