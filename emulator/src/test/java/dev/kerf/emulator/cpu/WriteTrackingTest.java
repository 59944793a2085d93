package dev.kerf.emulator.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CPU's store paths keep {@link dev.kerf.emulator.mmu.PhysicalMemory}'s write tracking right:
 * each program stores in a loop, is stopped, its RAM hashed, run on and hashed again. The second
 * hash must see the stores made after the first through micro-TLB write entries filled before it
 * (the hash drops them, so the next store marks its page again), in the interpreter and in
 * compiled blocks, and equal the hash recomputed over all of RAM.
 */
class WriteTrackingTest {
    /** mov [0x20000],eax; mov [0x21ffe],eax (crosses a page); inc eax; jmp back. */
    private static final String STORES = "89 05 00 00 02 00 89 05 fe 1f 02 00 40 eb f1";
    /** mov edi,0x30000; mov ecx,0x1800; rep stosd (6 pages); inc eax; jmp back. */
    private static final String REP_STOS = "bf 00 00 03 00 b9 00 18 00 00 f3 ab 40 eb f1";
    /** mov esi,0x40000; mov edi,0x50000; mov ecx,0x800; rep movsd (2 pages); inc dword [0x40000]; jmp back. */
    private static final String REP_MOVS = "be 00 00 04 00 bf 00 00 05 00 b9 00 08 00 00 f3 a5 ff 05 00 00 04 00 eb e7";
    /** push eax; push eax; inc eax; pop ebx; pop ebx; jmp back: stack stores. */
    private static final String PUSHES = "50 50 40 5b 5b eb f9";
    /** mov edi,0x60000; mov ecx,0x200; mov dx,0x1f0; rep insw (the ATA's data port); jmp back. */
    private static final String REP_INS = "bf 00 00 06 00 b9 00 02 00 00 66 ba f0 01 66 f3 6d eb ed";

    private static CpuRig rig(Cpu.Engine engine, String code) {
        CpuRig t = new CpuRig();
        t.cpu.setEngine(engine);
        t.cpu.translator.compileAfter = 1;
        t.code(code);
        t.bytes(0x40000, "01 02 03 04");
        return t;
    }

    /** Runs, hashes, runs on, hashes: the second hash follows the stores made after the first. */
    private static void runHashRunHash(Cpu.Engine engine, String code, int watched, int pages) {
        CpuRig t = rig(engine, code);
        long empty = t.ram.ramHash();
        t.run(20_000);
        long first = t.ram.ramHash();
        assertThat(first).isNotEqualTo(empty).isEqualTo(t.ram.recomputedRamHash());
        byte[] before = Arrays.copyOfRange(t.ram.array(), watched, watched + pages * 4096);
        t.bus.inValue++;
        t.run(20_000);
        assertThat(Arrays.copyOfRange(t.ram.array(), watched, watched + pages * 4096)).as("the program stored again").isNotEqualTo(before);
        assertThat(t.ram.pagesWritten()).as("pages written since the first hash").isGreaterThanOrEqualTo(pages);
        long second = t.ram.ramHash();
        assertThat(second).isNotEqualTo(first).isEqualTo(t.ram.recomputedRamHash());
        if (engine == Cpu.Engine.TRANSLATOR) assertThat(t.cpu.translator.compiled).as("compiled code ran").isPositive();
    }

    @ParameterizedTest
    @EnumSource(Cpu.Engine.class)
    void movStores(Cpu.Engine engine) {
        runHashRunHash(engine, STORES, 0x20000, 2);
    }

    @ParameterizedTest
    @EnumSource(Cpu.Engine.class)
    void repStos(Cpu.Engine engine) {
        runHashRunHash(engine, REP_STOS, 0x30000, 6);
    }

    @ParameterizedTest
    @EnumSource(Cpu.Engine.class)
    void repMovs(Cpu.Engine engine) {
        runHashRunHash(engine, REP_MOVS, 0x50000, 1);
    }

    @ParameterizedTest
    @EnumSource(Cpu.Engine.class)
    void pushes(Cpu.Engine engine) {
        runHashRunHash(engine, PUSHES, CpuRig.STACK - 4096, 1);
    }

    @ParameterizedTest
    @EnumSource(Cpu.Engine.class)
    void repIns(Cpu.Engine engine) {
        runHashRunHash(engine, REP_INS, 0x60000, 1);
    }

    @Test
    void bothEnginesGiveTheSameHash() {
        for (String code : new String[] {STORES, REP_STOS, REP_MOVS, PUSHES, REP_INS}) {
            CpuRig a = rig(Cpu.Engine.INTERPRETER, code), b = rig(Cpu.Engine.TRANSLATOR, code);
            a.run(30_000);
            b.run(30_000);
            assertThat(b.ram.array()).isEqualTo(a.ram.array());
            assertThat(b.ram.ramHash()).as(code).isEqualTo(a.ram.ramHash());
        }
    }

    @Test
    void aStoreThroughAnEntryFilledBeforeTheHashMarksItsPageAgain() {
        CpuRig t = rig(Cpu.Engine.INTERPRETER, "89 05 00 00 02 00"); // mov [0x20000],eax
        t.r[Cpu.EAX] = 1;
        t.step(); // fills the micro-TLB's write entry for page 0x20
        long first = t.ram.ramHash();
        assertThat(t.ram.pagesWritten()).isZero();
        t.cpu.eip = CpuRig.CODE;
        t.r[Cpu.EAX] = 2;
        t.step(); // the same store; the entry was dropped by the hash, so it is filled and the page marked again
        assertThat(t.ram.read32(0x20000)).isEqualTo(2);
        assertThat(t.ram.pagesWritten()).isEqualTo(1);
        assertThat(t.ram.ramHash()).isNotEqualTo(first).isEqualTo(t.ram.recomputedRamHash());
    }
}
