package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.ProcessImage;

import java.util.List;

/**
 * A process's execution at the system-call level (design §8): its image when the slice started,
 * then its calls in order, the asynchronous effects between them, and how it ended. Keyed by call
 * index, not instruction count, so a rebuilt binary can be replayed against it. {@code abi}: the
 * guest's system-call convention and table the calls are read with.
 */
public record SyscallLog(SyscallAbi abi, ProcessImage image, List<SyscallCall> calls, List<AsyncEffect> async, ProcessEnd end) {
    public SyscallLog {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).args().length != abi.argCount()) {
                throw new IllegalArgumentException("call " + i + " has " + calls.get(i).args().length + " arguments; " + abi.guest() + " calls have "
                        + abi.argCount());
            }
        }
        calls = List.copyOf(calls);
        async = List.copyOf(async);
        for (int i = 0; i + 1 < calls.size(); i++) {
            if (!calls.get(i).returned()) throw new IllegalArgumentException("call " + i + " never returns but is not the last");
        }
        int last = 0;
        for (AsyncEffect a : async) {
            if (a.beforeCall() < last || a.beforeCall() > calls.size()) throw new IllegalArgumentException("asynchronous effects out of order");
            last = a.beforeCall();
        }
        boolean lastReturned = calls.isEmpty() || calls.get(calls.size() - 1).returned();
        boolean inCall = end.kind() == ProcessEnd.Kind.EXIT || end.kind() == ProcessEnd.Kind.IN_CALL;
        if (inCall == lastReturned) throw new IllegalArgumentException("the end " + end.kind() + " does not fit the last call");
    }
}
