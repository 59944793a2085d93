package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserModeMachine;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.List;
import java.util.TreeSet;

/**
 * Runs a program on the user-mode machine against a syscall log: from the initial image (the
 * recorded one, or a rebuilt binary's: {@link RebuiltImage}), to each system call in turn, whose
 * number and arguments are compared with the log's call of that index; then the logged result
 * and memory effects are applied and the program continues. The ending is compared last.
 *
 * <p>Against a rebuilt binary ({@code rebuilt}): pointer arguments are not compared by value (its
 * buffers are elsewhere), buffers it writes out are compared by content, the kernel's writes go to
 * its own pointer arguments plus the logged offset, and a fault ending need only have the same
 * vector. brk and stack growth are emulated as the guest's kernel does them for the rebuilt
 * program's own layout ({@link RebuiltLayout}); so are, for a Linux log, mprotect on its own
 * pages and set_thread_area's base; a page brought in on demand (by a fault or inside a call) that
 * the rebuilt program has of its own is left alone, any other (the vDSO) is mapped as logged. What
 * cannot be replayed there stops the replay with a reason: a call that changed registers other
 * than EAX (exec, a signal frame), an asynchronous effect other than stack growth or demand paging.
 * The segment registers user code loaded (Linux's GS for its TLS) stay loaded across calls.
 */
public final class SyscallReplayer {
    /** User instructions allowed between two calls before the replay gives up (a program that loops). */
    public static final long DEFAULT_BUDGET = 1L << 32;
    private final SyscallLog log;
    private final ProcessImage image;
    private final boolean rebuilt;
    private final RebuiltLayout layout;
    private int brk;
    private final long budget;
    private final UserModeMachine machine;
    private final SyscallAbi abi;
    private final SyscallTrap trap;
    /** Pages mapped now (for mprotect against a rebuilt binary). */
    private final TreeSet<Integer> mapped = new TreeSet<>();
    /** Against a rebuilt binary: the pages its own image, heap and stack take (the log's demand paging there is not applied). */
    private final TreeSet<Integer> owned = new TreeSet<>();
    private int nextAsync;
    private int current;
    private boolean extraOutput;
    private final List<ExtraWrite> extras = new java.util.ArrayList<>();

    /** {@code image}: the log's own (same binary) or a rebuilt program's ({@code rebuilt} true). */
    public SyscallReplayer(SyscallLog log, ProcessImage image, boolean rebuilt, long budget) {
        this.log = log;
        this.abi = log.abi();
        this.trap = new SyscallTrap(abi);
        this.image = image;
        this.rebuilt = rebuilt;
        this.budget = budget;
        TreeSet<Integer> later = new TreeSet<>();
        for (SyscallCall c : log.calls()) for (PageMapping m : c.mapped()) later.add(m.page());
        for (AsyncEffect a : log.async()) for (PageMapping m : a.mapped()) later.add(m.page());
        this.layout = rebuilt ? RebuiltLayout.of(image, log) : null;
        if (rebuilt) {
            later.addAll(layout.reserved());
            brk = layout.heapStart();
            owned.addAll(layout.reserved());
            for (PageMapping m : image.pages()) owned.add(m.page());
        }
        try {
            this.machine = new UserModeMachine(image, later, laterIndexes(log));
        } catch (UserModeException e) {
            throw new SyscallReplayException(e.getMessage());
        }
        machine.cpu().hooks.add(trap);
    }

    /** GDT indexes the log's calls and effects name (descriptors set, selectors given): the replay machine's ring 0 avoids them. */
    private static TreeSet<Integer> laterIndexes(SyscallLog log) {
        TreeSet<Integer> used = new TreeSet<>();
        for (SyscallCall c : log.calls()) add(used, c.descriptors(), c.segments());
        for (AsyncEffect a : log.async()) add(used, a.descriptors(), a.segments());
        return used;
    }

    private static void add(TreeSet<Integer> used, List<Descriptor> ds, int[] segments) {
        for (Descriptor d : ds) used.add(d.index());
        if (segments != null) for (int i = 0; i < 6; i++) used.add(segments[4 * i] >>> 3);
    }

