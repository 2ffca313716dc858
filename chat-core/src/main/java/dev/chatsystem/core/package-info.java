/**
 * The chat-system API: {@link dev.chatsystem.core.ChatSystem}, its configuration, the model records and the
 * exceptions.
 */
package dev.chatsystem.core;
