package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.decode.InstructionLength;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * LAR LSL VERR VERW RDMSR WRMSR through the real decoder and executor, against the descriptors of
 * {@link PmodeFixture}'s GDT/LDT (and descriptors written into a spare slot), at CPL 0 and 3.
 * Expected values come from the SDM's rules: ZF and the destination, faults and unchanged state.
 */
class SystemDescriptorInsnsTest {
    private static final int CODE = 0x20000, DATA = 0x30000;
    /** A GDT slot the tests rewrite with the descriptor under test. */
    private static final int SPARE = ABSENT_CODE;

    private final PmodeFixture f = new PmodeFixture();
    private final Cpu cpu = f.cpu;
    private final int[] r = cpu.reg;

    private void code(String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        f.memory.load(CODE, b, 0, b.length);
        cpu.eip = CODE;
    }

    private void step() {
        cpu.exec.limit = cpu.icount + 1;
        cpu.exec.step();
        cpu.icount++;
    }

    private CpuFault fault() {
        try {
            step();
        } catch (CpuFault e) {
            cpu.eip = cpu.exec.start;
            return e;
        }
        throw new AssertionError("expected a fault");
    }

    private boolean zf() {
        return (cpu.getEflags() & Flags.ZF) != 0;
    }

    /**
     * Runs {@code hex} with ECX = selector and EAX = a marker, once with ZF set and once with it
     * clear (the outcome must not depend on it); returns ZF.
     */
    private boolean runWithSelector(String hex, int selector) {
        code(hex);
        r[Cpu.ECX] = selector;
        r[Cpu.EAX] = 0x5A5A5A5A;
        cpu.setEflags(0x2 | Flags.ZF);
        step();
        boolean after = zf();
        // run it again with ZF clear: the result must not depend on the incoming ZF
        code(hex);
        int firstEax = r[Cpu.EAX];
        r[Cpu.EAX] = 0x5A5A5A5A;
        cpu.setEflags(0x2);
        step();
        assertThat(zf()).as("ZF independent of its old value").isEqualTo(after);
        assertThat(r[Cpu.EAX]).isEqualTo(firstEax);
        assertThat(cpu.eip).isEqualTo(CODE + HexFormat.of().parseHex(hex.replace(" ", "")).length);
        return after;
    }

    private boolean lar(int sel) { return runWithSelector("0f02c1", sel); }       // lar eax, ecx
    private boolean lsl(int sel) { return runWithSelector("0f03c1", sel); }       // lsl eax, ecx
    private boolean verr(int sel) { return runWithSelector("0f00e1", sel); }      // verr cx
    private boolean verw(int sel) { return runWithSelector("0f00e9", sel); }      // verw cx

    private void spare(int base, int limit, int access) {
        f.descriptor(GDT, SPARE, base, limit, access);
    }

