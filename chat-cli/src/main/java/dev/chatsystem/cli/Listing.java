package dev.chatsystem.cli;

import java.util.List;

/**
 * One page of a list as printed by {@code --json}.
 *
 * @param items the rows
 * @param nextAfter what to pass to {@code --after} for the next page, null on the last page
 */
record Listing(List<?> items, Object nextAfter) {}
