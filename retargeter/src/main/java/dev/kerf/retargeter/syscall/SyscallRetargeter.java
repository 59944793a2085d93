package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.usermode.KernelReturn;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserModeReplayer;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.emulator.usermode.UserReplayResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a process slice into its syscall log (design §8). The slice is replayed once on the
 * user-mode CPU (it must verify): that gives, at each call, the registers and the bytes the call
 * passed in, which a slice does not hold. Then each transition becomes: a call (result = EAX on
 * return; the kernel's writes relative to pointer arguments where they fall in a buffer one
 * names, a struct it filled kept whole up to its last changed word), an asynchronous effect (an interrupt or fault return that changed something), nothing
 * (one that changed nothing: a preemption), or the end.
 */
public final class SyscallRetargeter {
    private SyscallRetargeter() {}

    /** The example OS's slice (its ABI). */
    public static SyscallLog retarget(ProcessSlice slice) {
        return retarget(slice, SyscallAbi.KERF);
    }

    /** A slice of a guest whose calls follow {@code abi}. */
    public static SyscallLog retarget(ProcessSlice slice, SyscallAbi abi) {
        Map<Long, KernelReturn> returns = new TreeMap<>();
        for (Transition t : slice.transitions()) {
            if (t.exit() instanceof UserExit.Syscall && t.back() != null) returns.put(t.userIcount(), t.back());
        }
        EntryCapture capture = new EntryCapture(abi, returns);
        UserReplayResult r;
        try {
            UserModeReplayer replayer = new UserModeReplayer(slice);
            replayer.cpu().hooks.add(capture);
            r = replayer.run();
        } catch (UserModeException e) {
            throw new SyscallRetargetException("the process slice cannot be replayed: " + e.getMessage());
        }
        if (!r.verified()) throw new SyscallRetargetException("the process slice does not replay, so it cannot be retargeted: "
                + r.divergence().message());
        List<SyscallCall> calls = new ArrayList<>();
        List<AsyncEffect> async = new ArrayList<>();
        ProcessEnd end = ProcessEnd.of(ProcessEnd.Kind.END);
        for (Transition t : slice.transitions()) {
            UserExit e = t.exit();
            if (e instanceof UserExit.Syscall s) {
                EntryCapture.Entry entry = capture.at(t.userIcount());
                if (entry == null) throw new IllegalStateException("no entry seen for the call at user instruction " + t.userIcount());
                calls.add(call(s, entry, t.back()));
                if (t.back() == null) end = ProcessEnd.of(abi.isExit(s.nr()) ? ProcessEnd.Kind.EXIT : ProcessEnd.Kind.IN_CALL);
            } else if (t.back() != null) {
                if (changes(t)) async.add(asyncOf(calls.size(), t));
            } else if (e instanceof UserExit.Fault f) {
                end = new ProcessEnd(ProcessEnd.Kind.FAULT, f.vector(), f.errorCode(), f.eip(), f.cr2());
            }
        }
        return new SyscallLog(abi, slice.start(), calls, async, end);
    }

    private static SyscallCall call(UserExit.Syscall s, EntryCapture.Entry entry, KernelReturn back) {
        if (back == null) return new SyscallCall(s.vector(), s.nr(), entry.args(), entry.inputs(), false, 0, List.of(), List.of(), List.of(), null);
        int result = back.registers().get(Cpu.EAX);
        byte[] expected = entry.registers().bytes().clone();
        System.arraycopy(back.registers().bytes(), 4 * Cpu.EAX, expected, 4 * Cpu.EAX, 4);
        UserRegisters regs = Arrays.equals(expected, back.registers().bytes()) ? null : back.registers();
        return new SyscallCall(s.vector(), s.nr(), entry.args(), entry.inputs(), true, result, back.mapped(), back.unmapped(),
                entry.writes(), regs, back.descriptors(), back.segments());
    }

    /** A return from an interrupt or fault changed the process (the registers came back other than they left, or memory or mappings changed). */
    private static boolean changes(Transition t) {
        KernelReturn b = t.back();
        return !b.mapped().isEmpty() || !b.unmapped().isEmpty() || !b.writes().isEmpty() || b.registers().digest() != t.registerDigest()
                || b.changesSegments();
    }

    private static AsyncEffect asyncOf(int before, Transition t) {
        KernelReturn b = t.back();
        UserRegisters regs = b.registers().digest() == t.registerDigest() ? null : b.registers();
        return new AsyncEffect(before, t.exit().describe(), b.mapped(), b.unmapped(), b.writes(), regs, b.descriptors(), b.segments());
    }
}
