package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;

import java.util.List;

/**
 * Replays a {@link ProcessSlice}: the process's code runs alone at CPL 3 on a {@link UserModeMachine}
 * whose icount counts only its user instructions. For each recorded transition the CPU runs to
 * the recorded user icount (one further for a fault, whose instruction does not retire), the exit
 * it took is compared with the recorded one (kind, syscall number and arguments, fault vector,
 * error code, eip and CR2, or an interrupt point reached exactly with no exit before it; the user
 * icount; a digest of the registers), and then the recorded effects are applied (mappings,
 * unmappings, bytes, descriptors, segment registers — as user code left them unless the return
 * changed them — and registers as IRET restores them) and the process resumes. The first mismatch
 * ends the replay with a {@link UserDivergence}.
 */
public final class UserModeReplayer {
    private final ProcessSlice slice;
    private final UserModeMachine machine;
    private final ExitObserver observer = new ExitObserver();
    /** The segment registers at the last exit (user code may load its own). */
    private int[] exitSegments;

    public UserModeReplayer(ProcessSlice slice) {
        this.slice = slice;
        this.machine = new UserModeMachine(slice);
        machine.cpu().hooks.add(observer);
    }

    /** The user-mode CPU (for analyses that want to add hooks before {@link #run()}). */
    public Cpu cpu() {
        return machine.cpu();
    }

    /** Runs the whole slice. Throws {@link UserModeException} for a slice that cannot be set up. */
    public UserReplayResult run() {
        ProcessImage start = slice.start();
        for (PageMapping m : start.pages()) machine.map(m);
        for (MemoryWrite w : start.contents()) machine.write(w);
        machine.enterUser(start.registers(), 0);
        List<Transition> ts = slice.transitions();
        UserExit last = null;
        for (int i = 0; i < ts.size(); i++) {
            Transition t = ts.get(i);
            String actual = runTo(t);
            if (actual != null) {
                return new UserReplayResult(cpu().icount, i, last, new UserDivergence(i, cpu().icount, describe(t), actual));
            }
            last = t.exit();
            if (t.back() != null) resume(t);
        }
        return new UserReplayResult(cpu().icount, ts.size(), last, null);
    }

    /** Runs to transition {@code t}'s exit; null when it matched, else what happened instead. */
    private String runTo(Transition t) {
        Cpu cpu = cpu();
        long limit = t.exit() instanceof UserExit.Fault ? t.userIcount() + 1 : t.userIcount();
        observer.reset();
        CpuStop stop;
        try {
            stop = cpu.run(limit);
        } catch (UserModeException e) {
            return e.getMessage() + " at user instruction " + cpu.icount;
        }
        exitSegments = observer.exit != null ? observer.segments : ProcessImage.segmentsOf(cpu);
        if (observer.exit != null) {
            String actual = observer.exit.describe() + " at user instruction " + observer.userIcount
                    + " (registers " + Integer.toHexString(observer.digest) + ")";
            boolean same = observer.exit.equals(t.exit()) && observer.userIcount == t.userIcount() && observer.digest == t.registerDigest();
            return same ? null : actual;
        }
        if (stop != CpuStop.LIMIT) return "the CPU stopped (" + stop + ") at user instruction " + cpu.icount;
        int digest = UserRegisters.of(cpu).digest();
        boolean point = t.exit() instanceof UserExit.Interrupt || t.exit() instanceof UserExit.End;
        if (point && cpu.icount == t.userIcount() && digest == t.registerDigest()) return null;
        return "no exit by user instruction " + cpu.icount + " (registers " + Integer.toHexString(digest) + ": "
                + UserRegisters.of(cpu) + ")";
    }

    private static String describe(Transition t) {
        return t.exit().describe() + " at user instruction " + t.userIcount() + " (registers " + Integer.toHexString(t.registerDigest()) + ")";
    }

    private void resume(Transition t) {
        KernelReturn back = t.back();
        for (int page : back.unmapped()) machine.unmap(page);
        for (PageMapping m : back.mapped()) machine.map(m);
        for (MemoryWrite w : back.writes()) machine.write(w);
        for (Descriptor d : back.descriptors()) machine.setDescriptor(d);
        int[] segments = back.segments() != null ? back.segments() : exitSegments;
        machine.enterUser(back.registers(), segments, t.userIcount());
    }
}
