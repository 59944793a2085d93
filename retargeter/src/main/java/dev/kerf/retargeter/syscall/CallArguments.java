package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.SyscallFormat;
import dev.kerf.emulator.usermode.MemoryWrite;

import java.util.ArrayList;
import java.util.List;

/**
 * What the arguments of a call mean, from the guest's one syscall table ({@link SyscallFormat#kinds}:
 * {@code d} number, {@code x} pointer, {@code s} string or buffer): which are pointers, how far
 * the buffer each names reaches, and the bytes a call passes in (write's buffer, paths). The same
 * rules as {@code kerf trace}'s decoder: read's buffer is output, write's is {@code count} bytes,
 * any other {@code s} argument is a NUL-terminated path.
 */
public final class CallArguments {
    /** Most bytes of one input kept in the log (a longer write keeps its first MAX_INPUT bytes, marked cut). */
    public static final int MAX_INPUT = 1 << 20;
    /** Most bytes of a path kept (a longer one is marked cut). */
    public static final int MAX_PATH = 4096;
    /** How far past a pointer argument of unknown size a kernel write still counts as "in its buffer". */
    static final int STRUCT_REACH = 4096;

    private CallArguments() {}

    /** Argument {@code i} of call {@code nr} is a pointer (kind {@code s} or {@code x}). */
    public static boolean isPointer(int nr, int i) {
        String k = SyscallFormat.kinds(nr);
        return k != null && i < k.length() && (k.charAt(i) == 's' || k.charAt(i) == 'x');
    }

    /**
     * Call {@code nr} uses argument register {@code i}. The table is the guest kernel's whole call
     * table, so a number it does not know is one the kernel answers with ENOSYS without reading any
     * argument: none is used (a rebuilt binary leaves other values in those registers).
     */
    public static boolean isUsed(int nr, int i) {
        String k = SyscallFormat.kinds(nr);
        return k != null && i < k.length();
    }

    /** Argument {@code i} is a buffer the process writes out: compared by content against a rebuilt binary. */
    public static boolean isOutputBuffer(int nr, int i) {
        return isString(nr, i) && !isRead(nr);
    }

    static boolean isString(int nr, int i) {
        String k = SyscallFormat.kinds(nr);
        return k != null && i < k.length() && k.charAt(i) == 's';
    }

    static boolean isRead(int nr) {
        return SyscallFormat.name(nr).equals("read");
    }

    static boolean isWrite(int nr) {
        return SyscallFormat.name(nr).equals("write");
    }

    /** The call never returns when it succeeds. */
    public static boolean isExit(int nr) {
        String n = SyscallFormat.name(nr);
        return n.equals("exit") || n.equals("exit_group");
    }

    /** The bytes passed in through pointer arguments, read from the process's memory at the call's entry. */
    static List<CallInput> inputs(Cpu cpu, int nr, int[] args) {
        List<CallInput> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            if (!isOutputBuffer(nr, i)) continue;
            CallInput in = isWrite(nr) ? buffer(cpu, i, args[i], args[i + 1]) : path(cpu, i, args[i]);
            if (in != null) out.add(in);
        }
        return out;
    }

    private static CallInput buffer(Cpu cpu, int arg, int va, int count) {
        if (count < 0) return null;
        int n = Math.min(count, MAX_INPUT);
        byte[] b = UserMemory.read(cpu, va, n);
        return b == null ? null : new CallInput(arg, b, n < count);
    }

    private static CallInput path(Cpu cpu, int arg, int va) {
        byte[] b = UserMemory.cString(cpu, va, MAX_PATH);
        return b == null ? null : new CallInput(arg, b, b.length == MAX_PATH && !UserMemory.nulAt(cpu, va + MAX_PATH));
    }

    /**
     * The kernel's writes of a call, each stored relative to the pointer argument whose buffer holds
     * it whole (the closest one below it), else at its address. A buffer reaches {@code count} bytes
     * for read/write, {@link #STRUCT_REACH} for other pointers.
     */
    static List<CallWrite> relativize(int nr, int[] args, List<MemoryWrite> writes) {
        List<CallWrite> out = new ArrayList<>();
        for (MemoryWrite w : writes) {
            int best = -1;
            long bestBase = -1;
            long start = Integer.toUnsignedLong(w.address()), end = start + w.bytes().length;
            for (int i = 0; i < 5; i++) {
                if (!isPointer(nr, i)) continue;
                long base = Integer.toUnsignedLong(args[i]);
                long reach = (isRead(nr) || isWrite(nr)) && i + 1 < 5 ? Integer.toUnsignedLong(args[i + 1]) : STRUCT_REACH;
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
     * whose buffer held other bytes there would read a wrong value. For each {@code x} pointer the
     * kernel wrote into, the log therefore keeps one run from the pointer to the end of the last
     * 4-byte word changed, its unchanged bytes as they were at the call's entry ({@code cpu} stands
     * there). Buffers of kind {@code s} (read's) are exact already.
     */
    static List<CallWrite> wholeStructs(Cpu cpu, int nr, int[] args, List<CallWrite> writes) {
        List<CallWrite> out = new ArrayList<>();
        boolean[] done = new boolean[5];
        for (CallWrite w : writes) {
            int i = w.arg();
            if (i == CallWrite.ABSOLUTE || isString(nr, i)) {
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
