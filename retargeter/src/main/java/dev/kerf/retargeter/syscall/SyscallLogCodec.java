package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.UserModeMachine;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.SectionInput;
import dev.kerf.slicer.SectionOutput;
import dev.kerf.slicer.process.ProcessSliceCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The only code that knows the bytes of a syscall log's two sections (docs/formats.md §10). All
 * integers little-endian; Page, Registers and the image as in a process slice (§9.6).
 *
 * <pre>
 * SYSCALL_IMAGE (48) exactly PROCESS_IMAGE's grammar: the process when the source slice started
 * SYSCALL_LOG   (49) N u32 | N x Call | A u32 | A x Async | End
 * Call   = Vector u8 | Nr u32 | K x Arg u32 | Returned u8 (0|1) | Result u32 (0 unless returned)
 *          | I u8 (0..K) | I x (Arg u8 (0..K-1) | Cut u8 (0|1) | Len u32 (0..2^20) | Len bytes)   bytes passed in
 *          | M u32 | M x Page | U u32 | U x PageNumber u32 | W u32 | W x CallWrite | Regs
 * CallWrite = Arg u8 (0..K-1: relative to that argument; 255: absolute) | Offset u32 | Len u32 (1..2^24) | Len bytes
 * Async  = BeforeCall u32 (non-decreasing, at most N) | CauseLen u16 | Cause (UTF-8)
 *          | M u32 | M x Page | U u32 | U x PageNumber u32 | W u32 | W x (Address u32 | Len u32 | bytes) | Regs
 * Regs   = Has u8 (0|1) | Has x Registers (40 bytes)
 * SYSCALL_SEGMENTS (50) only when the image has loadable descriptors or a call or effect changed one or a segment register:
 *          D u32 | D x Descriptor   the image's, then for each call that returned, then for each Async, in order:
 *          C u32 | C x Descriptor | S u8 (0|1) | S x 24 x u32 segments (as the image's)
 * Descriptor = Index u16 (1..255, ascending) | Low u32 | High u32   (as PROCESS_SEGMENTS, docs/formats.md §9.6)
 * End    = Kind u8 (1 exit, 2 fault, 3 end of slice or killed in user code, 4 end of slice inside the last call)
 *          | Vector u8 | ErrorCode u32 | Eip u32 | Cr2 u32   (fault only; zeros, ErrorCode 0xFFFFFFFF, otherwise)
 * </pre>
 * Only the last call may have Returned = 0, and then End is 1 or 4; otherwise End is 2 or 3.
 * K, the argument registers per call, is the guest's ({@link SyscallAbi#argCount}): 5 for the
 * example OS, 6 for Linux, as the header parameter {@code guest} says ({@code kerf} when absent).
 */
public final class SyscallLogCodec {
    private static final int MAX_WRITE = 1 << 24;
    /** The header parameter naming the guest whose ABI the calls follow ({@link SyscallAbi#guest}). */
    public static final String GUEST = "guest";

    private SyscallLogCodec() {}

    /** Adds the two sections of {@code log} to {@code writer}. */
    public static void write(SyscallLog log, SliceWriter writer) {
        writer.add(SectionType.SYSCALL_IMAGE, ProcessSliceCodec.image(log.image()));
        SectionOutput o = new SectionOutput().u32(log.calls().size());
        for (SyscallCall c : log.calls()) call(o, c);
        o.u32(log.async().size());
        for (AsyncEffect a : log.async()) async(o, a);
        ProcessEnd e = log.end();
        o.u8(e.kind().code()).u8(e.vector()).u32(e.errorCode()).u32(e.eip()).u32(e.cr2());
        writer.add(SectionType.SYSCALL_LOG, o.toByteArray());
        boolean needed = !log.image().descriptors().isEmpty();
        for (SyscallCall c : log.calls()) needed |= c.changesSegments();
        for (AsyncEffect a : log.async()) needed |= !a.descriptors().isEmpty() || a.segments() != null;
        if (!needed) return; // the example OS's logs: the file is as minor 1 wrote it
        SectionOutput s = new SectionOutput();
        descriptors(s, log.image().descriptors());
        for (SyscallCall c : log.calls()) {
            if (c.returned()) segmentChanges(s, c.descriptors(), c.segments());
        }
        for (AsyncEffect a : log.async()) segmentChanges(s, a.descriptors(), a.segments());
        writer.add(SectionType.SYSCALL_SEGMENTS, s.toByteArray());
    }

    private static void descriptors(SectionOutput o, List<Descriptor> ds) {
        o.u32(ds.size());
        for (Descriptor d : ds) o.u16(d.index()).u32(d.low()).u32(d.high());
    }

    private static void segmentChanges(SectionOutput o, List<Descriptor> ds, int[] segments) {
        descriptors(o, ds);
        o.u8(segments == null ? 0 : 1);
        if (segments != null) for (int v : segments) o.u32(v);
    }

    private static List<Descriptor> descriptors(SectionInput in) {
        int n = in.count(10);
        List<Descriptor> out = new ArrayList<>(n);
        int last = 0;
        for (int i = 0; i < n; i++) {
            int index = in.u16(), low = in.u32(), high = in.u32();
            if (index < 1 || index >= UserModeMachine.GDT_ENTRIES || index <= last) {
                throw in.fail("descriptor index " + index + " (1.." + (UserModeMachine.GDT_ENTRIES - 1) + ", ascending)");
            }
            last = index;
            out.add(new Descriptor(index, low, high));
        }
        return out;
    }

    /** The segment registers after a flag, or null; selectors checked as the image's are. */
    private static int[] segments(SectionInput in) {
        int flag = in.u8();
        if (flag > 1) throw in.fail("segments flag " + flag);
        if (flag == 0) return null;
        int[] s = new int[24];
        for (int i = 0; i < 24; i++) {
            s[i] = in.u32();
            if (i % 4 == 0 && !UserModeMachine.supportsSelector(s[i])) throw in.fail("selector 0x" + Integer.toHexString(s[i]) + " this kerf cannot give a process");
        }
        return s;
    }

    private static void call(SectionOutput o, SyscallCall c) {
        o.u8(c.vector()).u32(c.nr());
        for (int a : c.args()) o.u32(a);
        o.u8(c.returned() ? 1 : 0).u32(c.result()).u8(c.inputs().size());
        for (CallInput in : c.inputs()) o.u8(in.arg()).u8(in.cut() ? 1 : 0).u32(in.bytes().length).bytes(in.bytes());
        mappings(o, c.mapped(), c.unmapped());
        o.u32(c.writes().size());
        for (CallWrite w : c.writes()) o.u8(w.arg()).u32(w.offset()).u32(w.bytes().length).bytes(w.bytes());
        registers(o, c.registers());
    }

    private static void async(SectionOutput o, AsyncEffect a) {
        byte[] cause = a.cause().getBytes(StandardCharsets.UTF_8);
        o.u32(a.beforeCall()).u16(cause.length).bytes(cause);
        mappings(o, a.mapped(), a.unmapped());
        o.u32(a.writes().size());
        for (MemoryWrite w : a.writes()) o.u32(w.address()).u32(w.bytes().length).bytes(w.bytes());
        registers(o, a.registers());
    }

    private static void mappings(SectionOutput o, List<PageMapping> mapped, List<Integer> unmapped) {
        o.u32(mapped.size());
        for (PageMapping m : mapped) o.u32(m.page()).u8(m.writable() ? 1 : 0);
        o.u32(unmapped.size());
        for (int p : unmapped) o.u32(p);
    }

    private static void registers(SectionOutput o, UserRegisters r) {
        if (r == null) o.u8(0);
        else o.u8(1).bytes(r.bytes());
    }

    /** Reads the log out of a checked slice file of kind syscalls (FormatException naming file and offset on any problem). */
    public static SyscallLog read(Slice file) {
        Object guest = file.header().parameters().get(GUEST);
        SyscallAbi abi = guest == null || guest instanceof String ? SyscallAbi.of((String) guest) : null;
        SectionInput im = new SectionInput(file, file.only(SectionType.SYSCALL_IMAGE));
        ProcessImage image;
        try {
            image = ProcessSliceCodec.image(im);
        } catch (IllegalArgumentException e) {
            throw im.fail(e.getMessage());
        }
        im.end();
        SectionInput in = new SectionInput(file, file.only(SectionType.SYSCALL_LOG));
        if (abi == null) throw in.fail("the header's parameter \"" + GUEST + "\" is " + guest + ", a guest this kerf does not know (kerf or linux)");
        int n = in.count(24 + 4 * abi.argCount()); // the smallest call: no inputs, effects or registers
        List<SyscallCall> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) calls.add(call(in, i == n - 1, abi.argCount()));
        int na = in.count(19);
        List<AsyncEffect> async = new ArrayList<>(na);
        int last = 0;
        for (int i = 0; i < na; i++) {
            AsyncEffect a = async(in, n);
            if (a.beforeCall() < last) throw in.fail("asynchronous effect " + i + " goes back to call " + a.beforeCall());
            last = a.beforeCall();
            async.add(a);
        }
        ProcessEnd end = end(in);
        in.end();
        if (!file.all(SectionType.SYSCALL_SEGMENTS).isEmpty()) {
            SectionInput sg = new SectionInput(file, file.only(SectionType.SYSCALL_SEGMENTS));
            image = image.withDescriptors(descriptors(sg));
            for (int i = 0; i < calls.size(); i++) {
                SyscallCall c = calls.get(i);
                if (!c.returned()) continue;
                List<Descriptor> ds = descriptors(sg);
                int[] s = segments(sg);
                calls.set(i, new SyscallCall(c.vector(), c.nr(), c.args(), c.inputs(), true, c.result(), c.mapped(), c.unmapped(), c.writes(),
                        c.registers(), ds, s));
            }
            for (int i = 0; i < async.size(); i++) {
                AsyncEffect a = async.get(i);
                List<Descriptor> ds = descriptors(sg);
                int[] s = segments(sg);
                async.set(i, new AsyncEffect(a.beforeCall(), a.cause(), a.mapped(), a.unmapped(), a.writes(), a.registers(), ds, s));
            }
            sg.end();
        }
        try {
            return new SyscallLog(abi, image, calls, async, end);
        } catch (IllegalArgumentException e) {
            throw in.fail(e.getMessage());
        }
    }

    private static SyscallCall call(SectionInput in, boolean last, int k) {
        int vector = in.u8(), nr = in.u32();
        int[] args = new int[k];
        for (int i = 0; i < k; i++) args[i] = in.u32();
        int returned = in.u8();
        int result = in.u32();
        if (returned > 1 || returned == 0 && !last) throw in.fail("returned flag " + returned + (last ? "" : " on a call that is not the last"));
        int ni = in.u8();
        if (ni > k) throw in.fail(ni + " inputs for " + k + " arguments");
        List<CallInput> inputs = new ArrayList<>(ni);
        for (int i = 0; i < ni; i++) {
            int arg = in.u8(), cut = in.u8(), len = in.u32();
            if (arg >= k || cut > 1 || len < 0 || len > CallArguments.MAX_INPUT) throw in.fail("input of argument " + arg + ": cut " + cut + ", "
                    + Integer.toUnsignedString(len) + " bytes");
            inputs.add(new CallInput(arg, in.bytes(len), cut == 1));
        }
        List<PageMapping> mapped = ProcessSliceCodec.pages(in);
        List<Integer> unmapped = unmapped(in);
        int nw = in.count(9);
        List<CallWrite> writes = new ArrayList<>(nw);
        for (int i = 0; i < nw; i++) {
            int arg = in.u8(), offset = in.u32(), len = in.u32();
            if (arg >= k && arg != CallWrite.ABSOLUTE || len <= 0 || len > MAX_WRITE
                    || arg == CallWrite.ABSOLUTE && Integer.toUnsignedLong(offset) + len > 0x1_0000_0000L) {
                throw in.fail("write of " + Integer.toUnsignedString(len) + " bytes at argument " + arg + " offset 0x" + Integer.toHexString(offset));
            }
            writes.add(new CallWrite(arg, offset, in.bytes(len)));
        }
        UserRegisters regs = registers(in);
        if (returned == 0 && (result != 0 || !mapped.isEmpty() || !unmapped.isEmpty() || !writes.isEmpty() || regs != null)) {
            throw in.fail("a call that did not return has effects");
        }
        return new SyscallCall(vector, nr, args, inputs, returned == 1, result, mapped, unmapped, writes, regs);
    }

    private static AsyncEffect async(SectionInput in, int calls) {
        int before = in.u32();
        if (before < 0 || before > calls) throw in.fail("asynchronous effect before call " + Integer.toUnsignedString(before) + " of " + calls);
        String cause = new String(in.bytes(in.u16()), StandardCharsets.UTF_8);
        List<PageMapping> mapped = ProcessSliceCodec.pages(in);
        List<Integer> unmapped = unmapped(in);
        int nw = in.count(9);
        List<MemoryWrite> writes = new ArrayList<>(nw);
        for (int i = 0; i < nw; i++) {
            int address = in.u32(), len = in.u32();
            if (len <= 0 || len > MAX_WRITE || Integer.toUnsignedLong(address) + len > 0x1_0000_0000L) {
                throw in.fail("write of " + Integer.toUnsignedString(len) + " bytes at 0x" + Integer.toHexString(address));
            }
            writes.add(new MemoryWrite(address, in.bytes(len)));
        }
        return new AsyncEffect(before, cause, mapped, unmapped, writes, registers(in));
    }

    private static List<Integer> unmapped(SectionInput in) {
        int n = in.count(4);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int p = in.u32();
            if (p < 0 || p >= (1 << 20)) throw in.fail("unmapped page " + p);
            out.add(p);
        }
        return out;
    }

    private static UserRegisters registers(SectionInput in) {
        int has = in.u8();
        if (has > 1) throw in.fail("registers flag " + has);
        return has == 1 ? new UserRegisters(in.bytes(UserRegisters.SIZE)) : null;
    }

    private static ProcessEnd end(SectionInput in) {
        int code = in.u8();
        ProcessEnd.Kind kind = ProcessEnd.Kind.of(code);
        if (kind == null) throw in.fail("unknown end kind " + code);
        int vector = in.u8(), error = in.u32(), eip = in.u32(), cr2 = in.u32();
        if (kind != ProcessEnd.Kind.FAULT && (vector != 0 || error != -1 || eip != 0 || cr2 != 0)) throw in.fail("end " + kind + " with fault fields");
        return new ProcessEnd(kind, vector, error, eip, cr2);
    }
}