    /**
     * Lets a rebuilt program write to stdout and stderr (fd 1 and 2) where the log has another
     * call or its ending: a printf added for debugging. Such a write is answered as fully written,
     * kept in the result, and the log's call is then expected next. A write the log has (same fd,
     * same bytes) is matched as usual. Only against a rebuilt binary.
     */
    public SyscallReplayer allowExtraOutput() {
        if (!rebuilt) throw new IllegalStateException("extra output is allowed only against a rebuilt binary");
        extraOutput = true;
        return this;
    }

    /** Replays against the log's own image. */
    public static SyscallReplayResult replay(SyscallLog log) {
        return new SyscallReplayer(log, log.image(), false, DEFAULT_BUDGET).run();
    }

    public SyscallReplayResult run() {
        try {
            for (PageMapping m : image.pages()) map(m);
            for (MemoryWrite w : image.contents()) machine.write(w);
            machine.enterUser(image.registers(), 0);
            List<SyscallCall> calls = log.calls();
            for (int k = 0; k < calls.size(); k++) {
                current = k;
                SyscallMismatch m = applyAsync(k);
                if (m == null) m = call(k, calls.get(k));
                if (m != null) return result(k, null, m);
            }
            current = calls.size();
            SyscallMismatch m = applyAsync(calls.size());
            if (m != null) return result(calls.size(), null, m);
            return ending();
        } catch (UserModeException e) {
            // the log's effects do not fit the machine (a write to an unmapped page...), or user code did what a user-mode machine cannot
            String name = current < log.calls().size() ? abi.name(log.calls().get(current).nr()) : "end";
            String expected = current < log.calls().size() ? abi.line(log.calls().get(current)) : log.end().describe();
            return result(current, null, new SyscallMismatch(current, name, expected, e.getMessage()));
        }
    }

    private SyscallReplayResult result(int matched, ProcessEnd actualEnd, SyscallMismatch m) {
        return new SyscallReplayResult(Math.max(matched, 0), log.end(), actualEnd, machine.cpu().icount, m, extras);
    }

    /**
     * Runs to the next exit from user mode; null when the budget ran out or the CPU stopped otherwise
     * (then {@code why[0]} says how). A rebuilt program's stack grows on demand, as the kernel grows it.
     */
    private UserExit runToExit(String[] why) {
        Cpu cpu = machine.cpu();
        while (true) {
            trap.reset();
            CpuStop stop = cpu.run(cpu.icount + budget);
            if (trap.exit instanceof UserExit.Fault f && rebuilt && f.vector() == 14 && (f.errorCode() & 1) == 0
                    && layout.isGrowth(f.cr2() >>> 12)) {
                map(new PageMapping(f.cr2() >>> 12, true));
                machine.enterUser(trap.registers, trap.segments, trap.userIcount);
                continue;
            }
            if (trap.exit != null) return trap.exit;
            why[0] = stop == CpuStop.LIMIT ? "no system call in " + budget + " user instructions" : "the CPU stopped (" + stop + ")";
            return null;
        }
    }

    /**
     * The next exit, past the rebuilt program's own writes to stdout or stderr when they are allowed
     * ({@code expected}: the logged call due, null at the ending): each is kept and answered.
     */
    private UserExit nextExit(String[] why, SyscallCall expected) {
        while (true) {
            UserExit x = runToExit(why);
            if (!extraOutput || !(x instanceof UserExit.Syscall s) || !abi.is(s.nr(), "write") || trap.args[0] != 1 && trap.args[0] != 2
                    || expected != null && differs(expected, s) == null) {
                return x;
            }
            CallInput in = actualCall(s).input(1);
            if (in == null) return x; // its buffer is not readable: the mismatch says so
            extras.add(new ExtraWrite(current, trap.args[0], in.bytes()));
            machine.enterUser(withEax(trap.registers, trap.args[2]), trap.segments, trap.userIcount);
        }
    }

