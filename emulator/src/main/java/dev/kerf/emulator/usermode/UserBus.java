package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.CpuBus;

/**
 * The bus of the user-mode machine: nothing outside the CPU answers. User code cannot reach port
 * I/O (IOPL 0 and no I/O bitmap: #GP first), no interrupt is ever requested, and a time stamp is
 * not part of a process slice, so RDTSC ends the replay with a clear message.
 */
final class UserBus implements CpuBus {
    @Override
    public int in(int port, int size) {
        throw new UserModeException("port input from user mode (port 0x" + Integer.toHexString(port) + ")");
    }

    @Override
    public void out(int port, int size, int value) {
        throw new UserModeException("port output from user mode (port 0x" + Integer.toHexString(port) + ")");
    }

    @Override
    public boolean interruptRequested() {
        return false;
    }

    @Override
    public int acknowledgeInterrupt() {
        throw new IllegalStateException("no interrupt is ever requested on the user-mode bus");
    }

    @Override
    public long readTsc(long icount) {
        throw new UserModeException("RDTSC in user mode: a process slice carries no time stamps");
    }
}
