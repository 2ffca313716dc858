/**
 * The production search index: {@link dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex}, messages in an
 * Elasticsearch 9 index, routed by chat.
 */
package dev.chatsystem.core.elasticsearch;
