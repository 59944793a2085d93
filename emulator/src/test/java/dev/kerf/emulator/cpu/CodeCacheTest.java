package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.hook.InstructionHook;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Compiled block code shared between CPUs by content ({@link CodeCache}): a second CPU running
 * the same bytes compiles nothing and gets the same results; runs are counted over the CPUs; other
 * bytes, another EIP or the other form (observed / plain) are other code; code rewritten by its own program is rebuilt from the
 * new bytes; the bound holds; two threads sharing one cache get what each would get alone.
 */
class CodeCacheTest {
    private static final int BASE = CpuRig.DATA;

    /** A rig with its translator compiling every block at its first run, sharing {@code cache}. */
    private static CpuRig rig(CodeCache cache) {
        CpuRig r = new CpuRig();
        r.cpu.useCodeCache(cache);
        r.cpu.translator.compileAfter = 1;
        return r;
    }

    /** Registers, EFLAGS, EIP, icount and a hash of all of RAM. */
    private static String state(CpuRig r) {
        return "regs " + Arrays.toString(r.r) + " flags " + Integer.toHexString(r.flags()) + " eip "
                + Integer.toHexString(r.cpu.eip) + " icount " + r.cpu.icount + " ram " + Arrays.hashCode(r.ram.array());
    }

    /** A random program of {@link TranslatorTest} on a rig, with its registers and data from {@code seed}. */
    private static CpuRig program(byte[] code, long seed, CodeCache cache) {
        CpuRig r = TranslatorTest.rig(code, seed, TranslatorTest.Mode.COMPILED);
        r.cpu.useCodeCache(cache);
        return r;
    }

