/**
 * Internal implementation of the core. Not a supported API: anything here may change or disappear in any release.
 * Use {@link dev.chatsystem.core.ChatSystem}.
 */
package dev.chatsystem.core.internal;
