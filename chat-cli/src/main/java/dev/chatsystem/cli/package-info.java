/**
 * The admin tool: {@link dev.chatsystem.cli.Main} wires one picocli command class per command to a
 * {@code ChatSystem}; {@code ExitCodes} maps failures to exit codes and {@code Output} renders tables or JSON.
 */
package dev.chatsystem.cli;