    @Test
    void aSecondCpuRunsTheCodeTheFirstCompiledAndCompilesNothing() {
        SplittableRandom rnd = new SplittableRandom(2026_12_07);
        for (int program = 0; program < 40; program++) {
            byte[] code = TranslatorTest.randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            String what = "program " + HexFormat.of().formatHex(code);
            CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
            CpuRig ref = TranslatorTest.rig(code, seed, TranslatorTest.Mode.INTERPRETER);
            CpuRig first = program(code, seed, cache), second = program(code, seed, cache);
            assertThat(ref.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(first.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(second.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(first.cpu.translator.compiled).as(what).isPositive();
            assertThat(cache.size()).as(what).isEqualTo((int) first.cpu.translator.compiled);
            assertThat(second.cpu.translator.compiled).as(what + ": the second CPU compiles nothing").isZero();
            assertThat(second.cpu.translator.shared).as(what).isEqualTo(first.cpu.translator.compiled);
            assertThat(state(first)).as(what).isEqualTo(state(ref));
            assertThat(state(second)).as(what).isEqualTo(state(ref));
            assertThat(second.ram.array()).as(what).isEqualTo(ref.ram.array());
        }
    }

    @Test
    void aTraceIsKeyedByTheBytesItRunsNotTheBytesBetween() {
        // CODE: jmp CODE+0x40; CODE+0x40: inc eax; jmp CODE+0x20 (back); CODE+0x20: add eax, eax;
        // add eax, ecx; hlt — one trace of five instructions. The second CPU differs only at the
        // last jump's target, the third only in bytes the trace jumps over (so it shares).
        String jump = "eb 3e", entry = "40 eb dd", target = "01 c0 01 c8 f4";
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        CpuRig first = rig(cache).code(jump).bytes(CpuRig.CODE + 0x40, entry).bytes(CpuRig.CODE + 0x20, target);
        CpuRig second = rig(cache).code(jump).bytes(CpuRig.CODE + 0x40, entry).bytes(CpuRig.CODE + 0x20, "01 c0 29 c8 f4");
        CpuRig third = rig(cache).code(jump).bytes(CpuRig.CODE + 0x40, entry).bytes(CpuRig.CODE + 0x20, target)
                .bytes(CpuRig.CODE + 0x30, "cc cc cc").bytes(CpuRig.CODE + 0x48, "cc");
        CpuRig ref = new CpuRig().code(jump).bytes(CpuRig.CODE + 0x40, entry).bytes(CpuRig.CODE + 0x20, target);
        ref.cpu.setEngine(Cpu.Engine.INTERPRETER);
        for (CpuRig r : new CpuRig[] {first, second, third, ref}) {
            r.r[Cpu.EAX] = 5;
            r.r[Cpu.ECX] = 3;
            assertThat(r.run(100)).isEqualTo(CpuStop.HALTED);
        }
        assertThat(first.cpu.translator.compiled).as("jmp, inc, jmp, add, add: one trace").isEqualTo(1);
        assertThat(first.r[Cpu.EAX]).isEqualTo(15).isEqualTo(ref.r[Cpu.EAX]);
        assertThat(first.cpu.icount).isEqualTo(ref.cpu.icount);
        assertThat(second.r[Cpu.EAX]).as("its own code, not the first CPU's").isEqualTo(9);
        assertThat(second.cpu.translator.compiled).isEqualTo(1);
        assertThat(third.r[Cpu.EAX]).isEqualTo(15);
        assertThat(third.cpu.translator.compiled).as("the same trace: shared").isZero();
    }

    /**
     * mov ecx, CODE+0x20; call ecx; hlt — at CODE+0x20: pop edx; inc eax; push edx; ret. Its
     * code holds EIPs (the CALL's return address, the RET's target) but no physical address.
     */
    private static final String CALLS = "b9 20 10 00 00  ff d1  f4";
    private static final String CALLED = "5a 40 52 c3";

    @Test
    void theSameBytesAtTheSameEipUnderAnotherCsBaseShareTheirCode() {
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        CpuRig first = rig(cache).code(CALLS).bytes(CpuRig.CODE + 0x20, CALLED);
        CpuRig second = rig(cache);
        int csBase = 0x40000; // the same CS offsets at other physical addresses
        second.cpu.seg[Cpu.CS].set(0x08, csBase, 0xFFFFFFFF, 0x4C9B);
        second.bytes(csBase + CpuRig.CODE, CALLS).bytes(csBase + CpuRig.CODE + 0x20, CALLED);
        assertThat(first.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(second.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(first.cpu.translator.compiled).isEqualTo(2);
        assertThat(second.cpu.translator.compiled).isZero();
        assertThat(second.cpu.translator.shared).isEqualTo(2);
        for (CpuRig r : new CpuRig[] {first, second}) {
            assertThat(r.r[Cpu.EDX]).as("return address pushed by CALL").isEqualTo(CpuRig.CODE + 7);
            assertThat(r.r[Cpu.EAX]).isEqualTo(1);
            assertThat(r.cpu.eip).isEqualTo(CpuRig.CODE + 8);
            assertThat(r.cpu.icount).isEqualTo(7);
        }
    }

    @Test
    void otherBytesAtTheSameEipOrTheSameBytesAtAnotherEipAreCompiledAnew() {
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        // mov eax, imm; add eax, ebx; jmp +0 (ends the block); hlt
        CpuRig first = rig(cache).code("b8 01 00 00 00  01 d8  eb 00  f4");
        CpuRig other = rig(cache).code("b8 02 00 00 00  01 d8  eb 00  f4");
        CpuRig moved = rig(cache).bytes(CpuRig.CODE + 0x100, "b8 01 00 00 00  01 d8  eb 00  f4");
        moved.cpu.eip = CpuRig.CODE + 0x100;
        for (CpuRig r : new CpuRig[] {first, other, moved}) {
            r.r[Cpu.EBX] = 0x1000;
            assertThat(r.run(100)).isEqualTo(CpuStop.HALTED);
        }
        assertThat(first.r[Cpu.EAX]).isEqualTo(0x1001);
        assertThat(other.r[Cpu.EAX]).as("its own immediate, not the first CPU's").isEqualTo(0x1002);
        assertThat(moved.r[Cpu.EAX]).isEqualTo(0x1001);
        assertThat(moved.cpu.eip).isEqualTo(CpuRig.CODE + 0x10A);
        assertThat(other.cpu.translator.compiled).isEqualTo(1);
        assertThat(other.cpu.translator.shared).isZero();
        assertThat(moved.cpu.translator.compiled).isEqualTo(1);
        assertThat(moved.cpu.translator.shared).isZero();
        assertThat(cache.size()).isEqualTo(3);
    }

    /**
     * L: mov eax, imm32; add ebx, eax; dec ecx; jz done — mov [L+1], ecx; jmp L — done: hlt.
     * Every round stores ECX into the MOV's immediate, so block L is rebuilt from new bytes and run
     * again: EBX = the first immediate + (n-1) + (n-2) + ... + 1.
     */
    private static String selfModifying(int imm) {
        String l = String.format("%08x", CpuRig.CODE + 1);
        String le = l.substring(6, 8) + l.substring(4, 6) + l.substring(2, 4) + l.substring(0, 2);
        String i = String.format("%08x", imm);
        String ie = i.substring(6, 8) + i.substring(4, 6) + i.substring(2, 4) + i.substring(0, 2);
        // 0: b8 imm (5)  5: 01 c3  7: 49  8: 74 08 (to 18)  10: 89 0d addr (6)  16: eb ee (to 0)  18: f4
        return "b8" + ie + "01c3" + "49" + "7408" + "890d" + le + "ebee" + "f4";
    }

    @Test
    void codeRewrittenByItsProgramIsRebuiltFromTheNewBytesAndNeverRunsStaleCode() {
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        int rounds = 6;
        int[] firsts = {0x100, 0x100, 0x200};
        for (int run = 0; run < 3; run++) {
            int imm = firsts[run];
            CpuRig ref = new CpuRig().code(selfModifying(imm));
            ref.cpu.setEngine(Cpu.Engine.INTERPRETER);
            CpuRig t = rig(cache).code(selfModifying(imm));
            for (CpuRig r : new CpuRig[] {ref, t}) {
                r.r[Cpu.ECX] = rounds;
                assertThat(r.run(1000)).isEqualTo(CpuStop.HALTED);
            }
            int expected = imm + (rounds - 1) * rounds / 2;
            assertThat(ref.r[Cpu.EBX]).isEqualTo(expected);
            assertThat(state(t)).as("first immediate %x", imm).isEqualTo(state(ref));
            assertThat(t.cpu.translator.shared + t.cpu.translator.compiled).as("blocks with code").isGreaterThanOrEqualTo(rounds);
            // the first run compiles each version of block L (a trace through the store and the
            // jump back); the second finds them all; the third compiles only the first version
            // of L, whose immediate is new, and finds the later ones
            if (run == 0) assertThat(t.cpu.translator.compiled).isGreaterThanOrEqualTo(rounds);
            if (run == 1) assertThat(t.cpu.translator.compiled).isZero();
            if (run == 2) assertThat(t.cpu.translator.compiled).isEqualTo(1);
        }
    }

    @Test
    void theObservedAndThePlainFormsAreSeparateEntries() {
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        SplittableRandom rnd = new SplittableRandom(77);
        // short enough that no block's observed form passes the method size budget (a block cut
        // for size leaves its rest as another block: see Emitter.CODE_BUDGET)
        byte[] code = TranslatorTest.randomProgram(rnd, 20);
        long seed = rnd.nextLong();
        CpuRig plain = program(code, seed, cache);
        assertThat(plain.run(10_000)).isEqualTo(CpuStop.HALTED);
        long plainForms = plain.cpu.translator.compiled;
        assertThat(plainForms).isPositive();
        long[] calls = new long[2];
        List<CpuRig> hooked = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CpuRig h = program(code, seed, cache);
            int k = i;
            h.cpu.hooks.add((InstructionHook) c -> calls[k]++);
            assertThat(h.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(state(h)).isEqualTo(state(plain));
            assertThat(calls[i]).as("the observed form calls the hook once per instruction").isEqualTo(h.cpu.icount);
            hooked.add(h);
        }
        assertThat(hooked.get(0).cpu.translator.compiled).as("observed forms, not found among the plain ones")
                .isEqualTo(plainForms);
        assertThat(hooked.get(1).cpu.translator.compiled).as("observed forms found").isZero();
        assertThat(cache.size()).as("one entry per content, both forms in it").isEqualTo((int) plainForms);
        CpuRig again = program(code, seed, cache);
        assertThat(again.run(10_000)).isEqualTo(CpuStop.HALTED);
        assertThat(again.cpu.translator.compiled).isZero();
        assertThat(state(again)).isEqualTo(state(plain));
    }

    @Test
    void runsAreCountedOverTheCpusSharingTheCacheSoShortRunsCompileTogether() {
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        long[] compiled = new long[3];
        for (int i = 0; i < 3; i++) {
            CpuRig r = new CpuRig().code("40 49 75 fc f4"); // L: inc eax; dec ecx; jnz L; hlt
            if (i < 2) r.cpu.useCodeCache(cache); // the third has its own
            r.cpu.translator.compileAfter = 10;
            r.r[Cpu.ECX] = 6;                      // block L runs 6 times per CPU
            assertThat(r.run(100)).isEqualTo(CpuStop.HALTED);
            assertThat(r.r[Cpu.EAX]).isEqualTo(6);
            assertThat(r.cpu.icount).isEqualTo(19);
            compiled[i] = r.cpu.translator.compiled;
        }
        assertThat(compiled).as("6 runs each: the second CPU's 4th run is the 10th of the bytes").containsExactly(0, 1, 0);
    }

    /** The bytes of ADD EAX, n. */
    private static byte[] add(int n) {
        return new byte[] {(byte) 0x05, (byte) n, (byte) (n >>> 8), 0, 0};
    }

    @Test
    void theBoundHoldsAndTheEldestEntriesGoFirst() {
        CodeCache cache = new CodeCache(3);
        CodeCache.Entry[] entries = new CodeCache.Entry[10];
        for (int n = 0; n < 10; n++) {
            entries[n] = cache.entry(0x1000, true, add(n));
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.evicted()).isEqualTo(7);
        for (int n = 7; n < 10; n++) {
            assertThat(cache.entry(0x1000, true, add(n))).as("entry %d, by content", n).isSameAs(entries[n]);
        }
        assertThat(cache.entry(0x1000, true, add(6))).as("evicted: made anew").isNotSameAs(entries[6]);
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.evicted()).isEqualTo(8);
        // EIP and CS.D are part of the key
        assertThat(cache.entry(0x1001, true, add(9))).isNotSameAs(entries[9]);
        assertThat(cache.entry(0x1000, false, add(9))).isNotSameAs(entries[9]);
    }

    @Test
    void anEntryKeepsThePlainAndTheObservedFormApartAndTheFirstOfferOfEach() {
        CodeCache.Entry e = new CodeCache(4).entry(0x1000, true, add(1));
        BlockCode a = (c, x) -> { }, b = (c, x) -> { }, c2 = (c, x) -> { };
        assertThat(e.publish(false, a)).isSameAs(a);
        assertThat(e.code(true)).as("the plain form is not the observed one").isNull();
        assertThat(e.publish(true, b)).isSameAs(b);
        assertThat(e.publish(false, c2)).as("a second offer keeps the first code").isSameAs(a);
        assertThat(e.code(false)).isSameAs(a);
        assertThat(e.code(true)).isSameAs(b);
    }

    @Test
    void aCpuWithATinyCacheGetsTheInterpretersResults() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int program = 0; program < 20; program++) {
            byte[] code = TranslatorTest.randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            CodeCache tiny = new CodeCache(2);
            CpuRig ref = TranslatorTest.rig(code, seed, TranslatorTest.Mode.INTERPRETER);
            CpuRig first = program(code, seed, tiny), second = program(code, seed, tiny);
            for (CpuRig r : new CpuRig[] {ref, first, second}) assertThat(r.run(10_000)).isEqualTo(CpuStop.HALTED);
            assertThat(tiny.size()).isEqualTo(2);
            assertThat(tiny.evicted()).isEqualTo(first.cpu.translator.compiled + second.cpu.translator.compiled - 2);
            assertThat(state(first)).isEqualTo(state(ref));
            assertThat(state(second)).isEqualTo(state(ref));
        }
    }

    @Test
    void twoThreadsSharingACacheGetWhatEachProgramGivesAlone() throws InterruptedException {
        SplittableRandom rnd = new SplittableRandom(4242);
        int n = 40;
        byte[][] codes = new byte[n][];
        long[] seeds = new long[n];
        String[] serial = new String[n];
        for (int i = 0; i < n; i++) {
            codes[i] = TranslatorTest.randomProgram(rnd, 60);
            seeds[i] = rnd.nextLong();
            CpuRig alone = program(codes[i], seeds[i], new CodeCache(CodeCache.DEFAULT_ENTRIES));
            assertThat(alone.run(10_000)).isEqualTo(CpuStop.HALTED);
            serial[i] = state(alone);
        }
        CodeCache cache = new CodeCache(CodeCache.DEFAULT_ENTRIES);
        String[][] got = new String[2][n];
        long[] shared = new long[2];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int k = 0; k < n; k++) {
                        int i = me == 0 ? k : n - 1 - k; // opposite orders: each meets the other's code
                        CpuRig r = program(codes[i], seeds[i], cache);
                        r.run(10_000);
                        got[me][i] = state(r);
                        shared[me] += r.cpu.translator.shared;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "code-cache-test-" + t);
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        assertThat(failure.get()).isNull();
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 2; t++) {
                assertThat(got[t][i]).as("thread %d program %s", t, HexFormat.of().formatHex(codes[i])).isEqualTo(serial[i]);
            }
        }
        assertThat(shared[0] + shared[1]).as("blocks that ran code the other thread compiled").isPositive();
    }
}
