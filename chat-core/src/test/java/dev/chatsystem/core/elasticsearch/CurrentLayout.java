package dev.chatsystem.core.elasticsearch;

/**
 * The layout this code writes its documents in ({@link MessageDocuments#LAYOUT}), for tests outside the package that
 * expect what health says of an older one: written out by hand, their sentence would go stale at the next layout.
 */
public final class CurrentLayout {
    public static final int VERSION = Integer.parseInt(MessageDocuments.LAYOUT);

    private CurrentLayout() {}
}
