package dev.kerf.retargeter.jvm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.AccessController;
import java.security.Permission;
import java.security.PrivilegedAction;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * The replay child's side of {@code kerf.Sys} ({@link SandboxMain}): each call is sent to kerf
 * with the caller's position and the bytes written, and answered by kerf from the log
 * ({@link ReplayProtocol}). It decides nothing: kerf checks the call and replies with the logged
 * result or "stop". The child also reports through here how the program ended, a refusal of the
 * sandbox and a log that cannot be replayed; after any report but a native call the child halts.
 */
final class ChildNatives implements SysNatives {
    private final DataOutputStream out;
    /** kerf's replies not yet taken (one at most: a native call waits for its own), guarded by itself. */
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();
    private final Set<String> programClasses;

    /** One answer from kerf: {@code stop}, or a native's result. */
    record Reply(boolean stop, long result, boolean isNull, byte[] data) {}

    ChildNatives(DataOutputStream out, Set<String> programClasses) {
        this.out = out;
        this.programClasses = programClasses;
    }

    /** Reads kerf's replies until its end of them, on a thread of the child's own; then the child halts. */
    void readReplies(DataInputStream in) {
        try {
            while (true) {
                int type = in.read();
                Reply r;
                if (type == ReplayProtocol.STOP) r = new Reply(true, 0, false, new byte[0]);
                else if (type == ReplayProtocol.OK) {
                    long result = in.readLong();
                    boolean isNull = in.readBoolean();
                    r = new Reply(false, result, isNull, ReplayProtocol.readBlob(in, Integer.MAX_VALUE));
                } else break;
                synchronized (replies) {
                    replies.add(r);
                    replies.notifyAll();
                }
            }
        } catch (IOException e) {
            // kerf is gone: nothing is left to report to
        }
        halt();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Reply r = call(NativeKind.READ, null, len);
        byte[] d = r.data();
        if (d.length > len) halt();
        System.arraycopy(d, 0, b, off, d.length);
        return (int) r.result();
    }

    @Override
    public void write(byte[] b, int off, int len) {
        byte[] d = new byte[len];
        System.arraycopy(b, off, d, 0, len);
        call(NativeKind.WRITE, d, 0);
    }

    @Override
    public void print(String s) {
        call(NativeKind.PRINT, CharBytes.of(s), 0);
    }

    @Override
    public long time() {
        return call(NativeKind.TIME, null, 0).result();
    }

    @Override
    public byte[] readFile(String path) {
        Reply r = call(NativeKind.READ_FILE, null, 0);
        return r.isNull() ? null : r.data();
    }

    /**
     * Sends the call and waits for kerf's answer, with kerf's rights only: the JDK classes this
     * uses may read properties when first initialised, which must not count as the program's doing.
     */
    @SuppressWarnings("removal")
    private Reply call(NativeKind kind, byte[] written, int room) {
        return AccessController.doPrivileged(new Call(this, kind, written, room));
    }

    private record Call(ChildNatives natives, NativeKind kind, byte[] written, int room) implements PrivilegedAction<Reply> {
        @Override
        public Reply run() {
            return natives.send(kind, written, room);
        }
    }

    private Reply send(NativeKind kind, byte[] written, int room) {
        StackWalker.StackFrame f = CallerFrame.ofSysCall();
        synchronized (out) {
            try {
                out.writeByte(ReplayProtocol.NATIVE);
                out.writeByte(kind.code());
                ReplayProtocol.writeText(out, f.getClassName());
                ReplayProtocol.writeText(out, f.getMethodName());
                ReplayProtocol.writeText(out, f.getDescriptor());
                out.writeInt(f.getByteCodeIndex());
                if (kind == NativeKind.READ) out.writeInt(room);
                if (written != null) ReplayProtocol.writeBlob(out, written);
                out.flush();
            } catch (IOException e) {
                halt(); // kerf is gone
            }
        }
        Reply r = take();
        if (r.stop()) halt();
        return r;
    }

    /** The program ended: its exit status and uncaught exception (null, or its type and minijvm's text of it). */
    void end(int status, String type, String text) {
        byte[] bytes = text == null ? null : CharBytes.of(text);
        boolean latin1 = text == null || CharBytes.text(bytes).equals(text);
        synchronized (out) {
            try {
                out.writeByte(ReplayProtocol.END);
                out.writeByte(status);
                out.writeBoolean(text != null);
                if (text != null) {
                    ReplayProtocol.writeText(out, type);
                    out.writeBoolean(latin1);
                    ReplayProtocol.writeBlob(out, bytes);
                }
                out.flush();
            } catch (IOException e) {
                // kerf is gone
            }
        }
        halt();
    }

    /** The log cannot be replayed (a class it lacks is used, a class the host refuses...): {@code message} names it. */
    @SuppressWarnings("removal")
    void fail(String message) {
        AccessController.doPrivileged(new Fail(this, message));
    }

    private record Fail(ChildNatives natives, String message) implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            natives.sendFailure(message);
            return null;
        }
    }

    private void sendFailure(String message) {
        synchronized (out) {
            try {
                out.writeByte(ReplayProtocol.ERROR);
                ReplayProtocol.writeText(out, message);
                out.flush();
            } catch (IOException e) {
                // kerf is gone
            }
        }
        halt();
    }

    /**
     * The sandbox refused {@code p} to the program: reported with the program's innermost frame,
     * then the child halts, so a program that catches the SecurityException gets no further.
     */
    void refused(Permission p) {
        String where = CallerFrame.innermostOf(programClasses);
        synchronized (out) {
            try {
                out.writeByte(ReplayProtocol.REFUSED);
                ReplayProtocol.writeText(out, p.getClass().getName());
                ReplayProtocol.writeText(out, String.valueOf(p.getName()));
                ReplayProtocol.writeText(out, String.valueOf(p.getActions()));
                ReplayProtocol.writeText(out, where == null ? "" : where);
                out.flush();
            } catch (IOException e) {
                // kerf is gone
            }
        }
        halt();
    }

    /** The next reply; the program cannot cut the wait short by interrupting its own thread. */
    private Reply take() {
        boolean interrupted = false;
        try {
            synchronized (replies) {
                while (replies.isEmpty()) {
                    try {
                        replies.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                return replies.remove();
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the child at once (no shutdown hooks, no finalizers), with the rights of kerf's code
     * only: a program frame below does not make it a check the sandbox refuses.
     */
    @SuppressWarnings("removal")
    static void halt() {
        AccessController.doPrivileged(new Halt());
        throw new IllegalStateException("not reached");
    }

    private static final class Halt implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            Runtime.getRuntime().halt(0);
            return null;
        }
    }
}
