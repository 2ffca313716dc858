/** The embedded search index: Apache Lucene files in the data directory. */
package dev.chatsystem.core.lucene;
