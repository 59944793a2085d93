package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Run-loop timing of interrupts and exceptions (design §3) on the protected-mode fixture:
 * external interrupts between instructions and between REP iterations, the STI shadow, and a
 * faulting read-modify-write that must leave EIP, memory and flags as they were.
 */
class InterruptRunTest {
    private static final int CODE = 0x7000, HANDLER = 0xD000, VECTOR = 0x20;

    private final CpuRig.FakeBus bus = new CpuRig.FakeBus();
    private final PmodeFixture f = new PmodeFixture(bus).defaultGates().paging();
    private final Cpu cpu = f.cpu;

    InterruptRunTest() {
        f.gate(VECTOR, PmodeFixture.KCODE, HANDLER, 0xE, 0, true);
        f.put(HANDLER, 0xF4); // hlt
        bus.vector = VECTOR;
        cpu.eip = CODE;
    }

    private int savedEip() {
        return f.stack32(0);
    }

    @Test
    void externalInterruptIsTakenBetweenInstructions() {
        f.put(CODE, 0x90, 0x90, 0x90, 0x90);
        cpu.setEflags(0x202);
        assertThat(cpu.run(2)).isEqualTo(CpuStop.LIMIT);
        bus.irq = true;
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(savedEip()).isEqualTo(CODE + 2);
        assertThat(f.stack32(8) & Flags.IF).isEqualTo(Flags.IF);
        assertThat(cpu.icount).as("2 NOPs + the handler's HLT; delivery retires nothing").isEqualTo(3);
    }

    @Test
    void stiHoldsInterruptsOffForOneInstruction() {
        f.put(CODE, 0xFB, 0x90, 0x90, 0x90); // sti; nop; nop
        bus.irq = true;
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(savedEip()).as("taken after the NOP that follows STI").isEqualTo(CODE + 2);
    }

