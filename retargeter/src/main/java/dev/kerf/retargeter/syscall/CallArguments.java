package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.usermode.MemoryWrite;

import java.util.ArrayList;
import java.util.List;

/**
 * What the arguments of a call mean, from the guest's syscall table ({@link SyscallAbi}): the
 * bytes a call passes in (write's buffer, paths), and where the kernel's writes belong (relative
 * to the pointer argument whose buffer holds them). The same rules as {@code kerf trace}'s decoder.
 */
public final class CallArguments {
    /** Most bytes of one input kept in the log (a longer write keeps its first MAX_INPUT bytes, marked cut). */
    public static final int MAX_INPUT = 1 << 20;
    /** Most bytes of a path kept (a longer one is marked cut). */
    public static final int MAX_PATH = 4096;
    /** How far past a pointer argument of unknown size a kernel write still counts as "in its buffer". */
    static final int STRUCT_REACH = 4096;

    private CallArguments() {}

    /** The bytes passed in through pointer arguments, read from the process's memory at the call's entry. */
    static List<CallInput> inputs(SyscallAbi abi, Cpu cpu, int nr, int[] args) {
        return inputs(abi, (va, n) -> UserMemory.read(cpu, va, n), nr, args);
    }

    /** As above, reading through {@code memory} ({@code n} bytes at {@code va}, or null when any is unmapped). */
    static List<CallInput> inputs(SyscallAbi abi, UserMemory.Reader memory, int nr, int[] args) {
        List<CallInput> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!abi.isPassedIn(nr, i)) continue;
            CallInput in = abi.isCounted(nr, i) ? buffer(memory, i, args[i], i + 1 < args.length ? args[i + 1] : 0) : path(memory, i, args[i]);
            if (in != null) out.add(in);
        }
        return out;
    }

    private static CallInput buffer(UserMemory.Reader memory, int arg, int va, int count) {
        if (count < 0) return null;
        int n = Math.min(count, MAX_INPUT);
        byte[] b = memory.read(va, n);
        return b == null ? null : new CallInput(arg, b, n < count);
    }

    private static CallInput path(UserMemory.Reader memory, int arg, int va) {
        java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < MAX_PATH; i++) {
            byte[] c = memory.read(va + i, 1);
            if (c == null) return null;
            if (c[0] == 0) return new CallInput(arg, s.toByteArray(), false);
            s.write(c[0]);
        }
        byte[] nul = memory.read(va + MAX_PATH, 1);
        return new CallInput(arg, s.toByteArray(), nul == null || nul[0] != 0);
    }

    /** How far past argument {@code i}'s value a kernel write still belongs to its buffer. */
    private static long reach(SyscallAbi abi, int nr, int[] args, int i) {
        boolean counted = abi.isFilled(nr, i) || abi.isCounted(nr, i);
        return counted && i + 1 < args.length ? Integer.toUnsignedLong(args[i + 1]) : STRUCT_REACH;
    }

    /**
     * The kernel's writes of a call, each stored relative to the pointer argument whose buffer holds
     * it whole (the closest one below it), else at its address. A buffer reaches {@code count} bytes
     * for read/write, {@link #STRUCT_REACH} for other pointers.
     */
    static List<CallWrite> relativize(SyscallAbi abi, int nr, int[] args, List<MemoryWrite> writes) {
        List<CallWrite> out = new ArrayList<>();
        for (MemoryWrite w : writes) {
            int best = -1;
            long bestBase = -1;
            long start = Integer.toUnsignedLong(w.address()), end = start + w.bytes().length;
            for (int i = 0; i < args.length; i++) {
                if (!abi.isPointer(nr, i)) continue;
                long base = Integer.toUnsignedLong(args[i]);
                long reach = reach(abi, nr, args, i);
                if (base != 0 && start >= base && end <= base + reach && base > bestBase) {
                    best = i;
                    bestBase = base;
                }
            }
            out.add(best < 0 ? new CallWrite(CallWrite.ABSOLUTE, w.address(), w.bytes())
                    : new CallWrite(best, (int) (start - bestBase), w.bytes()));
        }
        return out;
    }

    /**
     * A process slice holds only the bytes a call changed, so a struct the kernel filled (pipe's two
     * fds, waitpid's status) may be stored in pieces, its unchanged bytes missing; a rebuilt program
     * whose buffer held other bytes there would read a wrong value. For each pointer the kernel
     * wrote into that is not a filled buffer (read's is exact already), the log therefore keeps one
     * run from the pointer to the end of the last 4-byte word changed, its unchanged bytes as they
     * were at the call's entry ({@code cpu} stands there).
     */
    static List<CallWrite> wholeStructs(SyscallAbi abi, Cpu cpu, int nr, int[] args, List<CallWrite> writes) {
        List<CallWrite> out = new ArrayList<>();
        boolean[] done = new boolean[args.length];
        for (CallWrite w : writes) {
            int i = w.arg();
            if (i == CallWrite.ABSOLUTE || abi.isFilled(nr, i) || abi.isPassedIn(nr, i)) {
                out.add(w);
                continue;
            }
            if (done[i]) continue;
            done[i] = true;
            long end = 0;
            for (CallWrite x : writes) if (x.arg() == i) end = Math.max(end, Integer.toUnsignedLong(x.offset()) + x.bytes().length);
            int span = (int) Math.min(STRUCT_REACH, (end + 3) & ~3L);
            byte[] whole = UserMemory.read(cpu, args[i], span);
            if (whole == null) {
                for (CallWrite x : writes) if (x.arg() == i) out.add(x);
                continue;
            }
            for (CallWrite x : writes) if (x.arg() == i) System.arraycopy(x.bytes(), 0, whole, x.offset(), x.bytes().length);
            out.add(new CallWrite(i, 0, whole));
        }
        return out;
    }
}
