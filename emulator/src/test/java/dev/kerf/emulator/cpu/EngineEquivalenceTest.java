package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kerf.emulator.cpu.decode.OpcodeTable;
import dev.kerf.emulator.hook.InterruptHook;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The judge of the execution engines (issue 16): {@link RandomPrograms} makes 20,000 random
 * programs over every opcode the interpreter accepts, and each runs on two machines, one with
 * {@link Cpu.Engine#INTERPRETER} and one with {@link Cpu.Engine#TRANSLATOR}, in segments: the run
 * stops at random icounts where the test raises INTR, and after every segment the two machines
 * must agree on the CpuStop, registers, EFLAGS, EIP, icount, control and segment registers, x87
 * state, RAM, port traffic and the history of interrupt and exception deliveries (an
 * {@link InterruptHook}). Written against the engine switch only, so it judges whatever engine
 * TRANSLATOR names.
 *
 * <p>On a difference the failure names the seed, the configuration, the program bytes, the first
 * differing item, the icount where single-stepping first sees it, and the shortest prefix of the
 * program that still differs.
 */
class EngineEquivalenceTest {
    /** Programs per configuration: 4 configurations, 20,000 programs. */
    private static final int PROGRAMS = 5000;
    private static final int ITEMS = 40;

    @Test
    void ringZeroWithoutPaging() {
        check(0x16_0001L, false, false);
    }

    @Test
    void ringZeroWithPaging() {
        check(0x16_0002L, true, false);
    }

    @Test
    void ringThreeWithoutPaging() {
        check(0x16_0003L, false, true);
    }

    @Test
    void ringThreeWithPaging() {
        check(0x16_0004L, true, true);
    }

    /**
     * Every program of the configuration against a cold translator (its own {@link CodeCache}:
     * blocks interpreted, then compiled at their threshold); one program in four then again on a
     * second TRANSLATOR machine that never compiles but shares the first one's cache, so the
     * blocks the first compiled run their code from their first visit, made by another CPU.
     */
    private static void check(long seed, boolean paging, boolean ring3) {
        long shared = 0, sharedRuns = 0;
        for (RandomPrograms.Program p : programs(seed, paging, ring3)) {
            byte[] image = EquivalenceMachine.image(p);
            CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
            String d = compare(p, null, new EquivalenceMachine(p, image, Cpu.Engine.TRANSLATOR, cache));
            if (d != null) fail(report(p, d, null));
            if ((p.seed() >>> 3 & 3) != 0) continue;
            EquivalenceMachine warm = new EquivalenceMachine(p, image, Cpu.Engine.TRANSLATOR, cache);
            warm.cpu.translator.compileAfter = Integer.MAX_VALUE;
            d = compare(p, null, warm);
            if (d != null) {
                fail(String.format("INTERPRETER and TRANSLATOR running code compiled by another CPU differ on program seed %d"
                        + " (0x%x), %s: %s%n  program bytes: %s%n  cold, the same program %s", p.seed(), p.seed(),
                        p.config(), d, HexFormat.of().formatHex(p.code(), 0, p.end()),
                        compare(p, null) == null ? "agrees" : "differs too"));
            }
            assertThat(warm.cpu.translator.compiled).as("the second machine compiles nothing").isZero();
            shared += warm.cpu.translator.shared;
            sharedRuns++;
        }
        assertThat(sharedRuns).as("programs run again on shared code").isGreaterThan(PROGRAMS / 8);
        assertThat(shared).as("blocks that ran code compiled by another CPU").isGreaterThan(sharedRuns);
    }

    /** The programs of one configuration: their seeds follow from {@code seed}. */
    static List<RandomPrograms.Program> programs(long seed, boolean paging, boolean ring3) {
        return programs(seed, paging, ring3, PROGRAMS);
    }

    static List<RandomPrograms.Program> programs(long seed, boolean paging, boolean ring3, int count) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<RandomPrograms.Program> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long s = seeds.nextLong();
            out.add(RandomPrograms.generate(s, RandomPrograms.config(s, paging, ring3), ITEMS));
        }
        return out;
    }

    // ------------------------------------------------------------------ the harness

    /**
     * Runs {@code p} on both engines, segment by segment, and returns the first difference (with
     * the segment it appeared after) or null. {@code perturb}, if given, is applied to the
     * TRANSLATOR machine after each segment with the segment's index: for the self-check.
     */
    static String compare(RandomPrograms.Program p, BiConsumer<Integer, EquivalenceMachine> perturb) {
        return compare(p, perturb, new EquivalenceMachine(p, EquivalenceMachine.image(p), Cpu.Engine.TRANSLATOR));
    }

    /** {@link #compare} with {@code b} the TRANSLATOR machine, made by the caller (its code cache, its threshold). */
    static String compare(RandomPrograms.Program p, BiConsumer<Integer, EquivalenceMachine> perturb, EquivalenceMachine b) {
        EquivalenceMachine a = new EquivalenceMachine(p, EquivalenceMachine.image(p), Cpu.Engine.INTERPRETER);
        long[] irqAt = p.irqAt();
        int next = 0, wakes = 0;
        for (int segment = 0; ; segment++) {
            long limit = next < irqAt.length ? irqAt[next] : EquivalenceMachine.ICOUNT_CAP;
            a.lastStop = a.cpu.run(limit);
            b.lastStop = b.cpu.run(limit);
            if (perturb != null) perturb.accept(segment, b);
            String d = EquivalenceMachine.firstDifference(a, b);
            if (d != null) {
                return "after segment " + segment + " (run to icount " + limit + ", stopped at " + a.cpu.icount + "): " + d;
            }
            if (next < irqAt.length) {
                next++;
                a.bus.irq = b.bus.irq = true;
                continue;
            }
            // a HLT with interrupts on: wake it (at most three times) and go on
            if (a.lastStop == CpuStop.HALTED && (a.cpu.getEflags() & Flags.IF) != 0 && wakes < 3 && !a.bus.irq) {
                wakes++;
                a.bus.irq = b.bus.irq = true;
                continue;
            }
            return null;
        }
    }

    /**
     * The same run one instruction per segment (INTR raised at the same icounts): the icount
     * after which the two machines first differ, and what differs; null when stepping shows none.
     */
    static String stepped(RandomPrograms.Program p, BiConsumer<Integer, EquivalenceMachine> perturb) {
        byte[] image = EquivalenceMachine.image(p);
        EquivalenceMachine a = new EquivalenceMachine(p, image, Cpu.Engine.INTERPRETER);
        EquivalenceMachine b = new EquivalenceMachine(p, image, Cpu.Engine.TRANSLATOR);
        long[] irqAt = p.irqAt();
        int next = 0, wakes = 0, step = 0;
        for (;;) {
            long target = next < irqAt.length ? irqAt[next] : EquivalenceMachine.ICOUNT_CAP;
            do { // as compare() runs to target, one instruction per run
                long limit = Math.min(target, a.cpu.icount + 1);
                a.lastStop = a.cpu.run(limit);
                b.lastStop = b.cpu.run(limit);
                if (perturb != null) perturb.accept(step, b);
                step++;
                String d = EquivalenceMachine.firstDifference(a, b);
                if (d != null) {
                    return "stepping one instruction at a time, first difference at icount " + a.cpu.icount + ": " + d;
                }
            } while (a.lastStop == CpuStop.LIMIT && a.cpu.icount < target);
            if (next < irqAt.length) {
                next++;
                a.bus.irq = b.bus.irq = true;
                continue;
            }
            if (a.lastStop == CpuStop.HALTED && (a.cpu.getEflags() & Flags.IF) != 0 && wakes < 3 && !a.bus.irq) {
                wakes++;
                a.bus.irq = b.bus.irq = true;
                continue;
            }
            return null;
        }
    }

    /** The failure message: seed, configuration, bytes, first difference, stepped icount, shortest differing prefix. */
    static String report(RandomPrograms.Program p, String difference, BiConsumer<Integer, EquivalenceMachine> perturb) {
        StringBuilder sb = new StringBuilder();
        sb.append("INTERPRETER and TRANSLATOR differ on program seed ").append(p.seed())
                .append(String.format(" (0x%x)", p.seed())).append(", ").append(p.config())
                .append(String.format(", loaded at 0x%x, %d instructions, INTR at icounts ", p.origin(), p.instructions()))
                .append(java.util.Arrays.toString(p.irqAt())).append('\n');
        sb.append("  first difference ").append(difference).append('\n');
        String s = stepped(p, perturb);
        sb.append("  ").append(s != null ? s : "stepping one instruction at a time shows no difference").append('\n');
        int n = p.instructions();
        for (int k = 0; k <= n; k++) {
            RandomPrograms.Program q = p.prefix(k);
            String d = compare(q, perturb);
            if (d != null) {
                sb.append("  shortest differing prefix: the first ").append(k).append(" instructions (then NOPs and the end): ")
                        .append(d).append('\n');
                sb.append("  prefix bytes: ").append(HexFormat.of().formatHex(q.code(), 0, k < n ? p.starts()[k] : p.end()))
                        .append('\n');
                break;
            }
        }
        sb.append("  program bytes: ").append(HexFormat.of().formatHex(p.code(), 0, p.end())).append('\n');
        sb.append(String.format("  to rerun: EngineEquivalenceTest.compare(RandomPrograms.generate(%dL, RandomPrograms.config(%dL, %b, %b), %d), null)",
                p.seed(), p.seed(), p.config().paging(), p.config().ring3(), ITEMS));
        return sb.toString();
    }

    // ------------------------------------------------------------------ the harness can fail

    @Test
    void aPerturbedRegisterIsReportedWithSeedBytesAndTheRegister() {
        RandomPrograms.Program p = RandomPrograms.generate(42, RandomPrograms.config(42, true, false), ITEMS);
        assertThat(compare(p, null)).as("unperturbed").isNull();
        BiConsumer<Integer, EquivalenceMachine> flipEbx = (segment, m) -> {
            if (segment == 0) m.cpu.reg[Cpu.EBX] ^= 0x10;
        };
        String d = compare(p, flipEbx);
        assertThat(d).startsWith("after segment 0").contains("EBX");
        String report = report(p, d, flipEbx);
        assertThat(report).contains("seed 42 ", HexFormat.of().formatHex(p.code(), 0, 16), "EBX",
                "stepping one instruction at a time, first difference at icount 1: EBX",
                "shortest differing prefix: the first 0 instructions",
                "to rerun: EngineEquivalenceTest.compare(RandomPrograms.generate(42L, RandomPrograms.config(42L, true, false), 40), null)");
    }

    @Test
    void aPerturbedMemoryByteFlagOrHistoryIsReported() {
        RandomPrograms.Program p = RandomPrograms.generate(7, RandomPrograms.config(7, false, true), ITEMS);
        assertThat(compare(p, (s, m) -> {
            if (s == 0) m.memory.write8(RandomPrograms.DATA + 5, m.memory.read8(RandomPrograms.DATA + 5) ^ 1);
        })).contains(String.format("memory at 0x%05x", RandomPrograms.DATA + 5));
        assertThat(compare(p, (s, m) -> {
            if (s == 0) m.cpu.setEflags(m.cpu.getEflags() ^ Flags.CF);
        })).contains("EFLAGS");
        assertThat(compare(p, (s, m) -> {
            if (s == 0) m.history.add(new EquivalenceMachine.Event(6, InterruptHook.Source.EXCEPTION, -1, 0, 0, 0, 0));
        })).contains("interrupt history");
        assertThat(compare(p, (s, m) -> {
            if (s == 0) m.cpu.icount++;
        })).contains("icount");
    }

    @Test
    void programsTakeFaultsInterruptsAndSelfModifyingStoresOnBothRings() {
        // the programs are not vacuous: across a sample, the machines deliver every kind of event
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (boolean ring3 : new boolean[] {false, true}) {
            for (boolean paging : new boolean[] {false, true}) {
                for (RandomPrograms.Program p : programs(0x77 + (ring3 ? 2 : 0) + (paging ? 1 : 0), paging, ring3, 300)) {
                    byte[] image = EquivalenceMachine.image(p);
                    EquivalenceMachine m = new EquivalenceMachine(p, image, Cpu.Engine.INTERPRETER);
                    for (long at : p.irqAt()) {
                        m.cpu.run(at);
                        m.bus.irq = true;
                    }
                    m.cpu.run(EquivalenceMachine.ICOUNT_CAP);
                    for (EquivalenceMachine.Event e : m.history) {
                        if (e.vector() == Vectors.PF && e.eip() >= EquivalenceMachine.TRAMPOLINE && e.eip() < RandomPrograms.UNMAPPED) {
                            seen.add("fetch fault across a page end");
                        }
                        seen.add((ring3 ? "ring3 " : "ring0 ") + (paging ? "paging " : "flat ") + e.source() + " "
                                + Vectors.name(e.vector()));
                    }
                    for (int a = p.origin(); a < p.origin() + p.end(); a++) {
                        if (image[a] != m.memory.array()[a]) {
                            seen.add("self-modified " + (ring3 ? "ring3" : "ring0"));
                            int alias = m.memory.read32(RandomPrograms.PAGE_TABLE + (RandomPrograms.DATA + 0x1000 >>> 12) * 4);
                            if (paging && (alias & 0xFFFFF000) == (a & 0xFFFFF000)) seen.add("code written through an alias");
                            break;
                        }
                    }
                }
            }
        }
        for (String ring : new String[] {"ring0", "ring3"}) {
            assertThat(seen).contains("self-modified " + ring);
            for (String paging : new String[] {"flat", "paging"}) {
                String at = ring + " " + paging + " ";
                assertThat(seen).contains(at + "EXCEPTION #UD", at + "EXCEPTION #GP", at + "EXCEPTION #DE",
                        at + "SOFTWARE #BP", at + "EXTERNAL vector 64");
                if (paging.equals("paging")) assertThat(seen).contains(at + "EXCEPTION #PF");
            }
            assertThat(seen).contains(ring + " flat EXCEPTION #SS", ring + " flat EXCEPTION #NP", ring + " flat EXCEPTION #BR");
        }
        assertThat(seen).contains("ring0 flat EXCEPTION #NM", "ring0 flat EXCEPTION #MF", "code written through an alias",
                "fetch fault across a page end");
    }

    @Test
    void everyOpcodeTheInterpreterAcceptsIsGenerated() {
        boolean[] seen = new boolean[512];
        long total = 0;
        long[] seeds = {0x16_0001L, 0x16_0002L, 0x16_0003L, 0x16_0004L};
        for (int c = 0; c < 4; c++) {
            for (RandomPrograms.Program p : programs(seeds[c], (c & 1) != 0, c >= 2)) {
                RandomPrograms.coverage(p, seen);
                total++;
            }
        }
        assertThat(total).isGreaterThanOrEqualTo(20_000);
        List<String> missing = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            long e = OpcodeTable.one(op);
            if ((e & OpcodeTable.VALID) != 0 && !seen[op]) missing.add(String.format("%02x", op));
            if ((OpcodeTable.two(op) & OpcodeTable.VALID) != 0 && !seen[0x100 | op]) missing.add(String.format("0f %02x", op));
        }
        assertThat(missing).as("opcodes the interpreter accepts that no program contains").isEmpty();
        List<String> invalidMissing = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            if ((OpcodeTable.one(op) & (OpcodeTable.VALID | OpcodeTable.PREFIX)) == 0 && op != 0x0F && !seen[op]) {
                invalidMissing.add(String.format("%02x", op));
            }
            if ((OpcodeTable.two(op) & OpcodeTable.VALID) == 0 && !seen[0x100 | op]) invalidMissing.add(String.format("0f %02x", op));
        }
        assertThat(invalidMissing).as("opcodes the interpreter rejects (#UD) that no program contains").isEmpty();
    }
}
