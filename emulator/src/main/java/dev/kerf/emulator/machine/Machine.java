package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.device.Clock;
import dev.kerf.emulator.device.DeviceMismatchException;
import dev.kerf.emulator.device.HostClock;
import dev.kerf.emulator.device.PcPlatform;
import dev.kerf.emulator.device.PlatformConfig;
import dev.kerf.emulator.device.VirtualClock;
import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kerf PC: CPU, RAM, platform devices, booted from a Multiboot kernel, and the loop that
 * drives them.
 *
 * <p>The loop runs the CPU up to the next device deadline, then lets the devices catch up
 * ({@link PcPlatform#poll()}). With a virtual clock one instruction is one nanosecond, so a
 * deadline is an exact icount and a run repeats exactly; with a host clock the CPU runs in
 * bounded slices so devices are polled often enough. A halted CPU lets the clock idle to the next
 * deadline (virtual: a jump; host: a sleep an input thread can cut short).
 *
 * <p>Snapshots: {@link #capture()} takes the whole machine (CPU, RAM, devices, clock time) at the
 * instruction boundary where {@link #run()} returned; {@link #resume} builds a new machine from it
 * without the loader. The resumed machine's CPU counts instructions from 0 (a recording made from
 * it starts at icount 0) while its clock continues from the snapshot's time, so every device
 * deadline stays valid; with a virtual clock it then retires exactly the instructions the captured
 * machine would have retired had it run on (its icount N less), and prints the same bytes.
 * {@link #stopOnConsole} ends a run right after the instruction whose console write completes a
 * text, a deterministic place to capture a booted machine.
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
    private boolean stoppedOnConsole;
    private String consoleText;

    /**
     * The kernel is loaded (and checked), or the snapshot's CPU and RAM are restored, before any
     * device opens a host file; a snapshot's device state is checked before that too.
     */
    private Machine(MachineConfig config, MachineTap tap, MachineSnapshot snapshot) throws IOException {
        this.config = config;
        this.tap = tap;
        this.bus = new MachineBus();
        PhysicalMemory memory = new PhysicalMemory(config.ramBytes());
        this.cpu = new Cpu(memory, tap.wrap(bus));
        long start;
        if (snapshot == null) {
            MultibootLoader.boot(config, cpu);
            start = 0;
        } else {
            memory.restore(snapshot.ram());
            atIcountZero(snapshot.cpu()).restore(cpu);
            start = snapshot.clockNanos();
        }
        this.clock = config.virtualClock() ? new VirtualClock(() -> cpu.icount, start) : new HostClock(start);
        long epoch = config.virtualClock() ? VIRTUAL_EPOCH_SECONDS : System.currentTimeMillis() / 1000;
        this.platform = new PcPlatform(new PlatformConfig(config.ramBytes(), clock, config.consoleIn(),
                config.consoleOut(), config.disk(), config.netIn(), config.netOut(), epoch, start));
        if (snapshot != null) {
            try {
                platform.restoreState(snapshot.devices()); // the RTC epoch comes with it
            } catch (RuntimeException e) {
                // resume() checked the bytes: only a disk image that changed size since can get here
                RuntimeException failure = e instanceof DeviceMismatchException
                        ? new BootException(diskMismatch(config, e)) : e;
                try {
                    platform.close();
                } catch (IOException closing) {
                    failure.addSuppressed(closing);
                }
                throw failure;
            }
        }
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
        return new Machine(config, tap, null);
    }

    /**
     * A machine that continues from {@code snapshot}, built without the loader: the config's
     * kernel, command line and modules are ignored (may be null); its RAM size must be the
     * snapshot's; its clock choice, console, disk and network are used as at boot. The disk must be
     * the one the snapshot's machine had (same size; none if it had none): its content is the
     * user's file, not part of the snapshot. Console input starts fresh (its first byte is due one
     * byte-time after the snapshot's time), and so does network input (frame i of the capture is
     * due at the snapshot's time plus {@code ts(i) - ts(0)}). The CPU's icount is 0; the clock
     * continues from {@link MachineSnapshot#clockNanos()}. {@code tap.attach} sees the restored CPU.
     *
     * @throws BootException a RAM size or disk that does not fit the snapshot (one line)
     * @throws dev.kerf.emulator.device.DeviceStateException device state no platform wrote
     */
    public static Machine resume(MachineConfig config, MachineSnapshot snapshot, MachineTap tap) throws IOException {
        checkRam(config.ramBytes());
        if (snapshot.ram().length != config.ramBytes()) {
            throw new BootException(String.format("the snapshot holds %d bytes of RAM, the machine was given %d:"
                    + " resume with the snapshot's RAM size", snapshot.ram().length, config.ramBytes()));
        }
        try {
            PcPlatform.checkState(snapshot.devices(), diskSectors(config.disk()));
        } catch (DeviceMismatchException e) {
            throw new BootException(diskMismatch(config, e));
        }
        return new Machine(config, tap, snapshot);
    }

    /**
     * The disk's size in sectors as the ATA disk will see it, -1 for none; unknown (not checked
     * here) when it is no readable regular file: opening it fails next, naming the file.
     */
    private static long diskSectors(Path disk) {
        if (disk == null) {
            return -1;
        }
        try {
            return Files.isRegularFile(disk) ? Files.size(disk) / 512 : PcPlatform.DISK_UNKNOWN;
        } catch (IOException e) {
            return PcPlatform.DISK_UNKNOWN;
        }
    }

    private static String diskMismatch(MachineConfig config, RuntimeException e) {
        return (config.disk() == null ? "" : config.disk() + ": ") + e.getMessage();
    }

    /** The state with icount 0 (and the faults-at-this-icount count kept), for a resumed CPU. */
    private static CpuState atIcountZero(CpuState s) {
        return new CpuState(s.reg(), s.eip(), s.eflags(), s.segments(), s.tables(), s.control(), s.cpl(), s.dr(),
                s.fpu(), 0, s.halted(), s.shadow(), s.faultsSinceRetire());
    }

    /**
     * The machine now, at the instruction boundary where {@link #run()} returned (or before the
     * first run): CPU, a copy of RAM, device state, clock time. Changes nothing the guest can see
     * (it only writes console output already printed through to the host stream), so this
     * machine may run on with the same results.
     */
    public MachineSnapshot capture() {
        platform.flushConsole();
        return new MachineSnapshot(CpuState.capture(cpu), cpu.memory.array().clone(), platform.captureState(),
                clock.nanos(), clock.isVirtual());
    }

    /**
     * From now on {@link #run()} returns {@link RunResult.Reason#STOPPED} right after the
     * instruction whose write to COM1's transmitter completes {@code text} (the bytes as the guest
     * writes them, before any host buffering; a match may span writes). Deterministic under a
     * virtual clock: the same icount on every run. Bytes printed before this call do not count.
     * The watch ends when it stops a run: a later {@link #run()} goes on.
     */
    public void stopOnConsole(byte[] text) {
        platform.watchConsole(text);
        consoleText = printable(text);
    }

    private static String printable(byte[] text) {
        StringBuilder b = new StringBuilder();
        for (byte x : text) {
            int c = x & 0xFF;
            if (c == '"' || c == '\\') {
                b.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7F) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    /** True when the last {@link #run()} ended because the console printed the {@link #stopOnConsole} text. */
    public boolean stoppedOnConsole() {
        return stoppedOnConsole;
    }

    /** Instructions retired by this machine (from 0 at boot, and at resume). */
    public long icount() {
        return cpu.icount;
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
        stoppedOnConsole = false;
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
            if (platform.consoleMatched()) {
                platform.stopWatchingConsole(); // once: a later run() goes on
                stoppedOnConsole = true;
                return result(RunResult.Reason.STOPPED, 0, "the console printed \"" + consoleText + "\"");
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

    /** Every result: what the guest printed so far has reached the console output. */
    private RunResult result(RunResult.Reason reason, int status, String message) {
        platform.flushConsole();
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
