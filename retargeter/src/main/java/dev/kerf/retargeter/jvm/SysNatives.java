package dev.kerf.retargeter.jvm;

/**
 * What answers the host {@code kerf.Sys}'s calls on a thread (JVM-CONTRACT.md §1): the replay of a
 * log ({@link NativeReplay}), or a test's stand-in. Arguments arrive already checked.
 */
public interface SysNatives {
    int read(byte[] b, int off, int len);

    void write(byte[] b, int off, int len);

    void print(String s);

    long time();

    byte[] readFile(String path);
}