    private SyscallMismatch call(int k, SyscallCall c) {
        String[] why = new String[1];
        UserExit x = nextExit(why, c);
        String actual = x == null ? why[0] : !(x instanceof UserExit.Syscall s) ? x.describe() : differs(c, s);
        String name = abi.name(c.nr());
        if (actual != null) return new SyscallMismatch(k, name, abi.line(c), actual);
        if (!c.returned()) return null;
        int[] args = trap.args;
        if (rebuilt && abi.isBrk(c.nr())) {
            machine.enterUser(withEax(trap.registers, brk(args[0])), trap.segments, trap.userIcount);
            return null;
        }
        if (rebuilt && c.registers() != null) {
            return new SyscallMismatch(k, name, abi.line(c), "the call changed registers other than EAX (exec or a signal):"
                    + " not replayable against a rebuilt binary");
        }
        TreeSet<Integer> pagedIn = new TreeSet<>(); // against a rebuilt binary: its own pages the call brought in (they are there already)
        if (rebuilt && abi.is(c.nr(), "mprotect")) {
            protect(args[0], args[1], args[2]);
        } else {
            for (int p : c.unmapped()) if (!rebuilt || !owned.contains(p)) unmap(p);
            for (PageMapping m : c.mapped()) {
                if (rebuilt && owned.contains(m.page())) pagedIn.add(m.page());
                else map(m);
            }
        }
        for (CallWrite w : c.writes()) {
            long at = Integer.toUnsignedLong(w.address(args));
            if (at + w.bytes().length > 0x1_0000_0000L) throw new UserModeException("the log's write at " + w.where() + " runs past 4 GiB");
            if (w.arg() == CallWrite.ABSOLUTE && !pagedIn.isEmpty()) writeExcept(new MemoryWrite((int) at, w.bytes()), pagedIn);
            else machine.write(new MemoryWrite((int) at, w.bytes()));
        }
        UserRegisters regs = c.registers() != null ? c.registers() : withEax(trap.registers, c.result());
        for (Descriptor d : c.descriptors()) machine.setDescriptor(rebuilt && abi.is(c.nr(), "set_thread_area") ? rebased(d, args[0]) : d);
        machine.enterUser(regs, c.segments() != null ? c.segments() : trap.segments, trap.userIcount);
        return null;
    }

    /** Null when the actual call matches logged call {@code c}; else the actual call, strace-style, with what differs. */
    private String differs(SyscallCall c, UserExit.Syscall s) {
        SyscallCall actual = actualCall(s);
        String shown = shown(actual);
        if (s.vector() != c.vector()) return shown + " by int 0x" + Integer.toHexString(s.vector());
        if (s.nr() != c.nr()) return shown;
        for (int i = 0; i < abi.argCount(); i++) {
            if (rebuilt && (!abi.isUsed(c.nr(), i) || abi.isPointer(c.nr(), i) || layoutArgument(c.nr(), i))) continue;
            if (trap.args[i] != c.arg(i)) return shown + " (argument " + i + ")";
        }
        for (int i = 0; i < abi.argCount(); i++) {
            if (!abi.isPassedIn(c.nr(), i)) continue;
            CallInput want = c.input(i), got = actual.input(i);
            if (want == null) continue;
            if (got == null && !rebuilt) got = pagedInInput(c, s.nr(), i); // the kernel brought the page in during the call
            if (got == null) return shown + " (argument " + i + " points to unmapped memory)";
            int n = Math.min(want.bytes().length, got.bytes().length);
            boolean same = java.util.Arrays.equals(want.bytes(), 0, n, got.bytes(), 0, n)
                    && (want.bytes().length == got.bytes().length || want.cut() || got.cut());
            if (!same) return shown + " (the bytes of argument " + i + " differ)";
        }
        return null;
    }

    /** Argument {@code i}'s input read as the recorded kernel did: with the pages the call itself mapped, filled as logged. */
    private CallInput pagedInInput(SyscallCall c, int nr, int i) {
        List<MemoryWrite> writes = new java.util.ArrayList<>();
        for (CallWrite w : c.writes()) writes.add(new MemoryWrite(w.address(trap.args), w.bytes()));
        for (CallInput in : CallArguments.inputs(abi, UserMemory.withPagedIn(machine.cpu(), c.mapped(), writes), nr, trap.args)) {
            if (in.arg() == i) return in;
        }
        return null;
    }

