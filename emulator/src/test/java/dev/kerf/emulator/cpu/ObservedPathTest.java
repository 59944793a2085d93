package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.MemoryHook;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Instruction and memory hooks: the observed path gives exactly the results of the fast path,
 * and reports every instruction and every data access in order.
 */
class ObservedPathTest {
    private static final int BASE = CpuRig.DATA;

    /** Records accesses as "R lin phys size value" / "W ...", hex. */
    private static final class AccessLog implements MemoryHook {
        final List<String> seen = new ArrayList<>();
        @Override public void read(Cpu c, int linear, int physical, int size, int value) {
            seen.add(String.format("R %x %x %d %x", linear, physical, size, value));
        }
        @Override public void written(Cpu c, int linear, int physical, int size, int value) {
            seen.add(String.format("W %x %x %d %x", linear, physical, size, value));
        }
    }

    @Test
    void randomProgramsGiveTheSameStateWithAndWithoutInstructionAndMemoryHooks() {
        SplittableRandom rnd = new SplittableRandom(5_2026);
        for (int program = 0; program < 200; program++) {
            byte[] code = TranslatorTest.randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            CpuRig plain = TranslatorTest.rig(code, seed, TranslatorTest.Mode.COMPILED);
            CpuRig hooked = TranslatorTest.rig(code, seed, TranslatorTest.Mode.COMPILED);
            long[] counts = new long[3];
            hooked.cpu.hooks.add((InstructionHook) c -> counts[0]++);
            hooked.cpu.hooks.add(new MemoryHook() {
                @Override public void read(Cpu c, int linear, int physical, int size, int value) { counts[1]++; }
                @Override public void written(Cpu c, int linear, int physical, int size, int value) { counts[2]++; }
            });
            assertThat(plain.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(hooked.run(10_000)).isEqualTo(CpuStop.HALTED);
            String what = "program " + HexFormat.of().formatHex(code);
            assertThat(hooked.r).as(what).containsExactly(plain.r);
            assertThat(hooked.flags()).as(what).isEqualTo(plain.flags());
            assertThat(hooked.cpu.eip).as(what).isEqualTo(plain.cpu.eip);
            assertThat(hooked.cpu.icount).as(what).isEqualTo(plain.cpu.icount);
            assertThat(hooked.ram.array()).as(what).isEqualTo(plain.ram.array());
            assertThat(counts[0]).as("one call per retired instruction").isEqualTo(hooked.cpu.icount);
            assertThat(counts[2]).as("the closing MOV, CALL and PUSH write memory").isPositive();
        }
    }

    /** Records accesses with the instruction they belong to: "icount@address R|W linear size value". */
    private static final class PlacedAccessLog implements MemoryHook {
        final List<String> seen = new ArrayList<>();
        @Override public void read(Cpu c, int linear, int physical, int size, int value) {
            seen.add(String.format("%d@%x R %x %d %x", c.icount, c.instructionAddress(), linear, size, value));
        }
        @Override public void written(Cpu c, int linear, int physical, int size, int value) {
            seen.add(String.format("%d@%x W %x %d %x", c.icount, c.instructionAddress(), linear, size, value));
        }
    }

    @Test
    void aMemoryHookSeesTheSameAccessesAtTheSamePlacesInBlocksAndInterpreted() {
        SplittableRandom rnd = new SplittableRandom(52);
        for (int program = 0; program < 150; program++) {
            byte[] code = TranslatorTest.randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            CpuRig fast = TranslatorTest.rig(code, seed, TranslatorTest.Mode.COMPILED);
            CpuRig stepped = TranslatorTest.rig(code, seed, TranslatorTest.Mode.INTERPRETER);
            PlacedAccessLog fastLog = new PlacedAccessLog(), steppedLog = new PlacedAccessLog();
            fast.cpu.hooks.add(fastLog);
            stepped.cpu.hooks.add(steppedLog);
            stepped.cpu.hooks.add((InstructionHook) c -> { });
            assertThat(fast.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(stepped.run(10_000)).isEqualTo(CpuStop.HALTED);
            String what = "program " + HexFormat.of().formatHex(code);
            assertThat(fastLog.seen).as(what).isNotEmpty().containsExactlyElementsOf(steppedLog.seen);
            assertThat(fast.r).as(what).containsExactly(stepped.r);
            assertThat(fast.ram.array()).as(what).isEqualTo(stepped.ram.array());
        }
    }

    @Test
    void pushPopMovsAndRepStosReportExactlyTheirAccessesInOrder() {
        CpuRig rig = new CpuRig();
        AccessLog log = new AccessLog();
        rig.cpu.hooks.add(log);
        List<String> insns = new ArrayList<>();
        rig.cpu.hooks.add((InstructionHook) c -> insns.add(Long.toHexString(c.icount) + "@" + Integer.toHexString(c.eip)));
        rig.ram.write32(BASE, 0xCAFEBABE);
        rig.code("b8 44 33 22 11" + "50" + "5b" + "be 00 00 02 00" + "bf 10 00 02 00" + "a5"
                + "b9 02 00 00 00" + "66 b8 ef be" + "f3 66 ab" + "f4");
        // mov eax, 0x11223344; push eax; pop ebx; mov esi, DATA; mov edi, DATA+0x10; movsd;
        // mov ecx, 2; mov ax, 0xbeef; rep stosw; hlt

        assertThat(rig.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log.seen).containsExactly(
                "W 7fffc 7fffc 4 11223344",
                "R 7fffc 7fffc 4 11223344",
                "R 20000 20000 4 cafebabe",
                "W 20010 20010 4 cafebabe",
                "W 20014 20014 2 beef",
                "W 20016 20016 2 beef");
        assertThat(insns).containsExactly("0@1000", "1@1005", "2@1006", "3@1007", "4@100c", "5@1011",
                "6@1012", "7@1017", "8@101b", "9@101b", "a@101e");
        assertThat(rig.cpu.icount).isEqualTo(11);
    }

    @Test
    void writesReportTheBytesStoredAndPagedAccessesTheirPhysicalAddress() {
        PmodeFixture f = new PmodeFixture().paging();
        f.memory.write32(PAGE_TABLE + 0x300 * 4, 0x200000 | 3);         // 0x300000 -> 0x200000
        AccessLog log = new AccessLog();
        f.cpu.hooks.add(log);
        f.put(0x1000,
                0xB8, 0x34, 0x12, 0x00, 0x00,                           // mov eax, 0x1234
                0xA2, 0x08, 0x00, 0x30, 0x00,                           // mov [0x300008], al
                0x8B, 0x0D, 0x06, 0x00, 0x30, 0x00,                     // mov ecx, [0x300006]
                0xF4);
        f.cpu.eip = 0x1000;

        assertThat(f.cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log.seen).containsExactly("W 300008 200008 1 34", "R 300006 200006 4 340000");
    }

    @Test
    void aSystemCallReportsTheCpusOwnAccessesAndEndsAsWithoutHooks() {
        PmodeFixture plain = syscallMachine();
        PmodeFixture hooked = syscallMachine();
        AccessLog log = new AccessLog();
        hooked.cpu.hooks.add(log);
        long[] insns = new long[1];
        hooked.cpu.hooks.add((InstructionHook) c -> insns[0]++);

        assertThat(plain.cpu.run(1000)).isEqualTo(CpuStop.HALTED);
        assertThat(hooked.cpu.run(1000)).isEqualTo(CpuStop.HALTED);

        assertThat(hooked.cpu.reg).containsExactly(plain.cpu.reg);
        assertThat(hooked.cpu.eip).isEqualTo(plain.cpu.eip);
        assertThat(hooked.cpu.icount).isEqualTo(plain.cpu.icount);
        assertThat(hooked.cpu.getEflags()).isEqualTo(plain.cpu.getEflags());
        assertThat(hooked.cpu.cr2).isEqualTo(plain.cpu.cr2);
        assertThat(hooked.memory.array()).isEqualTo(plain.memory.array());
        int gate = IDT + 0x80 * 8;
        assertThat(log.seen).as("IDT gate, TSS.esp0/ss0, the frame pushed on the kernel stack").contains(
                String.format("R %x %x 4 %x", gate, gate, plain.memory.read32(gate)),
                String.format("R %x %x 4 %x", TSS + 4, TSS + 4, KERNEL_STACK_TOP),
                String.format("W %x %x 4 %x", KERNEL_STACK_TOP - 4, KERNEL_STACK_TOP - 4, UDATA),
                String.format("W %x %x 4 %x", KERNEL_STACK_TOP - 8, KERNEL_STACK_TOP - 8, USER_STACK_TOP),
                "W 100800 100800 4 2b");
        assertThat(log.seen).as("the faulting read of a supervisor page completed nothing")
                .noneMatch(s -> s.startsWith("R 8000 "));
        assertThat(insns[0]).as("announced: retired ones plus the faulting MOV").isEqualTo(hooked.cpu.icount + 1);
    }

    /** Ring 3: mov eax, 42; int 0x80 (inc: ebx = eax + 1; iretd); store ebx; read a supervisor page (#PF, HLT). */
    private static PmodeFixture syscallMachine() {
        PmodeFixture f = new PmodeFixture().defaultGates().paging();
        f.gate(0x80, KCODE, 0xD000, 0xE, 3, true);
        f.put(0xD000, 0x89, 0xC3, 0x43, 0xCF);
        f.put(handler(Vectors.PF), 0xF4);
        f.put(USER_CODE,
                0xB8, 0x2A, 0x00, 0x00, 0x00,
                0xCD, 0x80,
                0x89, 0x1D, 0x00, 0x08, 0x10, 0x00,
                0xA1, 0x00, 0x80, 0x00, 0x00);
        f.ring3(USER_CODE, USER_STACK_TOP);
        return f;
    }

    @Test
    void aHookRegisteredByAnotherHookDuringARunTakesEffectAtOnce() {
        PmodeFixture f = new PmodeFixture().defaultGates();
        f.put(0x1000, 0x90, 0x0F, 0x0B);                                // nop; ud2
        f.put(handler(Vectors.UD), 0x40, 0x40, 0x40, 0xF4);             // inc eax x3; hlt
        f.cpu.eip = 0x1000;
        List<Integer> eips = new ArrayList<>();
        InstructionHook counter = c -> eips.add(c.eip);
        f.cpu.hooks.add((InterruptHook) (c, v, s, code) -> c.hooks.add(counter));

        assertThat(f.cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(eips).containsExactly(handler(Vectors.UD), handler(Vectors.UD) + 1,
                handler(Vectors.UD) + 2, handler(Vectors.UD) + 3);
    }

    @Test
    void removingTheMemoryHookStopsReportsAndRestoresTheFastPath() {
        CpuRig rig = new CpuRig();
        AccessLog log = new AccessLog();
        rig.cpu.hooks.add(log);
        rig.code("89 1d 00 00 02 00" + "89 1d 00 00 02 00" + "f4");     // mov [DATA], ebx twice; hlt
        rig.r[Cpu.EBX] = 7;
        rig.run(1);
        rig.cpu.hooks.remove(log);
        rig.r[Cpu.EBX] = 9;

        assertThat(rig.cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log.seen).containsExactly("W 20000 20000 4 7");
        assertThat(rig.ram.read32(BASE)).isEqualTo(9);
    }

    /**
     * A hook that asks for a stop (what a watchpoint or "run to icount N" does) stops the CPU at
     * the same instruction whether blocks are compiled at once or the interpreter runs alone:
     * an instruction hook at a random icount, a memory hook at a random write (with the
     * instruction hook, then alone), a hook for reads at a random read.
     */
    @Test
    void aStopAskedByAHookLandsAtTheSameInstructionTranslatedAndInterpreted() {
        SplittableRandom rnd = new SplittableRandom(7_2026);
        int stopsByInstruction = 0, stopsByWrite = 0, stopsByWatchedWrite = 0, stopsByRead = 0;
        for (int program = 0; program < 150; program++) {
            byte[] code = TranslatorTest.randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            long stopAt = 1 + rnd.nextInt(60);
            int writeNumber = 1 + rnd.nextInt(4);
            int readNumber = 1 + rnd.nextInt(3);
            String what = "program " + HexFormat.of().formatHex(code) + " stop at " + stopAt + ", write " + writeNumber;
            CpuRig[] rigs = {TranslatorTest.rig(code, seed, TranslatorTest.Mode.INTERPRETER),
                    TranslatorTest.rig(code, seed, TranslatorTest.Mode.COMPILED)};
            String[] where = new String[2];
            for (int i = 0; i < 2; i++) {
                CpuRig r = rigs[i];
                InstructionHook byIcount = c -> {
                    if (c.icount == stopAt) c.requestStop();
                };
                r.cpu.hooks.add(byIcount);
                CpuStop first = r.run(10_000);
                int[] writes = {0};
                MemoryHook byWrite = new MemoryHook() {
                    @Override public void read(Cpu c, int linear, int physical, int size, int value) { }
                    @Override public void written(Cpu c, int linear, int physical, int size, int value) {
                        if (++writes[0] == writeNumber || writes[0] == 2 * writeNumber) c.requestStop();
                    }
                };
                r.cpu.hooks.add(byWrite);
                CpuStop second = r.run(10_000);
                // the memory hook alone (blocks in their plain form): stopped at its next stop
                r.cpu.hooks.remove(byIcount);
                CpuStop third = r.run(10_000);
                // a hook for reads alone (POP included), stopping at a random read
                r.cpu.hooks.remove(byWrite);
                int[] reads = {0};
                r.cpu.hooks.add(new MemoryHook() {
                    @Override public void read(Cpu c, int linear, int physical, int size, int value) {
                        if (++reads[0] == readNumber) c.requestStop();
                    }
                });
                CpuStop fourth = r.run(10_000);
                if (i == 1 && first == CpuStop.STOP_REQUESTED) stopsByInstruction++;
                if (i == 1 && second == CpuStop.STOP_REQUESTED) stopsByWrite++;
                if (i == 1 && third == CpuStop.STOP_REQUESTED) stopsByWatchedWrite++;
                if (i == 1 && fourth == CpuStop.STOP_REQUESTED) stopsByRead++;
                where[i] = first + " " + second + " " + third + " " + fourth + " icount " + r.cpu.icount + " eip " + Integer.toHexString(r.cpu.eip)
                        + " regs " + java.util.Arrays.toString(r.r) + " flags " + Integer.toHexString(r.flags());
            }
            assertThat(where[1]).as(what).isEqualTo(where[0]);
        }
        assertThat(stopsByInstruction).as("programs stopped by the instruction hook").isGreaterThan(100);
        assertThat(stopsByWrite).as("programs stopped by the memory hook").isGreaterThan(100);
        assertThat(stopsByWatchedWrite).as("programs stopped by the memory hook alone").isGreaterThan(50);
        assertThat(stopsByRead).as("programs stopped by the read hook").isGreaterThan(50);
    }
    /** Only writes, as "icount@address W linear size value". */
    private static final class WriteLog implements MemoryHook {
        final List<String> seen = new ArrayList<>();
        @Override public void written(Cpu c, int linear, int physical, int size, int value) {
            seen.add(String.format("%d@%x W %x %d %x", c.icount, c.instructionAddress(), linear, size, value));
        }
    }

    /**
     * A hook that overrides only {@code written} is called for every write, at the same places as
     * one that observes both kinds, translated or interpreted; reads stay on the fast path (the
     * executor's read micro-TLB fills, its write side stays empty) and a hook that overrides only
     * {@code read} registered next to it is called for reads only.
     */
    @Test
    void aHookForWritesOnlyLeavesReadsOnTheFastPathAndSeesEveryWrite() {
        SplittableRandom rnd = new SplittableRandom(9_2026);
        int readsCached = 0;
        for (int program = 0; program < 150; program++) {
            byte[] code = TranslatorTest.randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            String what = "program " + HexFormat.of().formatHex(code);
            CpuRig both = TranslatorTest.rig(code, seed, TranslatorTest.Mode.INTERPRETER);
            PlacedAccessLog all = new PlacedAccessLog();
            both.cpu.hooks.add(all);
            assertThat(both.run(10_000)).isEqualTo(CpuStop.HALTED);
            List<String> writes = all.seen.stream().filter(a -> a.contains(" W ")).toList();
            for (TranslatorTest.Mode mode : new TranslatorTest.Mode[] {TranslatorTest.Mode.INTERPRETER, TranslatorTest.Mode.COMPILED}) {
                CpuRig rig = TranslatorTest.rig(code, seed, mode);
                WriteLog log = new WriteLog();
                rig.cpu.hooks.add(log);
                assertThat(rig.run(10_000)).isEqualTo(CpuStop.HALTED);
                assertThat(log.seen).as(what + " " + mode).isNotEmpty().containsExactlyElementsOf(writes);
                assertThat(rig.r).as(what).containsExactly(both.r);
                assertThat(rig.ram.array()).as(what).isEqualTo(both.ram.array());
                assertThat(rig.cpu.exec.writeTag).as("no write is cached while writes are observed").containsOnly(1);
                if (java.util.Arrays.stream(rig.cpu.exec.readTag).anyMatch(t -> t != 1)) readsCached++;
            }
            CpuRig split = TranslatorTest.rig(code, seed, TranslatorTest.Mode.COMPILED);
            List<String> reads = new ArrayList<>();
            WriteLog writeLog = new WriteLog();
            split.cpu.hooks.add(new MemoryHook() {
                @Override public void read(Cpu c, int linear, int physical, int size, int value) {
                    reads.add(String.format("%d@%x R %x %d %x", c.icount, c.instructionAddress(), linear, size, value));
                }
            });
            split.cpu.hooks.add(writeLog);
            assertThat(split.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(reads).as(what).containsExactlyElementsOf(all.seen.stream().filter(a -> a.contains(" R ")).toList());
            assertThat(writeLog.seen).as(what).containsExactlyElementsOf(writes);
        }
        assertThat(readsCached).as("runs whose reads went through the micro-TLB").isGreaterThan(150);
    }
}
