package dev.kerf.emulator.introspect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** strace-style lines: argument kinds, decoded strings, errno names, calls that never returned. */
class SyscallFormatTest {
    private static SyscallRecord call(int nr, int[] args, String[] strings, boolean returned, int result) {
        return new SyscallRecord(3, "echo", nr, args, 100, returned ? 200 : -1, returned, result, strings);
    }

    @Test
    void readShowsTheBytesItReturned() {
        SyscallRecord r = call(3, new int[] {0, 0xbffffda0, 128, 0, 0}, new String[] {null, "\"get alice\\n\"", null, null, null}, true, 10);
        assertThat(SyscallFormat.line(r)).isEqualTo("read(0, \"get alice\\n\", 128) = 10");
    }

    @Test
    void undecodedPointersAreHexAndErrorsAreNamed() {
        SyscallRecord r = call(5, new int[] {0x0804a000, 0x41, 0x1a4, 7, 7}, new String[5], true, -2);
        assertThat(SyscallFormat.line(r)).isEqualTo("open(0x804a000, 0x41, 0x1a4) = -2 ENOENT");
    }

    @Test
    void exitNeverReturnsAndUnknownCallsShowAllFiveRegisters() {
        assertThat(SyscallFormat.line(call(1, new int[] {3, 0, 0, 0, 0}, new String[5], false, 0))).isEqualTo("exit(3) = ?");
        assertThat(SyscallFormat.line(call(999, new int[] {1, 2, 3, 4, 0xffffffff}, new String[5], true, -38)))
                .isEqualTo("syscall_999(0x1, 0x2, 0x3, 0x4, 0xffffffff) = -38 ENOSYS");
        assertThat(SyscallFormat.line(call(2, new int[5], new String[5], true, 7))).isEqualTo("fork() = 7");
    }

    @Test
    void quotingEscapesControlBytesAndMarksTruncation() {
        assertThat(SyscallFormat.quote(new byte[] {'a', '"', '\\', 0, (byte) 0xff, '\t'}, true))
                .isEqualTo("\"a\\\"\\\\\\x00\\xff\\t\"...");
    }

    @Test
    void unquoteInvertsQuoteForEveryByteAndRefusesWhatQuoteNeverWrites() {
        java.util.Random r = new java.util.Random(13);
        for (int n = 0; n < 200; n++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            org.assertj.core.api.Assertions.assertThat(SyscallFormat.unquote(SyscallFormat.quote(b, false))).isEqualTo(b);
            org.assertj.core.api.Assertions.assertThat(SyscallFormat.unquote(SyscallFormat.quote(b, true))).isEqualTo(b);
        }
        for (String bad : new String[] {"", "\"", "abc", "\"\\\"", "\"\\q\"", "\"\\x4\"", "\"\\xzz\"", "\"\u0100\""}) {
            org.assertj.core.api.Assertions.assertThat(SyscallFormat.unquote(bad)).as(bad).isNull();
        }
    }
}
