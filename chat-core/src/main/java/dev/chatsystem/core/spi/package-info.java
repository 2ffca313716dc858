/**
 * The ports: small interfaces the core drives and each backend implements. They name no vendor type, so an
 * adapter (H2, Lucene, MySQL, Redis, Elasticsearch) can move to its own module without touching the core.
 */
package dev.chatsystem.core.spi;
