package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Syscall logs of i386 Linux processes: six argument registers, Linux's table and strace's spelling, the initial stack's auxv, brk. */
class LinuxSyscallAbiTest {
    private static final SyscallAbi LINUX = SyscallAbi.linux();

    private static SyscallCall call(int nr, int[] args, List<CallInput> in, int result, List<CallWrite> writes) {
        return new SyscallCall(0x80, nr, args, in, true, result, List.of(), List.of(), writes, null);
    }

    @Test
    void callsAreShownInStracesSpellingFromTheLinuxTable() {
        SyscallCall openat = call(295, new int[] {-100, 0xbf9cdf92, 0, 0, 0x80ebff4, 0},
                List.of(new CallInput(1, "/home/customer/big-order.txt".getBytes(StandardCharsets.US_ASCII), false)), 3, List.of());
        assertThat(LINUX.line(openat)).isEqualTo("openat(AT_FDCWD, \"/home/customer/big-order.txt\", O_RDONLY) = 3");
        SyscallCall read = call(3, new int[] {3, 0xbf9cc5ab, 1, 0, 0, 0}, List.of(), 1, List.of(new CallWrite(1, 0, "i".getBytes())));
        assertThat(LINUX.line(read)).isEqualTo("read(3, \"i\", 1) = 1");
        SyscallCall brk = call(45, new int[] {0, 0, 0, 0, 0, 0}, List.of(), 0x08f30000, List.of());
        assertThat(LINUX.line(brk)).isEqualTo("brk(NULL) = 0x8f30000");
        SyscallCall failed = call(355, new int[] {0x80efaa8, 4, 1, 0, 0, 0}, List.of(), -11, List.of());
        assertThat(LINUX.line(failed)).isEqualTo("getrandom(0x80efaa8, 4, GRND_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)");
        SyscallCall exit = new SyscallCall(0x80, 252, new int[] {1, 0, 0, 0, 0, 0}, List.of(), false, 0, List.of(), List.of(), List.of(), null);
        assertThat(LINUX.line(exit)).isEqualTo("exit_group(1) = ?");
        assertThat(LINUX.isExit(252)).isTrue();
        assertThat(SyscallAbi.KERF.name(295)).isEqualTo("syscall_295"); // the example OS has no openat
    }

    @Test
    void whatIsComparedAgainstARebuiltBinaryFollowsTheKinds() {
        assertThat(LINUX.argCount()).isEqualTo(6);
        assertThat(LINUX.isPointer(295, 1)).isTrue();    // openat's path
        assertThat(LINUX.isPassedIn(295, 1)).isTrue();
        assertThat(LINUX.isPointer(295, 2)).isFalse();   // its flags: compared by value
        assertThat(LINUX.isFilled(3, 1)).isTrue();       // read's buffer
        assertThat(LINUX.isCounted(4, 1)).isTrue();      // write's buffer: count bytes
        assertThat(LINUX.isUsed(3, 3)).isFalse();        // read has three arguments
        assertThat(LINUX.isUsed(17, 0)).isFalse();       // break: no entry point (always ENOSYS)
        assertThat(LINUX.isUsed(100000, 0)).isFalse();   // unknown numbers use no register
        assertThat(SyscallAbi.of(null)).isSameAs(SyscallAbi.KERF);
        assertThat(SyscallAbi.of("linux").guest()).isEqualTo("linux");
        assertThat(SyscallAbi.of("windows")).isNull();
    }

    static SyscallLog linuxLog() {
        SyscallLog kerf = SyscallLogCodecTest.sample();
        SyscallCall mmap2 = new SyscallCall(0x80, 192, new int[] {0, 0x2000, 3, 0x22, -1, 7}, List.of(), true, 0xb7f00000,
                List.of(new PageMapping(0xb7f00, true)), List.of(), List.of(new CallWrite(5, 0, new byte[] {1})), null);
        return new SyscallLog(LINUX, kerf.image(), List.of(mmap2), List.of(), ProcessEnd.of(ProcessEnd.Kind.END));
    }

