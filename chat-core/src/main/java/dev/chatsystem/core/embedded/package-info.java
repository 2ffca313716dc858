/**
 * The embedded write path and numbering: an in-process group-commit writer over the store, followed by an indexer
 * over the search index.
 */
package dev.chatsystem.core.embedded;
