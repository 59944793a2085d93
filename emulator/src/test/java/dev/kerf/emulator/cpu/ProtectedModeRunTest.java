package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end through {@link Cpu#run(long)}: guest code in RAM, paging on, a ring-3 program and
 * ring-0 handlers built from hand-assembled bytes. The handlers record what they saw at
 * {@link #LOG} (supervisor memory) and stop with HLT.
 */
class ProtectedModeRunTest {
    /** Where handlers write what they observed. */
    private static final int LOG = 0x6000;

    private final PmodeFixture f = new PmodeFixture().defaultGates().paging();
    private final Cpu cpu = f.cpu;

    private int log(int i) {
        return f.memory.read32(LOG + 4 * i);
    }

    /** Handler for {@code vector}: logs CR2, the error code and the saved EIP, then HLT. */
    private void loggingFaultHandler(int vector) {
        f.put(handler(vector),
                0x0F, 0x20, 0xD0,               // mov eax, cr2
                0xA3, 0x00, 0x60, 0x00, 0x00,   // mov [LOG], eax
                0x58,                           // pop eax (error code)
                0xA3, 0x04, 0x60, 0x00, 0x00,   // mov [LOG+4], eax
                0x58,                           // pop eax (saved EIP)
                0xA3, 0x08, 0x60, 0x00, 0x00,   // mov [LOG+8], eax
                0xF4);                          // hlt
    }

    /** Handler for a vector without error code: logs the saved EIP and CS, then HLT. */
    private void loggingHandler(int vector, int at) {
        f.put(at,
                0x58,                           // pop eax (saved EIP)
                0xA3, 0x08, 0x60, 0x00, 0x00,   // mov [LOG+8], eax
                0x58,                           // pop eax (saved CS)
                0xA3, 0x0C, 0x60, 0x00, 0x00,   // mov [LOG+12], eax
                0xF4);                          // hlt
    }

    @Test
    void systemCallFromRing3AndBackThenPageFaultOnAKernelPage() {
        f.gate(0x80, KCODE, 0xD000, 0xE, 3, true);
        f.put(0xD000, 0x89, 0xC3, 0x43, 0xCF);           // mov ebx, eax; inc ebx; iretd
        loggingFaultHandler(Vectors.PF);
        f.put(USER_CODE,
                0xB8, 0x2A, 0x00, 0x00, 0x00,           // mov eax, 42
                0xCD, 0x80,                             // int 0x80
                0x89, 0x1D, 0x00, 0x08, 0x10, 0x00,     // mov [0x100800], ebx
                0xA1, 0x00, 0x80, 0x00, 0x00);          // mov eax, [0x8000]: supervisor page
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(1000)).isEqualTo(CpuStop.HALTED);

        assertThat(f.memory.read32(0x100800)).as("syscall result stored in ring 3").isEqualTo(43);
        assertThat(log(0)).as("CR2").isEqualTo(0x8000);
        assertThat(log(1)).as("#PF error code: P | U").isEqualTo(5);
        assertThat(log(2)).as("saved EIP = the faulting MOV").isEqualTo(USER_CODE + 13);
        assertThat(cpu.cpl).isZero();
        assertThat(cpu.icount).as("user 3 + syscall 3 + #PF handler 7; the faulting MOV did not retire").isEqualTo(3 + 3 + 7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FA" /* cli */, "F4" /* hlt */, "0F22D8" /* mov cr3, eax */,
            "0F011D00100000" /* lidt [0x1000] */, "0F09" /* wbinvd */})
    void privilegedInstructionInRing3IsGp(String hex) {
        loggingFaultHandler(Vectors.GP);
        int[] code = new int[hex.length() / 2];
        for (int i = 0; i < code.length; i++) code[i] = Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        f.put(USER_CODE, code);
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(1)).as("#GP(0)").isZero();
        assertThat(log(2)).as("saved EIP").isEqualTo(USER_CODE);
        assertThat(cpu.cr3).isEqualTo(PAGE_DIR);
        assertThat(f.stack32(4) & 0x200).as("user EFLAGS saved with IF still set").isEqualTo(0x200);
        assertThat(f.stack32(0)).as("saved CS").isEqualTo(UCODE);
    }

    @Test
    void softwareIntThroughAKernelOnlyGateIsGpAtTheIntInstruction() {
        f.gate(0x81, KCODE, 0xD000, 0xE, 0, true);
        loggingFaultHandler(Vectors.GP);
        f.put(USER_CODE, 0x90, 0xCD, 0x81);             // nop; int 0x81
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(1)).isEqualTo(0x81 * 8 + 2);
        assertThat(log(2)).as("saved EIP is the INT, not the next instruction").isEqualTo(USER_CODE + 1);
        assertThat(cpu.icount).as("the faulting INT did not retire").isEqualTo(1 + 7);
    }

    @Test
    void instructionFetchFromASupervisorPageInRing3IsPageFault() {
        loggingFaultHandler(Vectors.PF);
        f.put(USER_CODE, 0xB8, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xE0); // mov eax, 0x8000; jmp eax
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(0)).isEqualTo(0x8000);
        assertThat(log(1)).isEqualTo(5);
        assertThat(log(2)).isEqualTo(0x8000);
    }

    @Test
    void instructionCrossingIntoANotPresentPageFaultsWithCr2OnTheSecondPage() {
        loggingFaultHandler(Vectors.PF);
        f.memory.write32(PAGE_TABLE + 0x102 * 4, 0);    // 0x102000 not present
        int at = 0x101FFD;
        f.put(at, 0xB8, 0x01, 0x02, 0x03, 0x04);       // mov eax, imm32 straddling the boundary
        f.ring3(at, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(0)).isEqualTo(0x102000);
        assertThat(log(1)).as("user read, not present").isEqualTo(4);
        assertThat(log(2)).isEqualTo(at);
    }

    @Test
    void userWriteToAReadOnlyPageIsPageFaultAndLeavesMemoryAlone() {
        loggingFaultHandler(Vectors.PF);
        f.memory.write32(PAGE_TABLE + 0x150 * 4, 0x150000 | 0x5); // user, read-only
        f.memory.write32(0x150000, 0x11111111);
        f.put(USER_CODE, 0xC7, 0x05, 0x00, 0x00, 0x15, 0x00, 0x22, 0x22, 0x22, 0x22); // mov dword [0x150000], ...
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(0)).isEqualTo(0x150000);
        assertThat(log(1)).isEqualTo(7);
        assertThat(f.memory.read32(0x150000)).isEqualTo(0x11111111);
    }

    @Test
    void externalInterruptInterruptsRing3AndIretResumesIt() {
        PendingBus bus = new PendingBus();
        PmodeFixture g = new PmodeFixture(bus).defaultGates().paging();
        g.gate(0x20, KCODE, 0xD100, 0xE, 0, true);
        g.put(0xD100,
                0xFF, 0x05, 0x10, 0x60, 0x00, 0x00,   // inc dword [LOG+16]
                0xCF);                                // iretd
        g.put(USER_CODE, 0xEB, 0xFE);                 // jmp $
        g.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(g.cpu.run(50)).isEqualTo(CpuStop.LIMIT);
        bus.pending = 0x20;
        assertThat(g.cpu.run(100)).isEqualTo(CpuStop.LIMIT);

        assertThat(g.memory.read32(LOG + 16)).as("handler ran once").isEqualTo(1);
        assertThat(bus.pending).isEqualTo(-1);
        assertThat(g.cpu.cpl).isEqualTo(3);
        assertThat(g.cpu.eip).isEqualTo(USER_CODE);
        assertThat(g.cpu.reg[Cpu.ESP]).isEqualTo(USER_STACK_TOP);
        assertThat(g.cpu.getEflags() & 0x200).isEqualTo(0x200);
    }

    @Test
    void invalidOpcodeInRing3IsUdWithTheFaultingEip() {
        loggingHandler(Vectors.UD, handler(Vectors.UD));
        f.put(USER_CODE, 0x90, 0x0F, 0x0B);           // nop; ud2
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(2)).isEqualTo(USER_CODE + 1);
        assertThat(log(3)).isEqualTo(UCODE);
    }

    @Test
    void exceptionWithoutAUsableIdtIsATripleFault() {
        SystemOps.lidt(cpu, IDT, 0);
        f.put(0x1000, 0x0F, 0x0B);                    // ud2 at ring 0
        cpu.eip = 0x1000;

        assertThat(cpu.run(100)).isEqualTo(CpuStop.TRIPLE_FAULT);
    }

    @Test
    void kernelEditsAPteAndInvlpgMakesTheNewMappingVisible() {
        // Kernel code: read [0x300000], remap its PTE to another frame, INVLPG, read again.
        f.memory.write32(0x200000, 0xAAAA);
        f.memory.write32(0x201000, 0xBBBB);
        f.memory.write32(PAGE_TABLE + 0x300 * 4, 0x200000 | 3);
        int pte = PAGE_TABLE + 0x300 * 4;
        f.put(0x1000,
                0xA1, 0x00, 0x00, 0x30, 0x00,                                   // mov eax, [0x300000]
                0xA3, 0x00, 0x60, 0x00, 0x00,                                   // mov [LOG], eax
                0xC7, 0x05, pte & 0xFF, (pte >> 8) & 0xFF, (pte >> 16) & 0xFF, 0x00,
                0x03, 0x10, 0x20, 0x00,                                         // mov dword [pte], 0x201003
                0x0F, 0x01, 0x3D, 0x00, 0x00, 0x30, 0x00,                       // invlpg [0x300000]
                0xA1, 0x00, 0x00, 0x30, 0x00,                                   // mov eax, [0x300000]
                0xA3, 0x04, 0x60, 0x00, 0x00,                                   // mov [LOG+4], eax
                0xF4);                                                          // hlt
        cpu.eip = 0x1000;

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log(0)).isEqualTo(0xAAAA);
        assertThat(log(1)).isEqualTo(0xBBBB);
    }

    /** Raises one interrupt when {@link #pending} is set. */
    private static final class PendingBus implements CpuBus {
        int pending = -1;
        @Override public int in(int port, int size) { return 0; }
        @Override public void out(int port, int size, int value) {}
        @Override public boolean interruptRequested() { return pending >= 0; }
        @Override public int acknowledgeInterrupt() { int v = pending; pending = -1; return v; }
        @Override public long readTsc(long icount) { return icount; }
    }
}
