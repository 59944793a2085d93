package dev.kerf.retargeter.jvm;

/**
 * What answers the host {@code kerf.Sys}'s calls on a thread (JVM-CONTRACT.md §1): the replay of a
 * log (in the replay's child JVM, {@link ChildNatives}, which asks kerf), or a test's stand-in. Arguments arrive
 * already checked.
 */
public interface SysNatives {
    int read(byte[] b, int off, int len);

    void write(byte[] b, int off, int len);

    void print(String s);

    long time();

    byte[] readFile(String path);
}