    static byte[] file(SyscallLog log, Map<String, Object> params) {
        SliceWriter w = new SliceWriter(new SliceHeader(SliceKind.SYSCALLS, params, "0".repeat(64), "rec.kerf", 32 << 20, 1 << 20,
                List.of(), Map.of()));
        SyscallLogCodec.write(log, w);
        return w.finish();
    }

    @Test
    void aLinuxLogKeepsSixArgumentsAndItsHeaderNamesTheGuest() throws Exception {
        byte[] bytes = file(linuxLog(), Map.of("guest", "linux"));
        SyscallLog back = SyscallLogCodec.read(SliceReader.read(bytes, Path.of("l.ksys")));
        assertThat(back.abi().guest()).isEqualTo("linux");
        assertThat(back.calls().get(0).args()).containsExactly(0, 0x2000, 3, 0x22, -1, 7);
        assertThat(back.calls().get(0).writes().get(0).where()).isEqualTo("arg5+0");
        assertThat(LINUX.line(back.calls().get(0))).isEqualTo("mmap2(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 7) = 0xb7f00000");
        assertThat(file(back, Map.of("guest", "linux"))).isEqualTo(bytes);
        // read as the example OS's (no guest parameter), the same bytes no longer parse: never six arguments taken for five
        assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(file(linuxLog(), Map.of()), Path.of("l.ksys"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("l.ksys");
        assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(file(linuxLog(), Map.of("guest", "plan9")), Path.of("l.ksys"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("l.ksys").hasMessageContaining("plan9");
        assertThatThrownBy(() -> new SyscallLog(SyscallAbi.KERF, linuxLog().image(), linuxLog().calls(), List.of(), ProcessEnd.of(ProcessEnd.Kind.END)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 arguments");
    }

    @Test
    void theTlsDescriptorAndLoadedSegmentsTravelInTheirOwnSectionCheckedLikeTheRest() throws Exception {
        SyscallLog base = linuxLog();
        int[] segments = base.image().segments();
        segments[4 * 5] = (12 << 3) | 3; // GS: the TLS entry set_thread_area chose
        SyscallCall tls = new SyscallCall(0x80, 243, new int[] {0xbf9cc660, 0, 0, 0, 0, 0}, List.of(), true, 0, List.of(), List.of(),
                List.of(new CallWrite(0, 0, le(12))), null, List.of(new Descriptor(12, 0x0000ffff, 0x08cff308)), segments);
        AsyncEffect switched = new AsyncEffect(1, "interrupt 32", List.of(), List.of(), List.of(), null,
                List.of(new Descriptor(12, 0x0000ffff, 0x08cff309), new Descriptor(13, 0, 0)), null);
        SyscallLog log = new SyscallLog(LINUX, base.image(), List.of(tls, base.calls().get(0)), List.of(switched), ProcessEnd.of(ProcessEnd.Kind.END));
        byte[] bytes = file(log, Map.of("guest", "linux"));
        dev.kerf.formats.slice.Slice read = SliceReader.read(bytes, Path.of("t.ksys"));
        assertThat(read.all(dev.kerf.formats.slice.SectionType.SYSCALL_SEGMENTS)).hasSize(1);
        SyscallLog back = SyscallLogCodec.read(read);
        assertThat(back.calls().get(0).descriptors()).containsExactly(new Descriptor(12, 0x0000ffff, 0x08cff308));
        assertThat(back.calls().get(0).segments()).containsExactly(segments);
        assertThat(back.calls().get(1).changesSegments()).isFalse();
        assertThat(back.async().get(0).descriptors()).hasSize(2);
        assertThat(file(back, Map.of("guest", "linux"))).isEqualTo(bytes);
        // the example OS's logs never need the section: their bytes stay as before
        assertThat(SliceReader.read(SyscallLogCodecTest.file(SyscallLogCodecTest.sample()), Path.of("k.ksys"))
                .all(dev.kerf.formats.slice.SectionType.SYSCALL_SEGMENTS)).isEmpty();
        for (int cut = 0; cut < bytes.length; cut += 7) {
            byte[] b = java.util.Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(b, Path.of("t.ksys")))).as("cut at " + cut)
                    .isInstanceOf(FormatException.class).hasMessageContaining("t.ksys");
        }
    }

    @Test
    void aRebuiltProgramsOwnWritesToStdoutPassWhenAllowedAndOnlyThen() {
        // the log has only the read: the hand program's write(1, "hello", 5) is the rebuilt program's debug output
        SyscallCall read = call(3, new int[] {0, 0x08049010, 4, 0, 0, 0}, List.of(), 4, List.of(new CallWrite(1, 0, "ABCD".getBytes())));
        SyscallLog log = new SyscallLog(LINUX, SyscallReplayerTest.program(0x08049000), List.of(read), List.of(),
                new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, SyscallReplayerTest.FAULTING_EIP, 0x44434241));
        SyscallReplayResult strict = new SyscallReplayer(log, SyscallReplayerTest.program(0x0804A000), true, 1000).run();
        assertThat(strict.mismatch().message()).contains("syscall 0 (read) differs").contains("got write(1, \"hello\", 5)");
        SyscallReplayResult open = new SyscallReplayer(log, SyscallReplayerTest.program(0x0804A000), true, 1000).allowExtraOutput().run();
        assertThat(open.mismatch()).isNull();
        assertThat(open.extraWrites()).singleElement().satisfies(w -> {
            assertThat(w.beforeCall()).isZero();
            assertThat(w.fd()).isEqualTo(1);
            assertThat(new String(w.bytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        });
        assertThatThrownBy(() -> new SyscallReplayer(log, log.image(), false, 1000).allowExtraOutput()).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) b.putInt(w);
        return b.array();
    }

    /** A minimal ELF header and program header table: entry, two PT_LOADs (the first holds the headers at offset 0x34). */
    private static byte[] elf(int entry) {
        ByteBuffer b = ByteBuffer.allocate(0x34 + 2 * 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1}).position(16);
        b.putShort((short) 2).putShort((short) 3).putInt(1).putInt(entry).putInt(0x34).putInt(0).putInt(0)
                .putShort((short) 0x34).putShort((short) 32).putShort((short) 2);
        b.position(0x34);
        b.putInt(1).putInt(0).putInt(0x08048000).putInt(0x08048000).putInt(0x1000).putInt(0x1000).putInt(5).putInt(0x1000);
        b.putInt(1).putInt(0x1000).putInt(0x08049000).putInt(0x08049000).putInt(0x10).putInt(0x20).putInt(6).putInt(0x1000);
        return b.array();
    }

    @Test
    void theRebuiltProgramsStartSeesItsOwnHeadersAndEntryInTheAuxv() {
        int esp = 0xbffff000;
        // argc 1, argv[0], NULL, one env, NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_RANDOM, AT_ENTRY, AT_SYSINFO_EHDR, AT_NULL
        List<MemoryWrite> stack = new ArrayList<>(List.of(new MemoryWrite(esp, le(1, 0xbffff800, 0, 0xbffff810, 0,
                3, 0x08048034, 4, 32, 5, 9, 25, 0xbffff900, 9, 0x08049999, 33, 0xb7f12000, 0, 0))));
        assertThat(RebuiltImage.patchAuxv(elf(0x08048123), esp, 0xbffff, stack)).isEqualTo(0xb7f12000);
        ProcessImage img = new ProcessImage(1, "p", 0, 0, new int[24], new int[0], List.of(), SyscallLogCodecTest.sample().image().registers(),
                List.of(), stack);
        assertThat(auxv(img, esp + 20)).containsExactly(3, 0x08048034, 4, 32, 5, 2, 25, 0xbffff900, 9, 0x08048123, 33, 0xb7f12000);
        // an environment that runs to the top of the stack: no auxv after it
        List<MemoryWrite> noAuxv = new ArrayList<>(List.of(new MemoryWrite(esp, le(1, 0xbffff800, 0, 0xbffff810)),
                new MemoryWrite(esp + 16, filled(4080))));
        assertThatThrownBy(() -> RebuiltImage.patchAuxv(elf(0x08048123), esp, 0xbffff, noAuxv))
                .isInstanceOf(SyscallReplayException.class).hasMessageContaining("auxiliary vector");
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 1);
        return b;
    }

    /** Twelve words from {@code at}, later writes winning, as the replayer applies the image. */
    private static int[] auxv(ProcessImage img, int at) {
        byte[] mem = new byte[48];
        for (MemoryWrite w : img.contents()) {
            for (int i = 0; i < w.bytes().length; i++) {
                long a = Integer.toUnsignedLong(w.address()) + i - Integer.toUnsignedLong(at);
                if (a >= 0 && a < 48) mem[(int) a] = w.bytes()[i];
            }
        }
        int[] out = new int[12];
        ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    @Test
    void aRebuiltLinuxProgramsHeapStartsWhereTheRecordedBreakWas() {
        ProcessImage image = SyscallReplayerTest.program(0x0804A000);
        SyscallCall brk0 = call(45, new int[] {0, 0, 0, 0, 0, 0}, List.of(), 0x08f30000, List.of());
        SyscallCall grow = call(45, new int[] {0x08f52000, 0, 0, 0, 0, 0}, List.of(), 0x08f52000, List.of());
        SyscallLog linux = new SyscallLog(LINUX, image, List.of(brk0, grow), List.of(), ProcessEnd.of(ProcessEnd.Kind.END));
        RebuiltLayout l = RebuiltLayout.of(image, linux);
        assertThat(l.heapStart()).isEqualTo(0x08f30000);
        assertThat(l.heapPages()).isGreaterThanOrEqualTo(0x22); // the 34 pages the recorded heap grew to
        SyscallCall kerfBrk = new SyscallCall(0x80, 45, new int[] {0, 0, 0, 0, 0}, List.of(), true, 0x08f30000, List.of(), List.of(), List.of(), null);
        SyscallLog kerf = new SyscallLog(SyscallAbi.KERF, image, List.of(kerfBrk), List.of(), ProcessEnd.of(ProcessEnd.Kind.END));
        assertThat(RebuiltLayout.of(image, kerf).heapStart()).isEqualTo(0x0804B000); // the example OS: right after the program
    }

    @Test
    void demandPagingOutsideTheRebuiltProgramIsAppliedInsideItSkipped() {
        // the hand program's write and read as Linux calls; before the write the kernel paged in a vDSO-like page and the
        // recorded program's data page (other bytes than the rebuilt one's): only the first may reach the rebuilt program
        SyscallCall write = call(4, new int[] {1, 0x08049000, 5, 0, 0, 0}, List.of(new CallInput(1, "hello".getBytes(), false)), 5, List.of());
        SyscallCall read = call(3, new int[] {0, 0x08049010, 4, 0, 0, 0}, List.of(), 4, List.of(new CallWrite(1, 0, "ABCD".getBytes())));
        AsyncEffect vdso = new AsyncEffect(0, "page fault", List.of(new PageMapping(0xb7f13, false)), List.of(),
                List.of(new MemoryWrite(0xb7f13000, new byte[] {(byte) 0xCD, (byte) 0x80, (byte) 0xC3})), null);
        AsyncEffect data = new AsyncEffect(0, "page fault", List.of(new PageMapping(0x0804A, true)), List.of(),
                List.of(new MemoryWrite(0x0804A000, "XXXXX".getBytes())), null);
        SyscallLog log = new SyscallLog(LINUX, SyscallReplayerTest.program(0x08049000), List.of(write, read), List.of(vdso, data),
                new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, SyscallReplayerTest.FAULTING_EIP, 0x44434241));
        SyscallReplayResult rebuilt = new SyscallReplayer(log, SyscallReplayerTest.program(0x0804A000), true, 1000).run();
        assertThat(rebuilt.mismatch()).as("the rebuilt program writes its own \"hello\", not the recorded page's bytes").isNull();
        assertThat(rebuilt.callsMatched()).isEqualTo(2);
        // an asynchronous change to a page that was there already is not demand paging: still refused
        AsyncEffect signal = new AsyncEffect(0, "interrupt 32", List.of(), List.of(), List.of(new MemoryWrite(0x0804A000, "Y".getBytes())), null);
        SyscallLog changed = new SyscallLog(LINUX, log.image(), log.calls(), List.of(signal), log.end());
        assertThat(new SyscallReplayer(changed, SyscallReplayerTest.program(0x0804A000), true, 1000).run().mismatch().message())
                .contains("not replayable at the syscall level against a rebuilt binary");
    }
}
