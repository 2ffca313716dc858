/**
 * Search helpers shared by the {@link dev.chatsystem.core.spi.SearchIndex} adapters, so that every backend turns
 * query text into the same words.
 */
package dev.chatsystem.core.search;
