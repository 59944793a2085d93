package dev.kerf.slicer.component;

import dev.kerf.slicer.SectionOutput;
import dev.kerf.slicer.SectionInput;
import dev.kerf.emulator.kernelmode.PortLog;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The sections of a component slice (docs/formats.md §9.8), little-endian:
 * <pre>
 * COMPONENT_CODE    u32 cr0, u32 cr4, 24 x u32 segments, runs
 * COMPONENT_ENTRIES u32 n, n x { u32 pid, 40 bytes registers, u32 return address, runs (first loads) }
 * COMPONENT_RESULTS u32 n, n x { u8 end, u64 instructions, u32 eax, [FAULTED: u32 vector, error, eip, cr2], runs (writes) }
 * COMPONENT_PORTS   (kernel components only) u32 n, n x { u32 accesses, accesses x { u8 kind (0 in, 1 out), u8 size, u16 port },
 *                   u32 input bytes, the IN values, u32 output bytes, the OUT values }
 * COMPONENT_SEGMENTS (only when an activation ran with other segment registers than COMPONENT_CODE's, minor 2)
 *                   n x { u8 flag (0: COMPONENT_CODE's, 1: its own), flag 1: 24 x u32 segments }
 * runs: u32 count, count x { u32 address, u32 length, length bytes }
 * </pre>
 * A slice is a kernel component's exactly when it has a COMPONENT_PORTS section.
 */
final class ComponentSliceCodec {
    private ComponentSliceCodec() {}

    static void write(ComponentSlice s, SliceWriter writer) {
        ComponentImage img = s.image();
        SectionOutput code = new SectionOutput().u32(img.cr0()).u32(img.cr4());
        for (int v : img.segments()) code.u32(v);
        runs(code, img.code());
        SectionOutput entries = new SectionOutput().u32(s.activations().size());
        SectionOutput results = new SectionOutput().u32(s.activations().size());
        for (ComponentActivation a : s.activations()) {
            entries.u32(a.pid()).bytes(a.entry().bytes()).u32(a.returnAddress());
            runs(entries, a.loads());
            results.u8(a.end().ordinal()).u64(a.instructions()).u32(a.eax());
            if (a.fault() != null) results.u32(a.fault().vector()).u32(a.fault().errorCode()).u32(a.fault().eip()).u32(a.fault().cr2());
            runs(results, a.writes());
        }
        writer.add(SectionType.COMPONENT_CODE, code.toByteArray());
        writer.add(SectionType.COMPONENT_ENTRIES, entries.toByteArray());
        writer.add(SectionType.COMPONENT_RESULTS, results.toByteArray());
        if (s.kernel()) writer.add(SectionType.COMPONENT_PORTS, ports(s.ports()));
        if (s.activations().stream().anyMatch(a -> a.segments() != null)) {
            SectionOutput segs = new SectionOutput();
            for (ComponentActivation a : s.activations()) {
                int[] v = a.segments();
                segs.u8(v == null ? 0 : 1);
                if (v != null) for (int x : v) segs.u32(x);
            }
            writer.add(SectionType.COMPONENT_SEGMENTS, segs.toByteArray());
        }
    }

    private static byte[] ports(List<PortLog> logs) {
        SectionOutput out = new SectionOutput().u32(logs.size());
        for (PortLog p : logs) {
            out.u32(p.count());
            for (int i = 0; i < p.count(); i++) out.u8(p.isOutput(i) ? 1 : 0).u8(p.size(i)).u16(p.port(i));
            out.u32(p.inputBytes().length).bytes(p.inputBytes());
            out.u32(p.outputBytes().length).bytes(p.outputBytes());
        }
        return out.toByteArray();
    }

    private static List<PortLog> ports(SectionInput in, int activations) {
        int n = in.count(12);
        if (n != activations) throw in.fail(n + " port logs for " + activations + " activations");
        List<PortLog> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int count = in.count(4);
            boolean[] output = new boolean[count];
            int[] port = new int[count], size = new int[count];
            long inBytes = 0, outBytes = 0;
            for (int k = 0; k < count; k++) {
                int kind = in.u8(), sz = in.u8();
                if (kind > 1 || (sz != 1 && sz != 2 && sz != 4)) throw in.fail("activation " + i + ": port access " + k + " has kind " + kind + ", size " + sz);
                output[k] = kind == 1;
                size[k] = sz;
                port[k] = in.u16();
                if (output[k]) outBytes += sz;
                else inBytes += sz;
            }
            int inLen = in.count(1);
            if (inLen != inBytes) throw in.fail("activation " + i + ": " + inLen + " input bytes for accesses holding " + inBytes);
            byte[] inputs = in.bytes(inLen);
            int outLen = in.count(1);
            if (outLen != outBytes) throw in.fail("activation " + i + ": " + outLen + " output bytes for accesses holding " + outBytes);
            out.add(new PortLog(output, port, size, inputs, in.bytes(outLen)));
        }
        return out;
    }

    private static void runs(SectionOutput out, List<MemoryWrite> runs) {
        out.u32(runs.size());
        for (MemoryWrite w : runs) out.u32(w.address()).u32(w.bytes().length).bytes(w.bytes());
    }

    /** Reads a component slice; damage is a FormatException naming the file and offset. */
    static ComponentSlice read(Slice slice) {
        SectionInput code = new SectionInput(slice, slice.only(SectionType.COMPONENT_CODE));
        int cr0 = code.u32(), cr4 = code.u32();
        int[] segments = new int[24];
        for (int i = 0; i < 24; i++) segments[i] = code.u32();
        ComponentImage image = new ComponentImage(cr0, cr4, segments, runs(code));
        code.end();
        SectionInput entries = new SectionInput(slice, slice.only(SectionType.COMPONENT_ENTRIES));
        SectionInput results = new SectionInput(slice, slice.only(SectionType.COMPONENT_RESULTS));
        int n = entries.count(52);
        int m = results.count(17);
        if (m != n) throw results.fail(m + " results for " + n + " entries");
        List<ComponentActivation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int pid = entries.u32();
            UserRegisters regs = new UserRegisters(entries.bytes(UserRegisters.SIZE));
            int ret = entries.u32();
            List<MemoryWrite> loads = runs(entries);
            int endCode = results.u8();
            if (endCode >= ComponentActivation.End.values().length) throw results.fail("activation " + i + ": unknown end " + endCode);
            ComponentActivation.End end = ComponentActivation.End.values()[endCode];
            long instructions = results.u64();
            int eax = results.u32();
            UserExit.Fault fault = end == ComponentActivation.End.FAULTED
                    ? new UserExit.Fault(results.u32(), results.u32(), results.u32(), results.u32()) : null;
            out.add(new ComponentActivation(pid, regs, ret, loads, end, instructions, eax, fault, runs(results)));
        }
        entries.end();
        results.end();
        if (!slice.all(SectionType.COMPONENT_SEGMENTS).isEmpty()) {
            SectionInput segs = new SectionInput(slice, slice.only(SectionType.COMPONENT_SEGMENTS));
            for (int i = 0; i < n; i++) {
                int flag = segs.u8();
                if (flag > 1) throw segs.fail("activation " + i + ": segments flag " + flag);
                if (flag == 0) continue;
                int[] v = new int[24];
                for (int k = 0; k < 24; k++) v[k] = segs.u32();
                ComponentActivation a = out.get(i);
                out.set(i, new ComponentActivation(a.pid(), a.entry(), a.returnAddress(), a.loads(), a.end(), a.instructions(), a.eax(),
                        a.fault(), a.writes(), v));
            }
            segs.end();
        }
        boolean kernel = "kernel".equals(slice.header().parameters().get("program"));
        if (kernel == slice.all(SectionType.COMPONENT_PORTS).isEmpty()) {
            throw slice.fail(slice.only(SectionType.COMPONENT_CODE), 0, kernel ? "a kernel component slice without its COMPONENT_PORTS section"
                    : "a COMPONENT_PORTS section in a slice of user code");
        }
        if (!kernel) return new ComponentSlice(image, out);
        SectionInput ports = new SectionInput(slice, slice.only(SectionType.COMPONENT_PORTS));
        List<PortLog> logs = ports(ports, n);
        ports.end();
        return new ComponentSlice(true, image, out, logs);
    }

    private static List<MemoryWrite> runs(SectionInput in) {
        int n = in.count(8);
        List<MemoryWrite> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int address = in.u32(), length = in.u32();
            if (length <= 0 || Integer.toUnsignedLong(address) + length > 0x1_0000_0000L) {
                throw in.fail("a run of " + Integer.toUnsignedString(length) + " bytes at 0x" + Integer.toHexString(address) + " is empty or past 4 GiB");
            }
            out.add(new MemoryWrite(address, in.bytes(length)));
        }
        return out;
    }
}