    /** A call the program made, strace-style without a result (it has none yet). */
    private String shown(SyscallCall actual) {
        return abi.line(actual).replaceFirst(" (= \\?|<unfinished \\.\\.\\.>)$", "");
    }

    /** The call the program made, as a log entry without a result (for reports). */
    private SyscallCall actualCall(UserExit.Syscall s) {
        return new SyscallCall(s.vector(), s.nr(), trap.args, trap.inputs, false, 0, List.of(), List.of(), List.of(), null);
    }

    /**
     * Argument {@code i} of call {@code nr} describes the program's own layout, so a rebuilt program
     * may pass another value: mprotect's length (its RELRO region is as long as its own sections).
     */
    private boolean layoutArgument(int nr, int i) {
        return i == 1 && abi.is(nr, "mprotect");
    }

    /**
     * mprotect for the rebuilt program's own pages (the logged pages are the recorded program's):
     * its pages in {@code [addr, addr + len)} that are mapped become writable or not by PROT_WRITE.
     */
    private void protect(int addr, int len, int prot) {
        long start = Integer.toUnsignedLong(addr) >>> 12, end = (Integer.toUnsignedLong(addr) + Integer.toUnsignedLong(len) + 4095) >>> 12;
        for (long p = start; p < end && p < (1 << 20); p++) {
            if (mapped.contains((int) p)) map(new PageMapping((int) p, (prot & 2) != 0));
        }
    }

