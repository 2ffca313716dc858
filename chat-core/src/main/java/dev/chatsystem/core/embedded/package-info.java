/** The embedded write path and numbering: an in-process group-commit writer over the store and the index. */
package dev.chatsystem.core.embedded;
