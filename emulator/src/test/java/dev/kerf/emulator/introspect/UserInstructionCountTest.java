package dev.kerf.emulator.introspect;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.machine.RunResult;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker counts user instructions from privilege changes alone; an instruction hook (which
 * sees every instruction) must agree exactly, per process, on the bugreport scenario.
 */
class UserInstructionCountTest {
    /** Counts retired CPL-3 instructions per current pid: an announcement followed by icount + 1 retired. */
    private static final class Counter implements InstructionHook {
        final Map<Integer, Long> perPid = new TreeMap<>();
        private final GuestProfile profile;
        private final GuestMemory memory;
        private long lastIcount = -1;
        private int lastPid = -1;

        Counter(GuestProfile profile, GuestMemory memory) {
            this.profile = profile;
            this.memory = memory;
        }

        @Override
        public void beforeInstruction(Cpu cpu) {
            settle(cpu.icount);
            if (cpu.cpl == 3) {
                lastPid = profile.currentPid(memory);
                lastIcount = cpu.icount;
            } else {
                lastPid = -1;
            }
        }

        void settle(long icount) {
            if (lastPid >= 0 && icount == lastIcount + 1) perPid.merge(lastPid, 1L, Long::sum);
            lastPid = -1;
        }
    }

    @Test
    void userInstructionCountsEqualAnInstructionHooksCount() throws Exception {
        Counter[] counter = new Counter[1];
        GuestRun run = GuestRun.of("scenario=bugreport", (cpu, profile) -> {
            counter[0] = new Counter(profile, new GuestMemory(cpu.memory));
            cpu.hooks.add(counter[0]);
        });
        assertThat(run.result().reason()).isEqualTo(RunResult.Reason.EXIT);
        counter[0].settle(run.result().icount());
        Map<Integer, Long> tracked = new TreeMap<>();
        for (ProcessInfo p : run.history().processes()) tracked.put(p.pid(), p.userInstructions());
        assertThat(tracked).hasSizeGreaterThan(10).isEqualTo(counter[0].perPid);
    }
}
