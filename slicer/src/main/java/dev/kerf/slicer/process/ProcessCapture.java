package dev.kerf.slicer.process;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.GuestProfile;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.KernelReturn;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserExits;
import dev.kerf.emulator.usermode.UserModeMachine;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Captures one process's slice during a replay of the whole machine (design §7). Registered after
 * a {@link ProcessTracker} (whose privilege hook has then already said which pid returned to user
 * mode and under which name). Only the chosen process's user pages are ever read.
 *
 * <ul>
 * <li>Start: the first return to user mode of the selected process (at or after the window's
 *     start): its registers, user pages,
 *     segment caches, and the machine settings its code depends on. A successful execve starts
 *     the slice again at the new program's first instruction: the old image (a forked copy of its
 *     parent, typically) is not the process's program and is left out.</li>
 * <li>Exit (a delivery from CPL 3 while it runs): the cause and its user icount (see
 *     {@link UserExits}); the first delivery of a stretch counts. At the end of the entry to the
 *     kernel its user pages are copied (the shadow): from here to its next return only the rest
 *     of the system can change them.</li>
 * <li>Return: its pages compared with the shadow give mappings added or re-permissioned, pages
 *     removed, bytes changed (a new page compared with zeros); the GDT entries user code may load
 *     compared with the last ones carried give the descriptors changed ({@code set_thread_area},
 *     Linux's per-task TLS entries); the segment registers after IRET, when they differ from
 *     those at the exit; plus its registers after IRET.</li>
 * </ul>
 * A process with a local descriptor table ({@code modify_ldt}) is refused: a slice carries GDT
 * descriptors only.
 */
final class ProcessCapture implements InterruptHook, PrivilegeHook {
    private final ProcessTracker tracker;
    private final ProcessSelector selector;
    private final PhysicalMemory memory;
    private final GuestMemory guest;
    private final IntPredicate isExec;
    /** The buffers a call filled: kept whole even where they equal what was there (see {@link #keepOutputs}). */
    private final GuestProfile profile;
    private final long from;
    private int pid = -1;
    private String name;
    private ProcessImage image;
    private final List<Transition> transitions = new ArrayList<>();
    private boolean inUser;
    private long userCount, stretchStart;
    private UserExit exit;
    private long exitCount;
    private int exitDigest;
    private boolean awaitingReturn;
    private final TreeMap<Integer, byte[]> shadow = new TreeMap<>();
    private final TreeMap<Integer, Boolean> shadowWritable = new TreeMap<>();
    /** The user-loadable GDT entries as the slice has them so far (index to the raw 8 bytes). */
    private final TreeMap<Integer, Long> descriptors = new TreeMap<>();
    private int[] exitSegments;
    private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();

    /**
     * @param from   the slice starts at the process's first return to user mode at or after this icount
     * @param isExec whether a system call number is execve (a successful one restarts the slice)
     * @param profile names the buffers each call filled ({@link GuestProfile#outputBuffers})
     */
    ProcessCapture(ProcessTracker tracker, ProcessSelector selector, PhysicalMemory memory, long from, IntPredicate isExec,
                   GuestProfile profile) {
        this.profile = profile;
        this.from = from;
        this.isExec = isExec;
        this.tracker = tracker;
        this.selector = selector;
        this.memory = memory;
        this.guest = new GuestMemory(memory);
    }

    /**
     * What the process received from the rest of the system since its slice started, in order: at
     * each return, the bytes of the call's output buffers ({@link GuestProfile#outputBuffers}) and
     * the bytes changed in pages it had before the exit. The contents of a page that appeared (or
     * changed permissions) at the return are left out unless a call's output buffer covers them:
     * such a page is the program's own image paged in (demand paging, the kernel's fault-around
     * during a call), zeros or a copy-on-write copy of what the process had. Its own program is
     * not what it received: the same library code is in every program.
     */
    byte[] received() {
        return received.toByteArray();
    }

    /** The pid chosen (-1: the process never returned to user mode). */
    int pid() {
        return pid;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || !inUser || exit != null) return;
        exit = UserExits.of(cpu, vector, source, errorCode);
        exitCount = UserExits.retiredAt(userCount + cpu.icount - stretchStart, source);
        exitDigest = UserRegisters.of(cpu).digest();
        exitSegments = ProcessImage.segmentsOf(cpu);
    }

    @Override
    public void privilegeChanged(Cpu cpu, int fromCpl, int toCpl) {
        if (fromCpl == 3 && toCpl != 3) {
            if (inUser) leftUser(cpu);
            return;
        }
        if (toCpl != 3) return;
        int upid = tracker.userPid();
        if (pid < 0 && upid >= 0 && cpu.icount >= from && selector.matches(upid, tracker.nameOf(upid))) {
            start(cpu, upid);
        } else if (upid == pid && pid >= 0 && awaitingReturn) {
            returned(cpu);
        }
    }

    private void start(Cpu cpu, int upid) {
        pid = upid;
        transitions.clear();
        received.reset();
        shadow.clear();
        shadowWritable.clear();
        userCount = 0;
        awaitingReturn = false;
        name = tracker.nameOf(upid);
        checkNoLdt(cpu);
        int[] segments = ProcessImage.segmentsOf(cpu);
        descriptors.clear();
        descriptors.putAll(userDescriptors(cpu));
        List<Descriptor> initial = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : descriptors.entrySet()) {
            boolean held = false;
            for (int i = 0; i < 6; i++) held |= (segments[4 * i] & 0xFFFC) != 0 && segments[4 * i] >>> 3 == e.getKey();
            if (!held) initial.add(descriptor(e.getKey(), e.getValue()));
        }
        List<PageMapping> pages = new ArrayList<>();
        List<MemoryWrite> contents = new ArrayList<>();
        for (Map.Entry<Integer, UserPageWalk.Frame> e : UserPageWalk.userPages(memory, cpu.cr3).entrySet()) {
            pages.add(new PageMapping(e.getKey(), e.getValue().writable()));
            MemoryDiff.diff(e.getKey(), MemoryDiff.ZERO_PAGE, memory.array(), e.getValue().physical(), contents);
        }
        image = new ProcessImage(pid, name, cpu.cr0, cpu.cr4, segments, userGates(cpu),
                UserPageWalk.supervisorRuns(memory, cpu.cr3), UserRegisters.of(cpu), pages, contents, initial);
        enterUser(cpu);
    }

    private static Descriptor descriptor(int index, long raw) {
        return new Descriptor(index, (int) raw, (int) (raw >>> 32));
    }

    /**
     * The GDT entries user code may load now ({@link Descriptor#userLoadable}), read through the
     * process's page directory: index to the raw 8 bytes. Entry 0 (null) and entries past the
     * replayer's GDT are not carried (a selector naming them is refused when it is loaded).
     */
    private TreeMap<Integer, Long> userDescriptors(Cpu cpu) {
        TreeMap<Integer, Long> out = new TreeMap<>();
        for (int i = 1; i < UserModeMachine.GDT_ENTRIES && i * 8 + 7 <= cpu.gdtLimit; i++) {
            long lo = guest.translate(cpu.cr3, cpu.gdtBase + i * 8), hi = guest.translate(cpu.cr3, cpu.gdtBase + i * 8 + 4);
            if (lo < 0 || hi < 0) continue;
            int high = memory.read32((int) hi);
            if (Descriptor.userLoadable(high)) out.put(i, Integer.toUnsignedLong(memory.read32((int) lo)) | (long) high << 32);
        }
        return out;
    }

    /** Descriptors changed since the slice last carried them (a vanished one as all zeros), and records the new state. */
    private List<Descriptor> descriptorChanges(Cpu cpu) {
        TreeMap<Integer, Long> now = userDescriptors(cpu);
        List<Descriptor> changed = new ArrayList<>();
        for (int i : descriptors.keySet()) if (!now.containsKey(i)) changed.add(new Descriptor(i, 0, 0));
        for (Map.Entry<Integer, Long> e : now.entrySet()) {
            if (!e.getValue().equals(descriptors.get(e.getKey()))) changed.add(descriptor(e.getKey(), e.getValue()));
        }
        changed.sort(java.util.Comparator.comparingInt(Descriptor::index));
        descriptors.clear();
        descriptors.putAll(now);
        return changed;
    }

    private void checkNoLdt(Cpu cpu) {
        if ((cpu.ldtr.selector & 0xFFFC) != 0 && cpu.ldtr.limit != 0) {
            throw new ProcessSliceException("process " + pid + " (" + name + ") has a local descriptor table (modify_ldt) at icount "
                    + cpu.icount + ": a process slice carries GDT descriptors only");
        }
    }

    /** Vectors whose IDT gate is present with DPL 3 (INT n from user code reaches the handler). */
    private int[] userGates(Cpu cpu) {
        List<Integer> gates = new ArrayList<>();
        for (int v = 0; v < 256 && v * 8 + 7 <= cpu.idtLimit; v++) {
            long pa = guest.translate(cpu.cr3, cpu.idtBase + v * 8 + 4);
            if (pa < 0) continue;
            int hi = memory.read32((int) pa);
            if ((hi & 0x8000) != 0 && ((hi >>> 13) & 3) == 3) gates.add(v);
        }
        return gates.stream().mapToInt(Integer::intValue).toArray();
    }

    private void enterUser(Cpu cpu) {
        inUser = true;
        exit = null;
        stretchStart = cpu.icount + 1; // the IRET that got here retires as a kernel instruction
    }

    private void leftUser(Cpu cpu) {
        inUser = false;
        if (exit == null) throw new IllegalStateException("left user mode at icount " + cpu.icount + " without a delivery");
        userCount = exitCount;
        awaitingReturn = true;
        TreeMap<Integer, UserPageWalk.Frame> now = UserPageWalk.userPages(memory, cpu.cr3);
        shadow.keySet().retainAll(now.keySet());
        shadowWritable.clear();
        for (Map.Entry<Integer, UserPageWalk.Frame> e : now.entrySet()) {
            byte[] copy = shadow.computeIfAbsent(e.getKey(), k -> new byte[4096]);
            System.arraycopy(memory.array(), e.getValue().physical(), copy, 0, 4096);
            shadowWritable.put(e.getKey(), e.getValue().writable());
        }
    }

    private void returned(Cpu cpu) {
        if (exit instanceof UserExit.Syscall s && isExec.test(s.nr()) && cpu.reg[Cpu.EAX] == 0) {
            start(cpu, pid); // a new program: its slice starts at its first instruction (design §7)
            return;
        }
        TreeMap<Integer, UserPageWalk.Frame> now = UserPageWalk.userPages(memory, cpu.cr3);
        List<Integer> unmapped = new ArrayList<>();
        for (int page : shadowWritable.keySet()) if (!now.containsKey(page)) unmapped.add(page);
        List<PageMapping> mapped = new ArrayList<>();
        List<MemoryWrite> writes = new ArrayList<>();
        for (Map.Entry<Integer, UserPageWalk.Frame> e : now.entrySet()) {
            Boolean was = shadowWritable.get(e.getKey());
            if (was == null || was != e.getValue().writable()) mapped.add(new PageMapping(e.getKey(), e.getValue().writable()));
            byte[] before = was == null ? MemoryDiff.ZERO_PAGE : shadow.get(e.getKey());
            MemoryDiff.diff(e.getKey(), before, memory.array(), e.getValue().physical(), writes);
        }
        List<GuestProfile.OutputBuffer> outputs = keepOutputs(cpu, now, writes);
        noteReceived(writes, mapped, outputs);
        checkNoLdt(cpu);
        int[] segments = ProcessImage.segmentsOf(cpu);
        for (int i = 0; i < 6; i++) {
            if (!UserModeMachine.supportsSelector(segments[4 * i])) {
                throw new ProcessSliceException("process " + pid + " (" + name + ") returned to user mode with selector 0x"
                        + Integer.toHexString(segments[4 * i]) + " at icount " + cpu.icount + ": a process slice holds GDT selectors below "
                        + UserModeMachine.GDT_ENTRIES + " only");
            }
        }
        transitions.add(new Transition(exitCount, exit, exitDigest, new KernelReturn(mapped, unmapped, writes, UserRegisters.of(cpu),
                descriptorChanges(cpu), java.util.Arrays.equals(segments, exitSegments) ? null : segments)));
        awaitingReturn = false;
        enterUser(cpu);
    }

    /**
     * After a system call, the buffers it filled ({@link GuestProfile#outputBuffers}: read's n bytes,
     * a stat struct, pipe's descriptors, ...) replace the diff's writes in their range: a diff drops a
     * byte equal to what was there (a file read a byte at a time into one variable loses every
     * repeated letter; a descriptor equal to the stack slot's old value vanishes), but the call's
     * output is what privacy scans look for and what a syscall log hands a rebuilt binary, so it is
     * kept whole and in order. Replay applies the same bytes either way.
     */
    private List<GuestProfile.OutputBuffer> keepOutputs(Cpu cpu, TreeMap<Integer, UserPageWalk.Frame> pages, List<MemoryWrite> writes) {
        if (!(exit instanceof UserExit.Syscall s)) return List.of();
        List<GuestProfile.OutputBuffer> outputs = profile.outputBuffers(s.nr(), s.args(), cpu.reg[Cpu.EAX]);
        for (GuestProfile.OutputBuffer b : outputs) keep(b.address(), b.length(), pages, writes);
        return outputs;
    }

    /** Appends this return's received bytes (see {@link #received()}) in address order. */
    private void noteReceived(List<MemoryWrite> writes, List<PageMapping> mapped, List<GuestProfile.OutputBuffer> outputs) {
        java.util.Set<Integer> fresh = new java.util.HashSet<>();
        for (PageMapping m : mapped) fresh.add(m.page());
        for (MemoryWrite w : writes) {
            byte[] b = w.bytes();
            for (int i = 0; i < b.length; i++) {
                int va = w.address() + i;
                if (!fresh.contains(va >>> 12) || inOutput(va, outputs)) received.write(b[i]);
            }
        }
    }

    private static boolean inOutput(int va, List<GuestProfile.OutputBuffer> outputs) {
        long a = Integer.toUnsignedLong(va);
        for (GuestProfile.OutputBuffer o : outputs) {
            long lo = Integer.toUnsignedLong(o.address());
            if (a >= lo && a < lo + o.length()) return true;
        }
        return false;
    }

    private void keep(int buf, int n, TreeMap<Integer, UserPageWalk.Frame> pages, List<MemoryWrite> writes) {
        if (n <= 0 || Integer.toUnsignedLong(buf) + n > 0x1_0000_0000L) return;
        // every page mapped before anything is allocated: n comes from the guest (a call's result)
        for (long p = Integer.toUnsignedLong(buf) >>> 12; p <= (Integer.toUnsignedLong(buf) + n - 1) >>> 12; p++) {
            if (pages.get((int) p) == null) return; // not all mapped: leave the diff as it is
        }
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            UserPageWalk.Frame f = pages.get((buf + i) >>> 12);
            if (f == null) return; // not all mapped: leave the diff as it is
            data[i] = memory.array()[f.physical() + ((buf + i) & 0xFFF)];
        }
        long lo = Integer.toUnsignedLong(buf), hi = lo + n;
        List<MemoryWrite> kept = new ArrayList<>();
        for (MemoryWrite w : writes) {
            long a = Integer.toUnsignedLong(w.address()), b = a + w.bytes().length;
            if (b <= lo || a >= hi) {
                kept.add(w);
                continue;
            }
            if (a < lo) kept.add(new MemoryWrite(w.address(), java.util.Arrays.copyOf(w.bytes(), (int) (lo - a))));
            if (b > hi) kept.add(new MemoryWrite((int) hi, java.util.Arrays.copyOfRange(w.bytes(), (int) (hi - a), w.bytes().length)));
        }
        kept.add(new MemoryWrite(buf, data));
        kept.sort(java.util.Comparator.comparingLong(w -> Integer.toUnsignedLong(w.address())));
        writes.clear();
        writes.addAll(kept);
    }

    /** Closes the capture at the end of the replay; null when the process never ran in user mode. */
    ProcessSlice finish(Cpu cpu) {
        if (image == null) return null;
        if (inUser && cpu.cpl == 3) {
            transitions.add(new Transition(userCount + cpu.icount - stretchStart, new UserExit.End(), UserRegisters.of(cpu).digest(), null));
        } else if (awaitingReturn) {
            transitions.add(new Transition(exitCount, exit, exitDigest, null));
        }
        inUser = false;
        awaitingReturn = false;
        return new ProcessSlice(image, transitions);
    }
}
