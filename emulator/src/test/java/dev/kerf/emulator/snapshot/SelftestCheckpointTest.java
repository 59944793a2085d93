package dev.kerf.emulator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.formats.journal.Position;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest OS's selftest: a checkpoint written at X and restored over a wrecked CPU and RAM
 * (every register, segment, control register and RAM byte overwritten) runs on to Y with the
 * same registers, RAM and console output as the run that never stopped. The devices are the
 * same in both runs (the virtual clock repeats exactly), so what is tested is CPU and RAM.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SelftestCheckpointTest {
    private static final long X = 4_000_000, Y = 9_000_000;
    private static final byte[] ID = new byte[32];

    @TempDir Path tmp;

    @Test
    void restoredOverAWreckedMachineRunsOnIdentically() throws Exception {
        CheckpointStore store = CheckpointStore.open(tmp, ID);
        long[] expected = new long[1];
        ByteArrayOutputStream consoleA = new ByteArrayOutputStream();
        RunResult a = SelftestGuest.run(new long[] {X, Y}, cpu -> {
            if (cpu.icount == X) write(store, cpu);
            else expected[0] = StateHasher.full(cpu);
        }, consoleA);
        assertThat(a.icount()).isEqualTo(Y);

        long[] actual = new long[1];
        ByteArrayOutputStream consoleB = new ByteArrayOutputStream();
        SelftestGuest.run(new long[] {X, Y}, cpu -> {
            if (cpu.icount == X) {
                wreck(cpu);
                Checkpoint c = nearest(store, Y);
                assertThat(c.icount()).isEqualTo(X);
                c.restore(cpu, cpu.memory);
            } else {
                actual[0] = StateHasher.full(cpu);
            }
        }, consoleB);
        assertThat(store.warnings()).isEmpty();
        assertThat(actual[0]).isEqualTo(expected[0]);
        assertThat(consoleB.toString()).isEqualTo(consoleA.toString()).contains("selftest");
    }

    private static void write(CheckpointStore store, Cpu cpu) {
        try {
            store.write(new Position(1, 2, 3, 0), cpu);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Checkpoint nearest(CheckpointStore store, long icount) {
        try {
            return store.nearest(icount).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites every piece of state a checkpoint must restore with garbage. */
    private static void wreck(Cpu cpu) {
        Random r = new Random(1);
        cpu.memory.fill(0, cpu.memory.size(), (byte) 0xA5);
        for (int i = 0; i < 8; i++) cpu.reg[i] = r.nextInt();
        cpu.eip = r.nextInt();
        cpu.setEflags(r.nextInt());
        for (var s : cpu.seg) s.set(r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt());
        cpu.ldtr.set(1, 2, 3, 4);
        cpu.tr.set(5, 6, 7, 8);
        cpu.gdtBase = cpu.idtBase = cpu.gdtLimit = cpu.idtLimit = 0;
        cpu.cr0 = cpu.cr2 = cpu.cr3 = cpu.cr4 = 0x1234;
        cpu.setCpl(3);
        cpu.icount = 77;
        cpu.halted = true;
        Arrays.fill(cpu.dr, -1);
    }
}
