package dev.kerf.emulator.introspect;

/**
 * Decodes the memory arguments of a few calls through the caller's page tables, at the moments
 * they are meaningful: paths and written bytes at entry, bytes read at return. At most
 * {@link #MAX_BYTES} bytes of a buffer are shown (strace's default), then {@code ...}.
 */
final class SyscallDecoder {
    static final int MAX_BYTES = 32;
    private static final int MAX_PATH = 256;
    private static final int READ = 3, WRITE = 4;
    private final GuestMemory memory;

    SyscallDecoder(GuestMemory memory) {
        this.memory = memory;
    }

    /** Strings for the arguments of kind {@code s} other than read's buffer. */
    String[] atEntry(int cr3, int nr, int[] args) {
        String[] out = new String[args.length];
        String kinds = SyscallFormat.kinds(nr);
        if (kinds == null) return out;
        for (int i = 0; i < kinds.length(); i++) {
            if (kinds.charAt(i) != 's' || nr == READ) continue;
            out[i] = nr == WRITE ? buffer(cr3, args[i], args[i + 1]) : path(cr3, args[i]);
        }
        return out;
    }

    /** The strings of {@code call}, with read's buffer filled in from the bytes it returned. */
    String[] atReturn(int cr3, SyscallRecord call, int result) {
        String[] out = call.strings();
        if (call.nr() == READ && result >= 0) out[1] = buffer(cr3, call.arg(1), result);
        return out;
    }

    private String path(int cr3, int va) {
        String s = memory.virtualCString(cr3, va, MAX_PATH + 1);
        if (s == null) return null;
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean cut = bytes.length > MAX_PATH;
        return SyscallFormat.quote(cut ? java.util.Arrays.copyOf(bytes, MAX_PATH) : bytes, cut);
    }

    private String buffer(int cr3, int va, int length) {
        if (length < 0) return null;
        int shown = Math.min(length, MAX_BYTES);
        byte[] bytes = memory.virtualBytes(cr3, va, shown);
        if (bytes == null || bytes.length < shown) return null;
        return SyscallFormat.quote(bytes, length > MAX_BYTES);
    }
}