    @Test
    void haltedCpuWakesForAnInterrupt() {
        f.put(CODE, 0xF4, 0x90);
        cpu.setEflags(0x202);
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.icount).isEqualTo(1);
        bus.irq = true;
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(savedEip()).isEqualTo(CODE + 1);
        assertThat(cpu.icount).isEqualTo(2);
    }

    @Test
    void repStringIsInterruptedBetweenIterations() {
        f.put(CODE, 0xF3, 0xA4); // rep movsb
        cpu.reg[Cpu.ESI] = 0x20000;
        cpu.reg[Cpu.EDI] = 0x21000;
        cpu.reg[Cpu.ECX] = 5;
        cpu.setEflags(0x202);
        assertThat(cpu.run(2)).isEqualTo(CpuStop.LIMIT);
        bus.irq = true;
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(savedEip()).as("EIP stays on the REP instruction").isEqualTo(CODE);
        assertThat(cpu.reg[Cpu.ECX]).isEqualTo(3);
        assertThat(cpu.reg[Cpu.EDI]).isEqualTo(0x21002);
    }

    @Test
    void faultingReadModifyWriteRestoresFlagsAndDoesNotRetire() {
        // Make the page at 0x20000 read-only (CR0.WP is on): ADC reads it, then the write faults.
        f.memory.write32(PmodeFixture.PAGE_TABLE + 0x20 * 4, 0x20000 | 1);
        SystemOps.invlpg(cpu, 0x20000);
        f.memory.write32(0x20000, 0);
        f.put(CODE, 0xF9, 0x11, 0x05, 0x00, 0x00, 0x02, 0x00); // stc; adc [0x20000], eax
        f.put(PmodeFixture.handler(Vectors.PF),
                0x58,   // pop eax (error code)
                0x5B,   // pop ebx (saved EIP)
                0x59,   // pop ecx (saved CS)
                0x5A,   // pop edx (saved EFLAGS)
                0xF4);
        cpu.reg[Cpu.EAX] = 0;
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.reg[Cpu.EAX]).as("error code: present, write").isEqualTo(3);
        assertThat(cpu.reg[Cpu.EBX]).isEqualTo(CODE + 1);
        assertThat(cpu.reg[Cpu.EDX] & Flags.CF).as("CF as before the ADC").isEqualTo(Flags.CF);
        assertThat(cpu.cr2).isEqualTo(0x20000);
        assertThat(f.memory.read32(0x20000)).isZero();
        assertThat(cpu.icount).as("STC + 5 handler instructions").isEqualTo(6);
    }

    @Test
    void pageFaultOnFetchAcrossAPageBoundary() {
        // A 5-byte MOV straddling into a not-present page: the fault hits the instruction start.
        f.memory.write32(PmodeFixture.PAGE_TABLE + 0x21 * 4, 0);
        SystemOps.invlpg(cpu, 0x21000);
        f.put(0x20FFE, 0xB8, 0x01, 0x02, 0x03, 0x04); // mov eax, imm32 (3 bytes on the next page)
        f.put(PmodeFixture.handler(Vectors.PF), 0x58, 0x5B, 0xF4); // pop eax; pop ebx; hlt
        cpu.eip = 0x20FFE;
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.cr2).isEqualTo(0x21000);
        assertThat(cpu.reg[Cpu.EBX]).isEqualTo(0x20FFE);
    }

    @Test
    void ring3PortAccessFollowsTheTssIoBitmap() {
        // I/O bitmap right after the 0x68-byte TSS: ports 0x80..0x87 allowed except 0x81.
        f.memory.write16(PmodeFixture.TSS + 0x66, 0x68);
        f.memory.write8(PmodeFixture.TSS + 0x68 + 0x10, 0x02);
        cpu.tr.limit = 0x68 + 0x20;
        f.put(PmodeFixture.handler(Vectors.GP), 0x58, 0x5B, 0xF4); // pop eax (error code); pop ebx (EIP); hlt
        f.put(PmodeFixture.USER_CODE, 0xE6, 0x80, 0xE6, 0x81);    // out 0x80, al; out 0x81, al
        f.ring3(PmodeFixture.USER_CODE, PmodeFixture.USER_STACK_TOP);
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(bus.log).containsExactly("out 80/1=" + Integer.toHexString(0));
        assertThat(cpu.reg[Cpu.EBX]).as("#GP at the second OUT").isEqualTo(PmodeFixture.USER_CODE + 2);
    }

    @Test
    void cachedWritableTranslationIsDroppedByInvlpg() {
        f.put(PmodeFixture.handler(Vectors.PF), 0x58, 0x5B, 0xF4); // pop eax (error code); pop ebx (EIP); hlt
        f.put(CODE,
                0xA3, 0x00, 0x00, 0x02, 0x00,               // mov [0x20000], eax
                0x0F, 0x01, 0x3D, 0x00, 0x00, 0x02, 0x00,   // invlpg [0x20000]
                0xA3, 0x00, 0x00, 0x02, 0x00);              // mov [0x20000], eax
        assertThat(cpu.run(1)).isEqualTo(CpuStop.LIMIT);
        f.memory.write32(PmodeFixture.PAGE_TABLE + 0x20 * 4, 0x20000 | 1); // now read-only
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.reg[Cpu.EBX]).isEqualTo(CODE + 12);
        assertThat(cpu.reg[Cpu.EAX]).as("present, write").isEqualTo(3);
    }

    @Test
    void cachedSupervisorTranslationIsNotUsedInRing3() {
        f.put(PmodeFixture.handler(Vectors.PF), 0x58, 0x5B, 0xF4);
        f.put(CODE, 0xA1, 0x00, 0x00, 0x02, 0x00);                       // mov eax, [0x20000] (ring 0)
        f.put(PmodeFixture.USER_CODE, 0xA1, 0x00, 0x00, 0x02, 0x00);     // the same in ring 3
        assertThat(cpu.run(1)).isEqualTo(CpuStop.LIMIT);
        f.ring3(PmodeFixture.USER_CODE, PmodeFixture.USER_STACK_TOP);
        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.reg[Cpu.EBX]).isEqualTo(PmodeFixture.USER_CODE);
        assertThat(cpu.reg[Cpu.EAX]).as("present, read, user").isEqualTo(5);
    }
}
