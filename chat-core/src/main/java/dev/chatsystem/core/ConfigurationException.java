package dev.chatsystem.core;

/** The configuration is invalid or names an unusable combination of backends. */
public final class ConfigurationException extends ChatException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.CONFIGURATION;
    }
}
