package javelin.softmmu.state;

/** A snapshot record that cannot be restored: names the component and the offending field. */
public final class SnapshotFormatException extends RuntimeException {
    private final String component;
    private final String field;

    public SnapshotFormatException(String component, String field, String problem) {
        super(component + "." + field + ": " + problem);
        this.component = component;
        this.field = field;
    }

    /** As the three-argument form, keeping the exception that showed the problem (a JSON binding error). */
    public SnapshotFormatException(String component, String field, String problem, Throwable cause) {
        super(component + "." + field + ": " + problem, cause);
        this.component = component;
        this.field = field;
    }

    public SnapshotFormatException(String component, String field) {
        this(component, field, "invalid value");
    }

    public String component() { return component; }

    public String field() { return field; }
}
