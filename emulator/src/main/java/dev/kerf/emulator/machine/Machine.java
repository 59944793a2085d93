package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.device.Clock;
import dev.kerf.emulator.device.HostClock;
import dev.kerf.emulator.device.PcPlatform;
import dev.kerf.emulator.device.PlatformConfig;
import dev.kerf.emulator.device.VirtualClock;
import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.io.IOException;

/**
 * The kerf PC: CPU, RAM, platform devices, booted from a Multiboot kernel, and the loop that
 * drives them.
 *
 * <p>The loop runs the CPU up to the next device deadline, then lets the devices catch up
 * ({@link PcPlatform#poll()}). With a virtual clock one instruction is one nanosecond, so a
 * deadline is an exact icount and a run repeats exactly; with a host clock the CPU runs in
 * bounded slices so devices are polled often enough. A halted CPU lets the clock idle to the next
 * deadline (virtual: a jump; host: a sleep an input thread can cut short).
 */
public final class Machine implements AutoCloseable {
    /** Smallest RAM that holds the low area, the 1 MiB hole and a kernel. */
    public static final int MIN_RAM = 2 << 20;
    /** Host clock: instructions between device polls (about a millisecond of guest time or less). */
    static final long HOST_SLICE = 200_000;
    /** Host clock: slices end on multiples of this icount (at most this many instructions late). */
    public static final long SLICE_QUANTUM = 256;
    /** Fixed RTC start for the virtual clock (2026-01-01T00:00:00Z), so runs repeat. */
    static final long VIRTUAL_EPOCH_SECONDS = 1_767_225_600L;
    private static final int IF = 1 << 9;

    private final MachineConfig config;
    private final MachineBus bus;
    private final Cpu cpu;
    private final Clock clock;
    private final PcPlatform platform;
    private final MachineTap tap;
    private volatile boolean stopRequested;

    /** The kernel is loaded (and checked) before any device opens a host file. */
    private Machine(MachineConfig config, MachineTap tap) throws IOException {
        this.config = config;
        this.tap = tap;
        this.bus = new MachineBus();
        this.cpu = new Cpu(new PhysicalMemory(config.ramBytes()), tap.wrap(bus));
        MultibootLoader.boot(config, cpu);
        this.clock = config.virtualClock() ? new VirtualClock(() -> cpu.icount) : new HostClock();
        long epoch = config.virtualClock() ? VIRTUAL_EPOCH_SECONDS : System.currentTimeMillis() / 1000;
        this.platform = new PcPlatform(new PlatformConfig(config.ramBytes(), clock, config.consoleIn(),
                config.consoleOut(), config.disk(), config.netIn(), config.netOut(), epoch));
        bus.attach(cpu, platform);
        tap.attach(cpu);
    }

    /**
     * Loads the kernel and modules and prepares the CPU as a Multiboot loader leaves it.
     *
     * @throws BootException (a one-line message for the user) for a bad kernel/module/config
     */
    public static Machine boot(MachineConfig config) throws IOException {
        return boot(config, MachineTap.NONE);
    }

    /** As {@link #boot(MachineConfig)}, with {@code tap} between the CPU and the platform (the recorder). */
    public static Machine boot(MachineConfig config, MachineTap tap) throws IOException {
        checkRam(config.ramBytes());
        return new Machine(config, tap);
    }

    private static void checkRam(int ramBytes) {
        if (ramBytes < MIN_RAM || (ramBytes & 0xFFF) != 0) {
            throw new BootException(String.format("RAM size %d bytes is not supported: it must be at least %d MiB"
                    + " and a multiple of 4 KiB", ramBytes, MIN_RAM >> 20));
        }
    }

    public Cpu cpu() { return cpu; }

    public PcPlatform platform() { return platform; }

    /** Runs until debug-exit, a reset request, the instruction limit, a triple fault, or a halt nothing can wake. */
    public RunResult run() {
        while (true) {
            if (platform.exitRequested()) {
                return result(RunResult.Reason.EXIT, platform.exitStatus(), "guest exited");
            }
            if (platform.resetRequested()) {
                return result(RunResult.Reason.RESET, 0, String.format("guest reset the machine (%s) at icount %d:"
                        + " the run ends there", platform.resetSource(), cpu.icount));
            }
            if (stopRequested) {
                return result(RunResult.Reason.STOPPED, 0, "stopped");
            }
            long max = config.maxInsns();
            if (max > 0 && cpu.icount >= max) {
                return result(RunResult.Reason.MAX_INSNS, 0, "instruction limit " + max + " reached");
            }
            CpuStop stop = cpu.run(nextLimit());
            if (!tap.sliceEnded()) {
                return result(RunResult.Reason.STOPPED, 0, "stopped by " + tap);
            }
            if (stop == CpuStop.TRIPLE_FAULT) {
                return result(RunResult.Reason.TRIPLE_FAULT, 0, TripleFaultReport.message(cpu, config.kernel()));
            }
            if (stop == CpuStop.HALTED && !idle()) {
                return result(RunResult.Reason.HALTED_FOREVER, 0, String.format("guest halted with %s at eip 0x%08x"
                        + " (icount %d): %s", (cpu.getEflags() & IF) == 0 ? "interrupts disabled"
                        : "no timer or input pending", cpu.eip, cpu.icount, (cpu.getEflags() & IF) == 0
                        ? "the guest halted or powered off" : "nothing can wake it"));
            }
            platform.poll();
        }
    }

    /**
     * The icount at which the CPU must come back so devices can be polled. A port access that
     * brings a deadline forward ends the slice sooner (see {@link MachineBus}).
     */
    private long nextLimit() {
        long now = clock.nanos();
        long deadline = platform.nextDeadlineNanos();
        bus.sliceEndsAt(deadline);
        long budget = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, deadline - now);
        long limit;
        if (clock.isVirtual()) {
            limit = budget > Long.MAX_VALUE - cpu.icount ? Long.MAX_VALUE : cpu.icount + budget;
        } else {
            // Host time is no function of icount, so the slice may end a little later than the
            // deadline: ending it on a multiple of SLICE_QUANTUM makes the interrupts the poll
            // raises land on such icounts, which the journal stores in fewer bytes.
            limit = (cpu.icount + Math.min(budget, HOST_SLICE) + SLICE_QUANTUM - 1) & -SLICE_QUANTUM;
        }
        limit = Math.min(limit, tap.nextBoundary());
        long max = config.maxInsns();
        return max > 0 ? Math.min(limit, max) : limit;
    }

    /**
     * The CPU halted: let time pass until a device may interrupt. False when nothing ever can
     * (interrupts disabled, or a virtual clock with no device deadline).
     */
    private boolean idle() {
        if ((cpu.getEflags() & IF) == 0) {
            return false;
        }
        platform.idle();
        long deadline = platform.nextDeadlineNanos();
        if (deadline == Long.MAX_VALUE && clock.isVirtual()) {
            return false;
        }
        clock.idleUntil(deadline);
        return true;
    }

    private RunResult result(RunResult.Reason reason, int status, String message) {
        return new RunResult(reason, status, cpu.icount, message);
    }

    /** From another thread (Ctrl-C): {@link #run()} returns STOPPED after the current instruction. */
    public void requestStop() {
        stopRequested = true;
        cpu.requestStop();
        clock.wakeUp();
    }

    @Override
    public void close() throws IOException {
        platform.close();
    }
}