    @Test
    void larReturnsAccessRightsOfSegmentsAndSystemDescriptors() {
        assertThat(lar(KCODE)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00CF9B00);
        assertThat(lar(KDATA)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00CF9300);
        assertThat(lar(TSS_SEL)).isTrue();
        assertThat(r[Cpu.EAX]).as("LTR marked the TSS busy").isEqualTo(0x00008B00);
        assertThat(lar(LDT_SEL)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00008200);
        assertThat(lar(ABSENT_DATA)).as("presence is not checked").isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00CF1300);
        assertThat(lar(SMALL_DATA)).isTrue();
        assertThat(r[Cpu.EAX]).as("limit bits 19..16 are 0 here").isEqualTo(0x00409300);
        spare(0, 0xA0000, 0x4093); // limit bits 19..16 = 0xA, G = 0, D = 1
        assertThat(lar(SPARE)).isTrue();
        assertThat(r[Cpu.EAX]).as("limit bits 19..16 come along, as on hardware").isEqualTo(0x004A9300);
    }

    @Test
    void larWith16BitOperandKeepsTheHighHalf() {
        code("660f02c1"); // lar ax, cx
        r[Cpu.ECX] = KCODE;
        r[Cpu.EAX] = 0x12345678;
        step();
        assertThat(zf()).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x12349B00);
    }

    @Test
    void nullOrOutOfTableSelectorsClearZfAndLeaveTheDestination() {
        int beyond = GDT_ENTRIES * 8; // first selector past the GDT limit
        for (int sel : new int[] {0, 3, beyond, beyond | 3, 0xFFF8, 0x0C /* LDT not loaded */}) {
            assertThat(lar(sel)).as("lar %x", sel).isFalse();
            assertThat(r[Cpu.EAX]).isEqualTo(0x5A5A5A5A);
            assertThat(lsl(sel)).as("lsl %x", sel).isFalse();
            assertThat(r[Cpu.EAX]).isEqualTo(0x5A5A5A5A);
            assertThat(verr(sel)).as("verr %x", sel).isFalse();
            assertThat(verw(sel)).as("verw %x", sel).isFalse();
        }
        assertThat(lar(beyond - 8)).as("last entry is inside").isTrue();
    }

    @Test
    void ldtSelectorsAreFoundOnceAnLdtIsLoaded() {
        SystemOps.lldt(cpu, LDT_SEL);
        assertThat(lar(0x0F)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00CFF200);
        assertThat(verw(0x0F)).isTrue();
        assertThat(lar(0x14)).as("beyond the LDT limit 0x0F").isFalse();
    }

    @Test
    void systemDescriptorTypesFollowTheSdmTables() {
        // type -> accepted by LAR, accepted by LSL
        boolean[] larOk = new boolean[16], lslOk = new boolean[16];
        for (int t : new int[] {1, 2, 3, 4, 5, 9, 0xB, 0xC}) larOk[t] = true;
        for (int t : new int[] {1, 2, 3, 9, 0xB}) lslOk[t] = true;
        for (int type = 0; type < 16; type++) {
            spare(0x7000, 0x1234, 0x80 | type); // present, S = 0, DPL 0
            assertThat(lar(SPARE)).as("lar type %x", type).isEqualTo(larOk[type]);
            if (larOk[type]) assertThat(r[Cpu.EAX]).isEqualTo(0x8000 | type << 8);
            assertThat(lsl(SPARE)).as("lsl type %x", type).isEqualTo(lslOk[type]);
            if (lslOk[type]) assertThat(r[Cpu.EAX]).isEqualTo(0x1234);
            assertThat(verr(SPARE)).as("verr type %x", type).isFalse();
            assertThat(verw(SPARE)).as("verw type %x", type).isFalse();
        }
    }

    @Test
    void verrAndVerwFollowReadabilityAndWritability() {
        // access byte -> VERR, VERW (DPL 0, CPL 0)
        int[][] cases = {
            {0x90, 1, 0}, // read-only data
            {0x92, 1, 1}, // read/write data
            {0x94, 1, 0}, // read-only expand-down
            {0x96, 1, 1}, // read/write expand-down
            {0x98, 0, 0}, // execute-only code
            {0x9A, 1, 0}, // readable code
            {0x9C, 0, 0}, // execute-only conforming
            {0x9E, 1, 0}, // readable conforming
            {0x12, 1, 1}, // not present: not checked
        };
        for (int[] c : cases) {
            spare(0, 0xFFFFF, 0xC000 | c[0]);
            assertThat(verr(SPARE)).as("verr %x", c[0]).isEqualTo(c[1] == 1);
            assertThat(verw(SPARE)).as("verw %x", c[0]).isEqualTo(c[2] == 1);
        }
    }

    @Test
    void privilegeChecksUseMaxOfCplAndRplExceptForConformingCode() {
        assertThat(verw(KDATA | 3)).as("RPL 3 on a DPL 0 segment").isFalse();
        assertThat(lar(KDATA | 3)).isFalse();
        assertThat(lsl(KCODE | 1)).isFalse();
        assertThat(verr(CONFORMING | 3)).as("conforming code skips the check").isTrue();
        assertThat(lar(CONFORMING | 3)).isTrue();
        assertThat(lar(TSS_SEL | 3)).as("system descriptors are checked").isFalse();
        f.ring3(CODE, USER_STACK_TOP);
        assertThat(cpu.cpl).isEqualTo(3);
        assertThat(verw(KDATA)).isFalse();
        assertThat(verr(KCODE)).isFalse();
        assertThat(lar(KDATA)).isFalse();
        assertThat(lsl(TSS_SEL)).isFalse();
        assertThat(verw(UDATA)).isTrue();
        assertThat(verr(UCODE)).isTrue();
        assertThat(lar(UCODE)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00CFFB00);
        assertThat(lsl(UDATA)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(-1);
        assertThat(verr(CONFORMING)).isTrue();
        assertThat(verw(CONFORMING)).isFalse();
        spare(0, 0xFFFFF, 0xC0B2); // DPL 1 data
        assertThat(verw(SPARE | 1)).as("DPL 1 < CPL 3").isFalse();
    }

    @Test
    void lslReturnsTheByteGranularLimit() {
        assertThat(lsl(KDATA)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFFFFFF);
        assertThat(lsl(SMALL_DATA)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFF);
        assertThat(lsl(TSS_SEL)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x67);
        spare(0, 0x12, 0x8093); // G = 1: (0x12 << 12) | 0xFFF
        assertThat(lsl(SPARE)).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x12FFF);
        code("660f03c1"); // lsl ax, cx
        r[Cpu.ECX] = KDATA;
        r[Cpu.EAX] = 0x12340000;
        step();
        assertThat(zf()).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x1234FFFF);
    }

    @Test
    void memoryOperandsReadASixteenBitSelector() {
        f.memory.write32(DATA, 0xFFFF0000 | KDATA); // only the low 16 bits are the selector
        code("0f0025" + le(DATA) + "0f002d" + le(DATA) + "0f0215" + le(DATA) + "0f031d" + le(DATA));
        cpu.setEflags(0x2);
        step(); // verr [DATA]
        assertThat(zf()).isTrue();
        cpu.setEflags(0x2);
        step(); // verw [DATA]: what the kernel does on every return to user mode
        assertThat(zf()).isTrue();
        step(); // lar edx, [DATA]
        assertThat(r[Cpu.EDX]).isEqualTo(0x00CF9300);
        step(); // lsl ebx, [DATA]
        assertThat(r[Cpu.EBX]).isEqualTo(-1);
        assertThat(zf()).isTrue();
    }

    @Test
    void pageFaultOnTheOperandLeavesStateUnchanged() {
        f.paging();
        int unmapped = 0x500000;
        code("0f0205" + le(unmapped)); // lar eax, [unmapped]
        r[Cpu.EAX] = 0x11111111;
        cpu.setEflags(0x2 | Flags.ZF);
        CpuFault e = fault();
        assertThat(e.vector).isEqualTo(Vectors.PF);
        assertThat(e.address).isEqualTo(unmapped);
        assertThat(r[Cpu.EAX]).isEqualTo(0x11111111);
        assertThat(zf()).isTrue();
        assertThat(cpu.eip).isEqualTo(CODE);
        code("0f002d" + le(unmapped)); // verw [unmapped]
        assertThat(fault().vector).isEqualTo(Vectors.PF);
        assertThat(zf()).isTrue();
    }

    @Test
    void operandBeyondTheSegmentLimitIsGp() {
        cpu.seg[Cpu.DS].set(SMALL_DATA, 0x5000, 0xFFFF, 0x4093);
        code("0f002d00000100"); // verw [0x10000]: past DS limit 0xFFFF
        cpu.setEflags(0x2);
        CpuFault e = fault();
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isZero();
        assertThat(zf()).isFalse();
    }

    @Test
    void registerFormsAreAllValidAndLockIsUd() {
        assertThat(InstructionLength.of(bytes("0f02c1"), 0)).isEqualTo(3);
        assertThat(InstructionLength.of(bytes("0f0305" + le(DATA)), 0)).isEqualTo(7);
        assertThat(InstructionLength.of(bytes("0f00e1"), 0)).isEqualTo(3);
        assertThat(InstructionLength.of(bytes("0f002d" + le(DATA)), 0)).isEqualTo(7);
        assertThat(InstructionLength.of(bytes("0f32"), 0)).isEqualTo(2);
        assertThat(InstructionLength.of(bytes("0f30"), 0)).isEqualTo(2);
        assertThat(InstructionLength.of(bytes("0f00f1"), 0)).as("0F 00 /6").isEqualTo(-1);
        assertThat(InstructionLength.of(bytes("0f34"), 0)).as("SYSENTER").isEqualTo(-1);
        assertThat(InstructionLength.of(bytes("0f33"), 0)).as("RDPMC").isEqualTo(-1);
        for (String hex : new String[] {"f00f0205" + le(DATA), "f00f002d" + le(DATA), "f00f32", "0f00f1", "0f34"}) {
            code(hex);
            assertThat(fault().vector).as(hex).isEqualTo(Vectors.UD);
        }
    }

    @Test
    void rdmsrAndWrmsrRaiseGpForEveryMsrAndChangeNothing() {
        for (int msr : new int[] {0x10, 0x1B, 0x174, 0x176, 0x8B, 0xC0000080, 0}) {
            for (String hex : new String[] {"0f32", "0f30"}) {
                code(hex);
                r[Cpu.ECX] = msr;
                r[Cpu.EAX] = 0x01020304;
                r[Cpu.EDX] = 0x05060708;
                CpuFault e = fault();
                assertThat(e.vector).as("%s ecx=%x", hex, msr).isEqualTo(Vectors.GP);
                assertThat(e.errorCode).isZero();
                assertThat(r[Cpu.EAX]).isEqualTo(0x01020304);
                assertThat(r[Cpu.EDX]).isEqualTo(0x05060708);
                assertThat(cpu.eip).isEqualTo(CODE);
            }
        }
        f.ring3(CODE, USER_STACK_TOP);
        code("0f32");
        CpuFault e = fault();
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isZero();
    }

    @Test
    void cpuidAdvertisesNeitherMsrNorSep() {
        code("0fa2");
        r[Cpu.EAX] = 1;
        step();
        assertThat(r[Cpu.EDX] & (1 << 5)).as("MSR").isZero();
        assertThat(r[Cpu.EDX] & (1 << 11)).as("SEP").isZero();
        assertThat(r[Cpu.EDX] & (1 << 8)).as("CX8").isNotZero();
    }

    @Test
    void runLoopDeliversTheRdmsrFaultThroughTheIdtAfterVerwAndLar() {
        f.defaultGates();
        f.put(handler(Vectors.GP), 0xF4); // hlt
        // verw [DATA]; lar eax, ecx; rdmsr
        f.memory.write16(DATA, KDATA);
        code("0f002d" + le(DATA) + "0f02c1" + "0f32");
        r[Cpu.ECX] = KCODE;
        cpu.setEflags(0x2);
        cpu.run(cpu.icount + 10);
        assertThat(cpu.halted).isTrue();
        assertThat(r[Cpu.EAX]).isEqualTo(0x00CF9B00);
        int esp = r[Cpu.ESP];
        assertThat(f.memory.read32(esp)).as("error code").isZero();
        assertThat(f.memory.read32(esp + 4)).as("saved EIP is the RDMSR").isEqualTo(CODE + 10);
        assertThat(f.memory.read32(esp + 12) & Flags.ZF).as("saved ZF from LAR").isNotZero();
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static String le(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }
}
