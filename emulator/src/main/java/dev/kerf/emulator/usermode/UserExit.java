package dev.kerf.emulator.usermode;

import java.util.Arrays;

/** Why the process left user mode (or stopped being followed). One record per kind. */
public sealed interface UserExit {
    /** Short text for reports: {@code syscall 4 (1, 0x0804a000, 12, 0, 0)}. */
    String describe();

    /**
     * INT n from user code (a system call when {@code vector} is the OS's syscall vector): the
     * number register and the five argument registers (EBX ECX EDX ESI EDI on the kerf guest).
     */
    record Syscall(int vector, int nr, int[] args) implements UserExit {
        public Syscall {
            if (args.length != 5) throw new IllegalArgumentException("a syscall exit has 5 arguments, not " + args.length);
            args = args.clone();
        }

        @Override public int[] args() { return args.clone(); }

        @Override
        public String describe() {
            StringBuilder s = new StringBuilder("syscall ").append(nr).append(" (");
            for (int i = 0; i < 5; i++) s.append(i == 0 ? "" : ", ").append("0x").append(Integer.toHexString(args[i]));
            return s.append(vector == 0x80 ? ")" : ") by int 0x" + Integer.toHexString(vector)).toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Syscall s && s.vector == vector && s.nr == nr && Arrays.equals(s.args, args);
        }

        @Override
        public int hashCode() {
            return nr * 31 + Arrays.hashCode(args);
        }
    }

    /** An exception raised by user code: vector, error code (-1: none), eip of the faulting instruction, CR2 (page faults, else 0). */
    record Fault(int vector, int errorCode, int eip, int cr2) implements UserExit {
        @Override
        public String describe() {
            return String.format("fault %d (error %s) at eip 0x%08x%s", vector, errorCode < 0 ? "none" : "0x" + Integer.toHexString(errorCode),
                    eip, vector == 14 ? String.format(", cr2 0x%08x", cr2) : "");
        }
    }

    /** An external interrupt taken in user mode (preemption point): only where it came matters. */
    record Interrupt(int vector) implements UserExit {
        @Override
        public String describe() {
            return "interrupt " + vector;
        }
    }

    /** The recording (or the window) ended while the process ran in user mode. */
    record End() implements UserExit {
        @Override
        public String describe() {
            return "end of the slice";
        }
    }
}
