package dev.kerf.slicer.privacy;

/**
 * The finished file still holds a secret: it must not be written. Checked on purpose, so no caller
 * can forget that a scan can fail. The message names the secret by index and origin and says
 * where it is — never the secret itself.
 */
public final class SecretLeakException extends Exception {
    private final int secret;
    private final String where;
    private final long offset;

    SecretLeakException(Secret secret, String where, long offset) {
        this(secret.toString(), secret.index(), where, offset);
    }

    /** A secret found by its fingerprint: {@code who} names it as the file it came from numbered it. */
    SecretLeakException(String who, int secret, String where, long offset) {
        super(who + " found in the finished file at " + where + String.format(" offset 0x%x", offset)
                + "; no file written", null, false, false);
        this.secret = secret;
        this.where = where;
        this.offset = offset;
    }

    /** Index of the secret in its {@link SecretSet}. */
    public int secret() { return secret; }

    /** {@code the raw file} or {@code decoded section NAME}. */
    public String where() { return where; }

    /** Byte offset in the raw file or in the decoded section. */
    public long offset() { return offset; }
}
