package dev.kerf.slicer.process;

import dev.kerf.slicer.SectionOutput;
import dev.kerf.slicer.SectionInput;
import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.KernelReturn;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.PageRun;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.UserModeMachine;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The only code that knows the bytes of a process slice's sections (docs/formats.md §9.6,
 * "Process slice"). All integers little-endian.
 *
 * <pre>
 * PROCESS_IMAGE   u32 pid, u16 n + n bytes name (UTF-8), u32 cr0, u32 cr4,
 *                 24 x u32 segments (ES CS SS DS FS GS: selector, base, limit, access),
 *                 u16 g + g x u8 user gate vectors, u32 r + r x (u32 first page, u32 count) supervisor runs,
 *                 40 bytes registers, u32 p + p x (u32 page, u8 flags: bit 0 writable) user pages,
 *                 u32 w + w x write                       (the pages' non-zero bytes)
 * PROCESS_EXITS   u32 t, then t x: u64 user icount, u8 kind, u8 returned (0|1), u32 register digest, then by kind:
 *                 1 syscall: u8 vector, u32 nr, 5 x u32 args;  2 fault: u8 vector, u32 error code (-1 none),
 *                 u32 eip, u32 cr2;  3 interrupt: u8 vector;  4 end: nothing
 * PROCESS_EFFECTS for each exit with returned = 1, in order: u32 m + m x (u32 page, u8 flags) mapped,
 *                 u32 u + u x u32 page unmapped, u32 w + w x write, 40 bytes registers
 * PROCESS_SEGMENTS (only when the slice has a descriptor or a changed segment register; absent: none)
 *                 u32 d + d x descriptor                  (GDT entries user code may load, beyond its segment registers')
 *                 then for each exit with returned = 1, in order: u32 c + c x descriptor (changed; all zero: cleared),
 *                 u8 s (0|1), s = 1: 24 x u32 segments as IRET left them (as PROCESS_IMAGE's)
 * descriptor      u16 GDT index (1..255), u32 bytes 0..3, u32 bytes 4..7
 * write           u32 linear address, u32 length n (1..2^24), n bytes
 * </pre>
 * Only the last exit may have returned = 0.
 */
public final class ProcessSliceCodec {
    static final int SYSCALL = 1, FAULT = 2, INTERRUPT = 3, END = 4;
    private static final int MAX_WRITE = 1 << 24;

    private ProcessSliceCodec() {}

    /** Adds the three sections of {@code slice} to {@code writer}. */
    public static void write(ProcessSlice slice, SliceWriter writer) {
        writer.add(SectionType.PROCESS_IMAGE, image(slice.start()));
        SectionOutput exits = new SectionOutput().u32(slice.transitions().size());
        SectionOutput effects = new SectionOutput();
        for (Transition t : slice.transitions()) {
            exit(exits, t);
            if (t.back() != null) effects(effects, t.back());
        }
        writer.add(SectionType.PROCESS_EXITS, exits.toByteArray());
        writer.add(SectionType.PROCESS_EFFECTS, effects.toByteArray());
        boolean segmentsNeeded = !slice.start().descriptors().isEmpty();
        for (Transition t : slice.transitions()) segmentsNeeded |= t.back() != null && t.back().changesSegments();
        if (!segmentsNeeded) return; // the example OS's slices: the file is as minor 1 wrote it
        SectionOutput seg = new SectionOutput();
        descriptors(seg, slice.start().descriptors());
        for (Transition t : slice.transitions()) {
            if (t.back() == null) continue;
            descriptors(seg, t.back().descriptors());
            int[] s = t.back().segments();
            seg.u8(s == null ? 0 : 1);
            if (s != null) for (int v : s) seg.u32(v);
        }
        writer.add(SectionType.PROCESS_SEGMENTS, seg.toByteArray());
    }

    private static void descriptors(SectionOutput o, List<Descriptor> ds) {
        o.u32(ds.size());
        for (Descriptor d : ds) o.u16(d.index()).u32(d.low()).u32(d.high());
    }

    private static List<Descriptor> descriptors(SectionInput in) {
        int n = in.count(10);
        List<Descriptor> out = new ArrayList<>(n);
        int last = 0;
        for (int i = 0; i < n; i++) {
            int at = in.position();
            int index = in.u16(), low = in.u32(), high = in.u32();
            if (index < 1 || index >= UserModeMachine.GDT_ENTRIES || index <= last) {
                throw in.failAt(at, "descriptor index " + index + " (1.." + (UserModeMachine.GDT_ENTRIES - 1) + ", ascending)");
            }
            last = index;
            out.add(new Descriptor(index, low, high));
        }
        return out;
    }

    private static int[] segments(SectionInput in) {
        int[] segments = new int[24];
        for (int i = 0; i < 24; i++) {
            int at = in.position();
            segments[i] = in.u32();
            if (i % 4 == 0 && !UserModeMachine.supportsSelector(segments[i])) {
                throw in.failAt(at, SEGMENT_NAMES[i / 4] + " selector 0x" + Integer.toHexString(segments[i])
                        + ": not a selector a process slice can hold (null, or a GDT entry below " + UserModeMachine.GDT_ENTRIES + ")");
            }
        }
        return segments;
    }

    /** PROCESS_IMAGE's bytes (the syscall log's SYSCALL_IMAGE holds the same). */
    public static byte[] image(ProcessImage im) {
        byte[] name = im.name().getBytes(StandardCharsets.UTF_8);
        SectionOutput o = new SectionOutput().u32(im.pid()).u16(name.length).bytes(name).u32(im.cr0()).u32(im.cr4());
        for (int v : im.segments()) o.u32(v);
        o.u16(im.userGates().length);
        for (int v : im.userGates()) o.u8(v);
        o.u32(im.supervisor().size());
        for (PageRun r : im.supervisor()) o.u32(r.first()).u32(r.count());
        o.bytes(im.registers().bytes());
        pages(o, im.pages());
        writes(o, im.contents());
        return o.toByteArray();
    }

    private static void pages(SectionOutput o, List<PageMapping> pages) {
        o.u32(pages.size());
        for (PageMapping m : pages) o.u32(m.page()).u8(m.writable() ? 1 : 0);
    }

    private static void writes(SectionOutput o, List<MemoryWrite> writes) {
        o.u32(writes.size());
        for (MemoryWrite w : writes) o.u32(w.address()).u32(w.bytes().length).bytes(w.bytes());
    }

    private static void exit(SectionOutput o, Transition t) {
        o.u64(t.userIcount());
        int returned = t.back() != null ? 1 : 0;
        UserExit e = t.exit();
        if (e instanceof UserExit.Syscall s) {
            o.u8(SYSCALL).u8(returned).u32(t.registerDigest()).u8(s.vector()).u32(s.nr());
            for (int a : s.args()) o.u32(a);
        } else if (e instanceof UserExit.Fault f) {
            o.u8(FAULT).u8(returned).u32(t.registerDigest()).u8(f.vector()).u32(f.errorCode()).u32(f.eip()).u32(f.cr2());
        } else if (e instanceof UserExit.Interrupt i) {
            o.u8(INTERRUPT).u8(returned).u32(t.registerDigest()).u8(i.vector());
        } else {
            o.u8(END).u8(returned).u32(t.registerDigest());
        }
    }

    private static void effects(SectionOutput o, KernelReturn back) {
        pages(o, back.mapped());
        o.u32(back.unmapped().size());
        for (int p : back.unmapped()) o.u32(p);
        writes(o, back.writes());
        o.bytes(back.registers().bytes());
    }

    /** Reads the process slice out of a checked slice file (FormatException naming file and offset on any problem). */
    public static ProcessSlice read(Slice file) {
        SectionInput im = new SectionInput(file, file.only(SectionType.PROCESS_IMAGE));
        ProcessImage image = image(im);
        im.end();
        SectionInput sg = file.all(SectionType.PROCESS_SEGMENTS).isEmpty() ? null
                : new SectionInput(file, file.only(SectionType.PROCESS_SEGMENTS));
        if (sg != null) image = image.withDescriptors(descriptors(sg));
        SectionInput ex = new SectionInput(file, file.only(SectionType.PROCESS_EXITS));
        SectionInput ef = new SectionInput(file, file.only(SectionType.PROCESS_EFFECTS));
        int n = ex.count(14);
        List<Transition> ts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long icount = ex.u64();
            int kind = ex.u8();
            int returned = ex.u8();
            int digest = ex.u32();
            if (returned > 1) throw ex.fail("returned flag " + returned);
            if (returned == 0 && i != n - 1) throw ex.fail("exit " + i + " never returns but is not the last");
            if (icount < 0 || !ts.isEmpty() && icount < ts.get(ts.size() - 1).userIcount()) throw ex.fail("user icount goes back");
            UserExit exit = exitOf(ex, kind);
            KernelReturn back = returned == 1 ? back(ef) : null;
            if (back != null && sg != null) {
                List<Descriptor> ds = descriptors(sg);
                int flag = sg.u8();
                if (flag > 1) throw sg.fail("segments flag " + flag);
                back = new KernelReturn(back.mapped(), back.unmapped(), back.writes(), back.registers(), ds, flag == 1 ? segments(sg) : null);
            }
            ts.add(new Transition(icount, exit, digest, back));
        }
        ex.end();
        ef.end();
        if (sg != null) sg.end();
        return new ProcessSlice(image, ts);
    }

    private static final String[] SEGMENT_NAMES = {"ES", "CS", "SS", "DS", "FS", "GS"};

    /** Reads PROCESS_IMAGE's grammar from {@code in} (the caller checks the section's end). */
    public static ProcessImage image(SectionInput in) {
        int pid = in.u32();
        String name = new String(in.bytes(in.u16()), StandardCharsets.UTF_8);
        int cr0 = in.u32(), cr4 = in.u32();
        int[] segments = segments(in);
        int[] gates = new int[in.u16()];
        for (int i = 0; i < gates.length; i++) gates[i] = in.u8();
        int nr = in.count(8);
        List<PageRun> runs = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            int first = in.u32(), count = in.u32();
            if (first < 0 || count <= 0 || (long) first + count > (1 << 20)) throw in.fail("supervisor run " + first + "+" + count);
            runs.add(new PageRun(first, count));
        }
        UserRegisters regs = new UserRegisters(in.bytes(UserRegisters.SIZE));
        return new ProcessImage(pid, name, cr0, cr4, segments, gates, runs, regs, pages(in), writes(in));
    }

    /** A list of page mappings as {@link #pages(SectionOutput, List)} writes it (shared with the syscall log's codec). */
    public static List<PageMapping> pages(SectionInput in) {
        int n = in.count(5);
        List<PageMapping> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int page = in.u32(), flags = in.u8();
            if (page < 0 || page >= (1 << 20) || flags > 1) throw in.fail("page entry " + page + " flags " + flags);
            out.add(new PageMapping(page, flags == 1));
        }
        return out;
    }

    private static List<MemoryWrite> writes(SectionInput in) {
        int n = in.count(9);
        List<MemoryWrite> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int address = in.u32(), length = in.u32();
            if (length <= 0 || length > MAX_WRITE || Integer.toUnsignedLong(address) + length > 0x1_0000_0000L) {
                throw in.fail("write of " + Integer.toUnsignedString(length) + " bytes at 0x" + Integer.toHexString(address));
            }
            out.add(new MemoryWrite(address, in.bytes(length)));
        }
        return out;
    }

    private static UserExit exitOf(SectionInput in, int kind) {
        switch (kind) {
            case SYSCALL -> {
                int vector = in.u8(), nr = in.u32();
                int[] args = new int[5];
                for (int i = 0; i < 5; i++) args[i] = in.u32();
                return new UserExit.Syscall(vector, nr, args);
            }
            case FAULT -> {
                return new UserExit.Fault(in.u8(), in.u32(), in.u32(), in.u32());
            }
            case INTERRUPT -> {
                return new UserExit.Interrupt(in.u8());
            }
            case END -> {
                return new UserExit.End();
            }
            default -> throw in.fail("unknown exit kind " + kind);
        }
    }

    private static KernelReturn back(SectionInput in) {
        List<PageMapping> mapped = pages(in);
        int nu = in.count(4);
        List<Integer> unmapped = new ArrayList<>(nu);
        for (int i = 0; i < nu; i++) {
            int p = in.u32();
            if (p < 0 || p >= (1 << 20)) throw in.fail("unmapped page " + p);
            unmapped.add(p);
        }
        List<MemoryWrite> writes = writes(in);
        return new KernelReturn(mapped, unmapped, writes, new UserRegisters(in.bytes(UserRegisters.SIZE)));
    }
}
