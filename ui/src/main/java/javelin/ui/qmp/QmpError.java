package javelin.ui.qmp;

/**
 * A command failure as QMP reports it: an error class (QEMU's {@code QapiErrorClass}:
 * {@code GenericError}, {@code CommandNotFound}, {@code DeviceNotFound}) and a human-readable
 * description. Control flow, not a bug: built without a stack trace.
 */
final class QmpError extends RuntimeException {
    static final String GENERIC = "GenericError";
    static final String COMMAND_NOT_FOUND = "CommandNotFound";
    static final String DEVICE_NOT_FOUND = "DeviceNotFound";

    final String errorClass;

    QmpError(String errorClass, String desc) {
        super(desc, null, false, false);
        this.errorClass = errorClass;
    }

    static QmpError generic(String desc) {
        return new QmpError(GENERIC, desc);
    }
}
