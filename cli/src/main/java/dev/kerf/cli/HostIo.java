package dev.kerf.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * Where commands read and write: the process's streams in real use, captured buffers in tests.
 *
 * @param in          the guest console's input (stdin)
 * @param out         the guest console's output and command results (stdout), raw bytes
 * @param err         kerf's own messages (stderr)
 * @param interactive true when {@code in} is the real stdin, so terminal handling may apply
 */
public record HostIo(InputStream in, OutputStream out, PrintWriter err, boolean interactive) {
    /** The process's streams; stdout unbuffered so the guest's output appears as it is written. */
    public static HostIo system() {
        return new HostIo(System.in, new FileOutputStream(FileDescriptor.out), new PrintWriter(System.err, true), true);
    }
}