    /**
     * set_thread_area for a rebuilt program: the descriptor the kernel installed, with the base its
     * own {@code struct user_desc} asks for (its thread-local storage lies where its start-up code
     * put it), read from its memory at the call.
     */
    private Descriptor rebased(Descriptor d, int userDesc) {
        byte[] b = UserMemory.read(machine.cpu(), userDesc + 4, 4);
        if (b == null) return d;
        int base = (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
        int low = (d.low() & 0xFFFF) | (base & 0xFFFF) << 16;
        int high = (d.high() & 0x00FFFF00) | (base >>> 16) & 0xFF | base & 0xFF000000;
        return new Descriptor(d.index(), low, high);
    }

    private void map(PageMapping m) {
        machine.map(m);
        mapped.add(m.page());
    }

    private void unmap(int page) {
        machine.unmap(page);
        mapped.remove(page);
    }

    /** The kernel's brk for the rebuilt program's own heap (see {@link RebuiltLayout}); the logged result is for the recorded layout. */
    private int brk(int want) {
        long w = Integer.toUnsignedLong(want);
        if (w < Integer.toUnsignedLong(layout.heapStart()) || w > Integer.toUnsignedLong(layout.stackFloor())) return brk;
        int oldEnd = (int) ((Integer.toUnsignedLong(brk) + 4095) >>> 12), newEnd = (int) ((w + 4095) >>> 12);
        if (newEnd - (layout.heapStart() >>> 12) > layout.heapPages()) {
            throw new UserModeException("the rebuilt program's heap grows to " + (newEnd - (layout.heapStart() >>> 12))
                    + " pages, more than the recording's brk calls mapped plus " + RebuiltLayout.HEAP_SLACK);
        }
        for (int p = oldEnd; p < newEnd; p++) map(new PageMapping(p, true));
        for (int p = newEnd; p < oldEnd; p++) unmap(p);
        brk = want;
        return want;
    }

    private static UserRegisters withEax(UserRegisters r, int eax) {
        byte[] b = r.bytes().clone();
        for (int i = 0; i < 4; i++) b[4 * Cpu.EAX + i] = (byte) (eax >>> (8 * i));
        return new UserRegisters(b);
    }

    /** Applies the asynchronous effects placed before call {@code k} that only touch memory; one that changed registers stops the replay. */
    private SyscallMismatch applyAsync(int k) {
        while (nextAsync < log.async().size() && log.async().get(nextAsync).beforeCall() == k) {
            AsyncEffect a = log.async().get(nextAsync++);
            boolean memoryOnly = a.registers() == null && a.segments() == null && a.descriptors().isEmpty();
            if (rebuilt && memoryOnly && isStackGrowth(a)) continue; // emulated where the rebuilt program faults
            if (rebuilt && memoryOnly && isDemandPaging(a)) {
                pageIn(a);
                continue;
            }
            boolean regs = a.registers() != null || a.segments() != null;
            if (regs || rebuilt) {
                return new SyscallMismatch(k, "async", "an asynchronous effect before syscall " + k + " (after " + a.cause() + ")",
                        "not replayable at the syscall level" + (regs ? ": it changed registers (a signal)" : " against a rebuilt binary"));
            }
            for (int p : a.unmapped()) unmap(p);
            for (PageMapping m : a.mapped()) map(m);
            for (MemoryWrite w : a.writes()) machine.write(w);
            for (Descriptor d : a.descriptors()) machine.setDescriptor(d);
        }
        return null;
    }

    /** The effect only maps pages (or remaps them: copy-on-write) and fills them: a page brought in on demand. */
    private static boolean isDemandPaging(AsyncEffect a) {
        if (!a.unmapped().isEmpty() || a.mapped().isEmpty()) return false;
        TreeSet<Integer> pages = new TreeSet<>();
        for (PageMapping m : a.mapped()) pages.add(m.page());
        for (MemoryWrite w : a.writes()) {
            long first = Integer.toUnsignedLong(w.address()) >>> 12, last = (Integer.toUnsignedLong(w.address()) + w.bytes().length - 1) >>> 12;
            for (long p = first; p <= last; p++) if (!pages.contains((int) p)) return false;
        }
        return true;
    }

    /**
     * Demand paging against a rebuilt binary: pages of its own image, heap or stack are there already
     * (loaded whole, or emulated), so the recorded program's contents for them are not applied; any
     * other page (the vDSO, a mapping the kernel made) is mapped and filled as logged.
     */
    private void pageIn(AsyncEffect a) {
        for (PageMapping m : a.mapped()) if (!owned.contains(m.page())) map(m);
        for (MemoryWrite w : a.writes()) writeExcept(w, owned);
    }

    /** Writes the parts of {@code w} that do not lie on the pages {@code skip}. */
    private void writeExcept(MemoryWrite w, java.util.Set<Integer> skip) {
        long start = Integer.toUnsignedLong(w.address()), end = start + w.bytes().length;
        for (long at = start; at < end; ) {
            long pageEnd = Math.min(end, ((at >>> 12) + 1) << 12);
            if (!skip.contains((int) (at >>> 12))) {
                machine.write(new MemoryWrite((int) at, java.util.Arrays.copyOfRange(w.bytes(), (int) (at - start), (int) (pageEnd - start))));
            }
            at = pageEnd;
        }
    }

    private boolean isStackGrowth(AsyncEffect a) {
        if (a.registers() != null || !a.writes().isEmpty() || !a.unmapped().isEmpty() || a.mapped().isEmpty()) return false;
        for (PageMapping m : a.mapped()) if (!layout.isGrowth(m.page())) return false;
        return true;
    }

    /** After the last call: the program must end as the recording did. */
    private SyscallReplayResult ending() {
        ProcessEnd want = log.end();
        int n = log.calls().size();
        if (want.kind() == ProcessEnd.Kind.EXIT || want.kind() == ProcessEnd.Kind.IN_CALL || want.kind() == ProcessEnd.Kind.END) {
            return result(n, want, null);
        }
        String[] why = new String[1];
        UserExit x = nextExit(why, null);
        if (x instanceof UserExit.Fault f) {
            ProcessEnd got = new ProcessEnd(ProcessEnd.Kind.FAULT, f.vector(), f.errorCode(), f.eip(), f.cr2());
            boolean same = rebuilt ? f.vector() == want.vector() : got.equals(want);
            return result(n, got, same ? null : new SyscallMismatch(n, "end", want.describe(), got.describe()));
        }
        String actual = x == null ? why[0] : x instanceof UserExit.Syscall s
                ? "one more call: " + shown(actualCall(s)) : x.describe();
        return result(n, null, new SyscallMismatch(n, "end", want.describe(), actual));
    }
}
